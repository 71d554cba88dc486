"""outputs/logs: JSON lines at the right level, the attention lines' cap, and secrets scrubbed."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

from autotracker.contract import ErrorInfo, Kind, Outcome, Target, TargetResult
from autotracker.outputs import logs

SECRET = "AKIAEXAMPLESECRETVALUE0123456789abcdef"


class RuntimeLogger:
    """What FunctionGraph's `context.getLogger()` gives: info/warning/error/debug methods."""

    def __init__(self) -> None:
        self.lines: List[Tuple[str, Dict[str, Any]]] = []

    def _record(self, level: str, text: str) -> None:
        self.lines.append((level, json.loads(text)))

    def debug(self, text: str) -> None:
        self._record("debug", text)

    def info(self, text: str) -> None:
        self._record("info", text)

    def warning(self, text: str) -> None:
        self._record("warning", text)

    def error(self, text: str) -> None:
        self._record("error", text)


class Context:
    def __init__(self) -> None:
        self.logger = RuntimeLogger()

    def getLogger(self) -> RuntimeLogger:
        return self.logger


def _result(name: str, outcome: Outcome, error: bool = False) -> TargetResult:
    target = Target(Kind.BUCKET, name, "p1", "ap-southeast-1")
    return TargetResult(target, outcome, f"reason {name}", error=ErrorInfo("X", "boom") if error else None)


def _answer(**fields: Any) -> Dict[str, Any]:
    return {"version": "1", "request_id": "req-1", "trigger": "timer", "ok": True, "summary": {}, **fields}


def test_the_invocation_line_is_info_and_json() -> None:
    context = Context()
    logs.log_invocation(logs.RunLog(context), _answer(), 12.34, [])
    assert len(context.logger.lines) == 1
    level, line = context.logger.lines[0]
    assert level == "info"
    assert line["event"] == "invocation"
    assert line["source"] == "cts-autotracker"
    assert line["duration_ms"] == 12.3


def test_failures_are_warnings_and_come_first() -> None:
    context = Context()
    results = [_result("made", Outcome.CREATED), _result("bad", Outcome.FAILED, error=True)]
    logs.log_invocation(logs.RunLog(context), _answer(), 1.0, results)
    targets = [(level, line["name"]) for level, line in context.logger.lines if line["event"] == "target"]
    assert targets == [("warning", "bad"), ("info", "made")]


def test_a_failed_invocation_writes_an_error_even_at_level_error() -> None:
    context = Context()
    logs.log_invocation(logs.RunLog(context, level="ERROR"), _answer(ok=False, error={"code": "E"}), 1.0, [])
    assert [(level, line["event"]) for level, line in context.logger.lines] == [("error", "problem")]


def test_lines_below_the_level_are_not_written() -> None:
    context = Context()
    log = logs.RunLog(context, level="WARNING")
    log.emit(logs.LEVELS["INFO"], {"event": "x"})
    log.emit(logs.LEVELS["WARNING"], {"event": "y"})
    assert [line["event"] for _, line in context.logger.lines] == ["y"]


def test_the_attention_lines_are_capped_and_the_rest_counted() -> None:
    context = Context()
    results = [_result(f"b{i}", Outcome.FAILED, error=True) for i in range(logs.MAX_TARGET_LINES + 5)]
    logs.log_invocation(logs.RunLog(context), _answer(), 1.0, results)
    events = [line["event"] for _, line in context.logger.lines]
    assert events.count("target") == logs.MAX_TARGET_LINES
    level, last = context.logger.lines[-1]
    assert last["event"] == "targets_not_logged"
    assert last["count"] == 5
    assert last["outcomes"] == {"failed": 5}
    assert level == "warning"


def test_a_long_reason_is_cut() -> None:
    context = Context()
    result = TargetResult(Target(Kind.BUCKET, "b", "p", "r"), Outcome.FAILED, "x" * 1000, error=ErrorInfo("X", "m"))
    logs.log_invocation(logs.RunLog(context), _answer(), 1.0, [result])
    assert len(context.logger.lines[-1][1]["reason"]) == logs.REASON_CHARS


def test_a_secret_never_reaches_the_log() -> None:
    context = Context()
    log = logs.RunLog(context, secrets=[SECRET])
    logs.log_problem(log, f"failed with key {SECRET}")
    level, line = context.logger.lines[0]
    assert level == "error"
    assert SECRET not in json.dumps(line)
    assert line["message"] == "failed with key ***"


def test_a_line_that_cannot_be_written_is_counted_not_raised() -> None:
    class Broken(Context):
        def getLogger(self) -> Any:
            return self

        def info(self, text: str) -> None:
            raise OSError("disk full")

    log = logs.RunLog(Broken())
    log.emit(logs.LEVELS["INFO"], {"event": "x"})
    assert log.failed == 1
