"""The auditor's report: every sweep's result written to OBS as JSON, CSV, one HTML page and OCSF findings.

Keys: `REPORT_PREFIX` + `yyyy/mm/dd/<run id>.<nonce>.{json,csv,html,ocsf.json}` (UTC); a member
sweep's `yyyy/mm/dd/<run id>/<account id>.<request id>.<nonce>.{json,csv,html,ocsf.json}` (and its
summary for the organization report, organization/report.py). Each run's `.manifest` lists what it
wrote with SHA-256 digests, chained per account and for the organization (evidence.py). The JSON
is the full result; the CSV has one row per target; the HTML is one self-contained page
(outputs/page.py); `.ocsf.json` is the targets as OCSF Compliance Findings (outputs/ocsf.py). A
failed run says so first in every form: the JSON's `error`, the CSV's first row, a banner atop
the page, a FAIL finding first. Every string from the cloud or an event is untrusted: escaped
and stripped of control characters in the page (well-formed XML, so any XML or HTML parser reads
it), and a CSV cell a spreadsheet would run as a formula is quoted and starts with `'` (OWASP's
CSV-injection advice). Each object is written, or fails, alone.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from ..cloud.errors import CloudError, Unjudged
from ..cloud.gateway import Gateway
from ..contract import (
    NOTHING_DONE,
    ErrorCode,
    ErrorInfo,
    InvocationResult,
    Kind,
    Outcome,
    TargetResult,
)
from ..pipeline.quota import warning
from ..untrusted import shown
from ..version import __version__
from .logs import RunLog, log_problem

if TYPE_CHECKING:
    from ..invocation import Run

COLUMNS = ("account", "region", "project", "kind", "name", "outcome", "tracker", "error_code", "reason")
COVERED = (Outcome.ALREADY_TRACKED, Outcome.CREATED, Outcome.UPDATED)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run (OWASP)
TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "ocsf.json": "application/json",  # OCSF findings (outputs/ocsf.py)
}


@dataclass(frozen=True)
class RunFacts:
    """What the report says about the run itself."""

    time: datetime  # UTC
    trigger: str
    function: Optional[str]
    request_id: Optional[str]
    account: Optional[str]  # "account <id>", "organization", or None when unknown
    account_id: Optional[str]  # the account a target without its own account_id lives in
    region: str
    dry_run: bool
    run_id: str
    filed: Optional[datetime] = None  # the day folder's time, when not `time` (a member: its coordinator's)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "time": self.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "trigger": self.trigger,
            "function": self.function,
            "request_id": self.request_id,
            "account": self.account,
            "account_id": self.account_id,
            "region": self.region,
            "dry_run": self.dry_run,
            "run_id": self.run_id,
        }


@dataclass(frozen=True)
class ReportObjects:
    """Where the report went: the keys written, and why any was not."""

    bucket: str
    keys: Tuple[str, ...]
    error: Optional[ErrorInfo] = None
    account: Optional[str] = None  # whom the report is about ("account <id>"), for the message
    evidence: Tuple[str, ...] = ()  # written with it: the manifest, a member's summary (evidence.py)

    def to_dict(self) -> Dict[str, Any]:
        error = self.error.to_dict() if self.error else None
        return {"bucket": self.bucket, "keys": list(self.keys), "evidence": list(self.evidence), "error": error}


def object_keys(prefix: str, facts: RunFacts) -> Dict[str, str]:
    """`<day>/<run id>.<nonce>.<ext>`: the nonce is new on every call, so an attempt never replaces
    an earlier one's objects, even a retry that reuses its request id (the run id), and the four
    objects of one attempt share it. `/` in the run id makes a folder (a member's
    `<run id>/<account>.<request id>`, under its coordinator's day); each part is cut at 256
    characters separately (ids are at most 128, an account id 64), so no id is cut off."""
    day = (facts.filed or facts.time).strftime("%Y/%m/%d")
    parts = ("".join(c if c.isalnum() or c in "-_." else "-" for c in part)[:256] for part in facts.run_id.split("/"))
    safe = "/".join(part or "run" for part in parts)
    nonce = secrets.token_hex(6)
    return {ext: f"{prefix}{day}/{safe}.{nonce}.{ext}" for ext in TYPES}


def rows(results: Sequence[TargetResult], account_id: Optional[str] = None) -> List[Dict[str, str]]:
    """One row per target, in COLUMNS order; what the CSV holds and the HTML tables show."""
    out = []
    for result in results:
        target = result.target
        out.append(
            {
                "account": (target.account_id or account_id or "") if target else "",
                "region": (target.region or "") if target else "",
                "project": (target.project_id or "") if target else "",
                "kind": str(target.kind) if target else "",
                "name": (target.name or "") if target else "",
                "outcome": str(result.outcome),
                "tracker": result.tracker.name if result.tracker else "",
                "error_code": str(result.error.code) if result.error else "",
                "reason": result.reason,
            }
        )
    return out


def problem_row(problem: Dict[str, Any], account_id: Optional[str] = None) -> Dict[str, str]:
    """The CSV's first row when the invocation itself failed: no reader may take the rows below
    (or their absence) for the whole account."""
    message = f"the run failed, so the rows below are not the whole scope: {problem.get('message') or ''}"
    row = dict.fromkeys(COLUMNS, "")
    row.update(account=account_id or "", kind="invocation", outcome=str(Outcome.FAILED), reason=message)
    row["error_code"] = str(problem.get("code") or "")
    return row


def quota_rows(quota: Optional[Sequence[Dict[str, Any]]], account_id: Optional[str] = None) -> List[Dict[str, str]]:
    """A row per project at or above QUOTA_WARN_PERCENT (kind `quota`), above the targets."""
    out = []
    for use in quota or ():
        if use.get("warn"):
            row = dict.fromkeys(COLUMNS, "")
            row.update(account=use.get("account_id") or account_id or "", region=use.get("region") or "")
            row.update(project=use["project_id"], kind="quota", name=f"{use['used']}/{use['limit']} data trackers")
            row.update(error_code=str(ErrorCode.QUOTA_NEARLY_FULL), reason=warning(use))
            out.append(row)
    return out


def to_csv(
    results: Sequence[TargetResult],
    account_id: Optional[str] = None,
    problem: Optional[Dict[str, Any]] = None,
    quota: Optional[Sequence[Dict[str, Any]]] = None,
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    table = ([problem_row(problem, account_id)] if problem else []) + quota_rows(quota, account_id)
    table += rows(results, account_id)
    # a cell a spreadsheet would run as a formula starts with `'`, and every cell is quoted (OWASP)
    starts = FORMULA_STARTS
    writer.writerows([("'" + v if v.startswith(starts) else v) for v in map(row.__getitem__, COLUMNS)] for row in table)
    return buffer.getvalue()


def coverage(results: Sequence[TargetResult]) -> List[Tuple[str, int, int]]:
    """(region, covered, in scope) per region: covered means a live tracker as the baseline wants
    (created, repaired, or already there without an error); skipped targets are out of scope."""
    tally: "OrderedDict[str, List[int]]" = OrderedDict()
    for result in results:
        target = result.target
        if target is None or target.kind == Kind.ACCOUNT or result.outcome == Outcome.SKIPPED:
            continue
        counts = tally.setdefault(target.region or "unknown", [0, 0])
        counts[1] += 1
        counts[0] += result.outcome in COVERED and result.error is None
    return [(region, counts[0], counts[1]) for region, counts in sorted(tally.items())]


def to_html(
    facts: RunFacts,
    results: Sequence[TargetResult],
    problem: Optional[Dict[str, Any]] = None,
    quota: Optional[Sequence[Dict[str, Any]]] = None,
) -> str:
    """The page (outputs/page.py renders it from plain rows, as it does the organization's); a
    project at or above QUOTA_WARN_PERCENT is a warning under the problem banner."""
    from . import page  # only a report needs it: never on a bucket event's cold path

    title = f"cts-autotracker report {facts.time.strftime('%Y-%m-%d %H:%M:%S UTC')}"
    warnings = [("Quota warning", warning(use)) for use in quota or () if use.get("warn")]
    return page.render(
        title=title,
        facts=facts_rows(facts),
        rows=rows(results, facts.account_id),
        problem=problem,
        warnings=warnings,
        quota=quota or (),
    )


def facts_rows(facts: RunFacts) -> List[Tuple[str, str]]:
    """The run's facts as the page shows them, the version first after the time."""
    return [
        ("Time", facts.time.strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("Version", f"cts-autotracker {__version__}"),
        ("Account", facts.account or "this function's account"),
        ("Region", facts.region),
        ("Function", facts.function or "unknown"),
        ("Trigger", facts.trigger + (" (dry run: nothing was created)" if facts.dry_run else "")),
        ("Request id", facts.request_id or "unknown"),
        ("Run id", facts.run_id),
    ]


def to_ocsf(facts: RunFacts, results: Sequence[TargetResult], problem: Optional[Dict[str, Any]] = None) -> str:
    """The OCSF findings (outputs/ocsf.py), one per target, as a JSON array."""
    from . import ocsf  # only a report needs it

    found = ocsf.findings(
        rows(results, facts.account_id),
        time=facts.time,
        run_id=facts.run_id,
        region=facts.region,
        account_id=facts.account_id,
        problem=problem,
    )
    return ocsf.to_json(found)


def write(
    gateway: Gateway,
    region: str,
    bucket: str,
    prefix: str,
    facts: RunFacts,
    result: Dict[str, Any],
    results: Sequence[TargetResult],
    extra: Optional[Dict[str, bytes]] = None,
) -> ReportObjects:
    """Write the four objects at once, each alone: one that cannot be built or written does not
    keep the others back; then `extra` (key -> JSON, a member's summary for its organization
    run) and the manifest of all that was written (evidence.py). The answer lists the keys
    written; a failure is in it, never raised."""
    keys = object_keys(prefix, facts)
    problem = result.get("error")
    bodies: Dict[str, bytes] = {}
    builders = {
        # the run's failure first: a reader of the JSON sees it before the facts and the results
        "json": lambda: json.dumps({"error": problem, "run": facts.to_dict(), **result}, indent=1, default=str),
        "csv": lambda: to_csv(results, facts.account_id, problem, result.get("quota")),
        "html": lambda: to_html(facts, results, problem, result.get("quota")),
        "ocsf.json": lambda: to_ocsf(facts, results, problem),
    }

    def put(ext: str) -> Optional[ErrorInfo]:
        try:
            body = builders[ext]().encode("utf-8", "replace")  # a lone surrogate never stops a report
            gateway.put_object(region, bucket, keys[ext], body, TYPES[ext])
            bodies[keys[ext]] = body
        except CloudError as error:
            return error.info(f"{keys[ext]}: {error.code} {error.message}")
        except Exception as error:  # noqa: BLE001 - a bug in one form must not take the others down
            detail = shown(f"{type(error).__name__}: {error}", 300)  # the log's report line carries it
            return ErrorInfo(ErrorCode.INTERNAL_ERROR, f"{keys[ext]}: unexpected {detail}")
        return None

    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        outcomes = dict(zip(keys, pool.map(put, list(keys))))
    written = tuple(keys[ext] for ext, failure in outcomes.items() if failure is None)
    failures = [failure for failure in outcomes.values() if failure is not None]
    evidence, unsealed = seal_written(
        gateway, region, bucket, prefix, chain_of(facts), keys["json"], bodies, extra or {}
    )
    if not failures and not unsealed:
        return ReportObjects(bucket, written, account=facts.account, evidence=evidence)
    first = (failures + unsealed)[0]
    what = "; ".join(failure.message for failure in failures + unsealed)
    message = f"writing the report failed ({len(failures)} of {len(keys)} objects not written): {what}"
    if not failures:
        message = f"writing the report's evidence failed (the report's objects were written): {what}"
    info = ErrorInfo(first.code, message, first.request_id)
    return ReportObjects(bucket, written, info, facts.account, evidence)


def chain_of(facts: RunFacts) -> str:
    """The hash chain a report's manifest joins: its account's, or the organization's."""
    return "organization" if facts.account == "organization" else f"account-{facts.account_id or 'unknown'}"


def seal_written(
    gateway: Gateway,
    region: str,
    bucket: str,
    prefix: str,
    chain: str,
    stem_key: str,
    bodies: Dict[str, bytes],
    extra: Dict[str, bytes],
) -> Tuple[Tuple[str, ...], List[ErrorInfo]]:
    """Write `extra`, then the manifest of every object written (evidence.py): the keys written and
    the failures, never raised. Nothing written, nothing sealed."""
    from . import evidence

    written: List[str] = []
    failures: List[ErrorInfo] = []
    for key, body in extra.items():
        try:
            gateway.put_object(region, bucket, key, body, evidence.JSON_TYPE)
            bodies[key] = body
            written.append(key)
        except CloudError as error:
            failures.append(error.info(f"{key}: {error.code} {error.message}"))
    if not bodies:
        return tuple(written), failures
    key = evidence.manifest_key(stem_key)
    try:
        evidence.seal(
            lambda name: gateway.get_object(region, bucket, name),
            lambda name, body, kind: gateway.put_object(region, bucket, name, body, kind),
            prefix,
            chain,
            key,
            bodies,
        )
        written.append(key)
    except CloudError as error:
        failures.append(error.info(f"{key}: {error.code} {error.message}"))
    return tuple(written), failures


def report_standing_alone(
    run: Run, results: List[TargetResult], problem: Optional[ErrorInfo], log: RunLog, function: Optional[str]
) -> ReportObjects:
    """The report written, or why not: a bug in writing it is recorded, never raised, so the
    results, the SMN message and the log still go out."""
    try:
        return _write_report(run, results, problem, function)
    except Exception as error:  # noqa: BLE001 - one output failing never takes the others down
        log_problem(log, "report not written", {"error": f"{type(error).__name__}: {error}"})
        message = f"writing the report failed: unexpected {type(error).__name__}; see the function's log"
        return ReportObjects(run.settings.report_bucket or "", (), ErrorInfo(ErrorCode.INTERNAL_ERROR, message))


def _write_report(
    run: Run, results: List[TargetResult], problem: Optional[ErrorInfo], function: Optional[str]
) -> ReportObjects:
    scope = run.scope
    account, account_id = scope.label, scope.named
    if account is None:
        try:
            account_id = scope.own_account()
        except Unjudged:
            account_id = None
        account = f"account {account_id}" if account_id else None
    run_id, filed, extra = run.own_id, None, None
    fanout = run.work.fanout  # verified: the coordinator's run, and its day, so a run's members share a folder
    if fanout is not None and account_id:  # side by side in the coordinator's folder (the key adds a nonce)
        run_id = f"{fanout.run_id}/{account_id}.{run.own_id}"
        filed = datetime.fromtimestamp(fanout.issued, timezone.utc)
        from ..organization.report import member_summary

        quota = run.quota.figures()
        extra = member_summary(run, fanout.run_id, account_id, secrets.token_hex(6), results, problem, quota)
    facts = RunFacts(
        datetime.now(timezone.utc),
        str(run.work.trigger),
        function,
        run.request_id,
        account,
        account_id,
        run.settings.region,
        run.dry_run,
        run_id,
        filed,
    )
    quota = run.quota.figures()
    summary = InvocationResult(
        run.work.trigger, run.dry_run, results, NOTHING_DONE, problem, run.request_id, None, quota
    )
    answer = summary.to_dict()
    answer.pop("notification")
    bucket, prefix = run.settings.report_bucket or "", run.settings.report_prefix
    return write(run.gateway, run.settings.region, bucket, prefix, facts, answer, results, extra)
