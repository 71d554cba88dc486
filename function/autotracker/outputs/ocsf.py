"""The report as OCSF findings (`<stem>.ocsf.json`): one Compliance Finding (class 2003) per target.

Why Compliance Finding, not Detection Finding (2004): each row is the result of evaluating a
resource against a requirement (is its audit logging recorded by a CTS tracker?), which is what
2003 describes, with a `compliance` object for the standards and controls and a Pass/Fail
status; 2004 is for detections of activity (alerts), which we do not make.

Plain dicts, built here without `py-ocsf-models` (it needs Python >= 3.10 and pydantic 2; the
function runs on 3.9): the tests validate the output against it. Input is plain data so every
report feeds it alike: `rows` in `reports.COLUMNS` shape (the single-account and member reports
pass `reports.rows(...)`; the organization report passes one row per account, kind `account`,
with an explicit `status`). `finding_info.uid` hashes the check, account, region and resource,
so the same target keeps its id across runs and a SIEM deduplicates.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Dict, Iterable, Iterator, Mapping, Optional

from ..contract import ErrorCode, Kind, Outcome
from ..version import __version__
from . import frameworks

OCSF_VERSION = "1.5.0"
COMPLIANCE_FINDING = 2003
ACTIVITY_CREATE = 1
PASS, FAIL, SKIPPED, UNKNOWN = "PASS", "FAIL", "SKIPPED", "UNKNOWN"
# OCSF compliance status_id: 0 Unknown, 1 Pass, 3 Fail, 99 Other (skipped: out of scope by design)
COMPLIANCE_STATUS = {PASS: (1, "Pass"), FAIL: (3, "Fail"), SKIPPED: (99, "Other"), UNKNOWN: (0, "Unknown")}
SEVERITY = {PASS: (1, "Informational"), FAIL: (3, "Medium"), SKIPPED: (1, "Informational"), UNKNOWN: (0, "Unknown")}
_PASSING = frozenset({Outcome.ALREADY_TRACKED, Outcome.CREATED, Outcome.UPDATED, Outcome.JUDGED})


def status_of(row: Mapping[str, str]) -> str:
    """PASS, FAIL, SKIPPED or UNKNOWN: the row's own `status` when it has one (the organization
    report's accounts), else from the outcome: covered without an error passes; a dry run's
    `planned` fails (nothing records it yet); a dispatched member sweep is not judged yet."""
    given = row.get("status")
    if given:
        return given
    outcome = row.get("outcome", "")
    if row.get("error_code"):
        return FAIL
    if outcome in _PASSING:
        return PASS
    if outcome == Outcome.SKIPPED:
        return SKIPPED
    if outcome == Outcome.DISPATCHED:
        return UNKNOWN
    return FAIL


def finding_uid(check: str, account: str, region: str, kind: str, resource: str) -> str:
    """Stable across runs for the same check, account, region and resource."""
    return hashlib.sha256("\x1f".join((check, account, region, kind, resource)).encode("utf-8")).hexdigest()


def findings(
    rows: Iterable[Mapping[str, str]],
    *,
    time: datetime,
    run_id: str,
    region: str,
    account_id: Optional[str] = None,
    problem: Optional[Mapping[str, Any]] = None,
    version: str = __version__,
) -> Iterator[Dict[str, Any]]:
    """One finding per row, and first, when the invocation itself failed, a FAIL finding for the
    account saying so: a failed run's findings never read as all well. A generator: `to_json`
    writes 10,000 findings holding one at a time, not 10,000 dicts (~50 MB)."""
    build = _Builder(int(time.timestamp() * 1000), run_id, region, account_id, version)
    if problem:
        account = account_id or ""
        message = f"the run failed, so the findings below are not the whole scope: {problem.get('message') or ''}"
        row = {"account": account, "region": region, "project": "", "kind": str(Kind.ACCOUNT), "name": account}
        row.update(outcome=str(Outcome.FAILED), error_code=str(problem.get("code") or ErrorCode.INTERNAL_ERROR))
        row.update(tracker="", reason=message, status=FAIL)
        yield build(row)
    yield from map(build, rows)


def to_json(found: Iterable[Dict[str, Any]]) -> str:
    """The findings as one compact JSON array, serialised one finding at a time."""
    return "[" + ",".join(json.dumps(finding, separators=(",", ":")) for finding in found) + "]"


class _Builder:
    """Builds findings for one report: what is the same for every finding of a check (its title,
    controls and standards) is worked out once, not 10,000 times."""

    def __init__(self, millis: int, run_id: str, region: str, account_id: Optional[str], version: str) -> None:
        self.millis, self.region, self.account_id = millis, region, account_id
        product = {"name": "cts-autotracker", "vendor_name": "cts-autotracker", "version": version}
        self.metadata = {"version": OCSF_VERSION, "profiles": ["cloud"], "correlation_uid": run_id, "product": product}
        self.checks: Dict[str, Dict[str, Any]] = {}

    def check(self, kind: str) -> Dict[str, Any]:
        check = frameworks.check_of(kind)
        found = self.checks.get(check)
        if found is None:
            controls = frameworks.controls(check)
            found = self.checks[check] = {
                "check": check,
                "title": frameworks.mapping()["checks"][check]["title"],
                "requirements": [f"{c['framework']} {c['control']}" for c in controls],
                "standards": sorted({c["framework"] for c in controls}),
            }
        return found

    def __call__(self, row: Mapping[str, str]) -> Dict[str, Any]:
        kind = row.get("kind") or str(Kind.ACCOUNT)
        check = self.check(kind)
        account = row.get("account") or self.account_id or ""
        where = row.get("region") or self.region
        resource = row.get("name") or row.get("project") or account
        status = status_of(row)
        status_id, status_name = COMPLIANCE_STATUS.get(status, COMPLIANCE_STATUS[UNKNOWN])
        severity_id, severity = SEVERITY.get(status, SEVERITY[UNKNOWN])
        reason = row.get("reason", "")
        details = {k: row.get(k, "") for k in ("project", "outcome", "tracker", "error_code")}
        return {
            "activity_id": ACTIVITY_CREATE,
            "activity_name": "Create",
            "category_uid": 2,
            "category_name": "Findings",
            "class_uid": COMPLIANCE_FINDING,
            "class_name": "Compliance Finding",
            "type_uid": COMPLIANCE_FINDING * 100 + ACTIVITY_CREATE,
            "type_name": "Compliance Finding: Create",
            "time": self.millis,
            "severity_id": severity_id,
            "severity": severity,
            "status_code": status,
            "status_detail": reason,
            "metadata": self.metadata,
            "cloud": {"provider": "Huawei Cloud", "region": where, "account": _account(row, account)},
            "resources": [{"uid": resource, "name": resource, "type": kind, "region": where, "data": details}],
            "finding_info": {
                "uid": finding_uid(check["check"], account, where, kind, resource),
                "title": check["title"],
                "created_time": self.millis,
                "types": [check["check"]],
            },
            "compliance": {
                "control": check["check"],
                "requirements": check["requirements"],
                "standards": check["standards"],
                "status_id": status_id,
                "status": status_name,
            },
        }


def _account(row: Mapping[str, str], account: str) -> Dict[str, Any]:
    name = row.get("account_name") or account
    return {"uid": account, "name": name, "type_id": 99, "type": "Huawei Cloud account"}
