"""Structured logs: one JSON line per invocation, and one per target needing attention.

Lines go to the logger FunctionGraph gives (`context.getLogger()`) when there is one, else to
the standard library's `cts_autotracker` logger; `LOG_LEVEL` sets what is written. Every line
is JSON (control characters and quotes in untrusted text are escaped by the encoder), and its
text passes the credential scrubber before it is written.

Whatever went wrong is written at WARNING or above, whatever NOTIFY says: a failed target or
one with an error, a failed invocation, a report not (wholly) written, a message not published.
A line that cannot be written is counted (`RunLog.failed`), never raised.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set

from ..cloud.credentials import scrub
from ..contract import InvocationResult, Outcome, TargetResult, needs_attention
from ..pipeline.quota import LEFT_OUT_SHOWN, warning

STDLIB = logging.getLogger("cts_autotracker")
LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING, "ERROR": logging.ERROR}
MAX_TARGET_LINES = 200  # a huge sweep logs this many attention lines, then says how many more
REASON_CHARS = 300
QUOTA_CHARS = 2000  # the warning with its left-out buckets and what to do


class RunLog:
    """Where this invocation's lines go, at which level, with which secrets scrubbed."""

    def __init__(self, context: Any, level: str = "INFO", secrets: Sequence[str] = ()) -> None:
        self.level = LEVELS.get(level, logging.INFO)
        self.secrets = tuple(secrets)
        self.failed = 0  # lines that could not be written
        getter = getattr(context, "getLogger", None)
        try:
            self.runtime = getter() if getter else None
        except Exception:  # noqa: BLE001 - a context without a logger means the standard library's
            self.runtime = None
        if self.runtime is None:
            STDLIB.setLevel(self.level)

    def emit(self, level: int, fields: Mapping[str, Any]) -> None:
        if level < self.level:
            return
        try:
            self._write(level, fields)
        except Exception:  # noqa: BLE001 - a log that fails must not take the result down
            self.failed += 1

    def _write(self, level: int, fields: Mapping[str, Any]) -> None:
        if self.runtime is None and not STDLIB.hasHandlers() and level < logging.WARNING:
            return  # nowhere to go (a bare local run): not even worth formatting
        line = {"source": "cts-autotracker", **fields}
        text = scrub(json.dumps(line, default=str, ensure_ascii=True), self.secrets)
        if self.runtime is not None:
            name = {logging.DEBUG: "debug", logging.WARNING: "warning", logging.ERROR: "error"}.get(level, "info")
            write = getattr(self.runtime, name, None) or getattr(self.runtime, "info", None)
            if write is not None:
                write(text)
                return
        STDLIB.log(level, text)


def log_invocation(log: RunLog, answer: Dict[str, Any], duration_ms: float, results: Sequence[TargetResult]) -> None:
    """The invocation's line (INFO), then one per target needing attention (WARNING if it failed)."""
    notification = answer.get("notification") or {}
    fields = {
        "event": "invocation",
        "version": answer.get("version"),
        "request_id": answer.get("request_id"),
        "trigger": answer.get("trigger"),
        "dry_run": answer.get("dry_run"),
        "ok": answer.get("ok"),
        "summary": answer.get("summary"),
        "duration_ms": round(duration_ms, 1),
        "notification": {"sent": notification.get("sent"), "reason": notification.get("reason")},
        "report": (answer.get("report") or {}).get("keys"),
        "error": answer.get("error"),
    }
    log.emit(logging.INFO, fields)
    if answer.get("error"):  # the invocation failed: whatever NOTIFY says, this line is written
        log.emit(logging.ERROR, {"event": "problem", "message": "the invocation failed", "error": answer["error"]})
    for use in answer.get("quota") or ():  # each project at or above QUOTA_WARN_PERCENT, whatever NOTIFY says
        if use.get("warn"):
            line = {key: use.get(key) for key in ("project_id", "region", "account_id", "used", "limit", "free")}
            line.update(percent=use.get("percent"), warn_percent=use.get("warn_percent"))
            line.update(left_out=(use.get("left_out") or [])[:LEFT_OUT_SHOWN], message=warning(use)[:QUOTA_CHARS])
            log.emit(logging.WARNING, {"event": "quota", "request_id": answer.get("request_id"), **line})
    report = answer.get("report") or {}
    if report.get("error"):
        written = {"bucket": report.get("bucket"), "keys_written": report.get("keys"), "error": report["error"]}
        log.emit(logging.WARNING, {"event": "problem", "message": "report not written", **written})
    # what went wrong first: created or planned lines (INFO) never push a failure past the cap
    wrong = [r for r in results if _went_wrong(r)]
    lines: List[TargetResult] = wrong + [r for r in results if not _went_wrong(r) and needs_attention(r)]
    for result in lines[:MAX_TARGET_LINES]:
        target = result.target
        log.emit(
            logging.WARNING if _went_wrong(result) else logging.INFO,
            {
                "event": "target",
                "request_id": answer.get("request_id"),
                "kind": str(target.kind) if target else None,
                "name": target.name if target else None,
                "project_id": target.project_id if target else None,
                "region": target.region if target else None,
                "account_id": target.account_id if target else None,
                "outcome": str(result.outcome),
                "error_code": str(result.error.code) if result.error else None,
                "reason": result.reason[:REASON_CHARS],
            },
        )
    if len(lines) > MAX_TARGET_LINES:
        unlogged = lines[MAX_TARGET_LINES:]
        outcomes = Counter(str(r.outcome) for r in unlogged)
        wrong_unlogged = len(wrong) > MAX_TARGET_LINES  # then the count is something that went wrong, too
        log.emit(
            logging.WARNING if wrong_unlogged else logging.INFO,
            {"event": "targets_not_logged", "count": len(unlogged), "outcomes": dict(outcomes)},
        )


def _went_wrong(result: TargetResult) -> bool:
    return result.outcome == Outcome.FAILED or result.error is not None


def log_problem(log: RunLog, message: str, details: Optional[Mapping[str, Any]] = None) -> None:
    log.emit(logging.ERROR, {"event": "problem", "message": message, **(details or {})})


def finish(result: InvocationResult, log: RunLog, started: float) -> Dict[str, Any]:
    """The result as JSON data with any credential that slipped into a string scrubbed, and the
    invocation's structured log lines. The usual case, nothing to scrub, is found without
    dumping a 10,000-target result to JSON and back."""
    answer = result.to_dict()
    if log.secrets and _may_hold_secrets(answer, result, log.secrets):
        text = json.dumps(answer, default=str)
        scrubbed = scrub(text, [json.dumps(secret)[1:-1] for secret in log.secrets])  # as they appear in JSON
        answer = json.loads(scrubbed) if scrubbed != text else answer
    log_invocation(log, answer, (time.monotonic() - started) * 1000, result.results)
    if log.failed:  # the log is one output: its failure is recorded, the result stands, and is not ok
        answer["ok"] = False
        answer["log_error"] = f"{log.failed} log line(s) could not be written"
    return answer


def _may_hold_secrets(answer: Dict[str, Any], result: InvocationResult, secrets: Sequence[str]) -> bool:
    """Whether any string of the result holds a credential: the targets' distinct strings (a sweep
    repeats most: reasons, errors, projects) joined once, and everything else, which is small, as JSON."""
    strings: Set[Any] = set()
    for item in result.results:  # the records are tuples of strings (or None)
        strings.update(item.target or (), item.tracker or (), item.error or ())
        strings.add(item.reason)
    rest = json.dumps({key: value for key, value in answer.items() if key != "results"}, default=str)
    joined = "\n".join(text for text in strings if isinstance(text, str)) + "\n" + rest
    return any(secret in joined for secret in secrets)
