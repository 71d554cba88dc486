"""The organization report: one per run, for every account in scope, in the management account's
REPORT_BUCKET, as JSON, CSV and HTML.

FunctionGraph has no fan-in, so the run's objects meet under one folder, `REPORT_PREFIX` +
`organization/<run id>/`:

- `expected.json`: written by the coordinator once it has queued the run: every account in
  scope with its status then (`expected` when queued; its Organizations status, e.g.
  `suspended`, when it was not swept; `failed` with the error when it could not be queued);
- `accounts/<account id>.<request id>.<nonce>.json`: one small summary per member attempt
  (reported or failed, the error, the four counts per region), never overwritten;
- `report.<request id>.{json,csv,html}`: the report, assembled from the two above by
  `{"action": "report", "run_id": R}` (manual invoke, management account) and by the next
  coordinator run, which closes the run before it (`latest.json` names it). An account
  without a summary is `not_reported`.

Assembling costs one GET of the expected list, one ListObjects page per 1,000 summaries and one
GET per summary (the latest attempt of an account wins): O(accounts), never O(accounts²).
"""

from __future__ import annotations

import csv
import io
import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from ..cloud.errors import CloudError
from ..cloud.gateway import Gateway
from ..contract import ErrorCode, ErrorInfo, Kind, Outcome, TargetResult
from ..untrusted import printable, shown
from ..version import __version__

if TYPE_CHECKING:
    from ..invocation import Run
    from ..outputs.reports import ReportObjects
    from .accounts import Account

REPORTED, FAILED, NOT_REPORTED, EXPECTED = "reported", "failed", "not_reported", "expected"
COUNTS = ("buckets_covered", "buckets_in_scope", "projects_covered", "projects_in_scope")
CSV_COLUMNS = ("account_id", "name", "status", "error_code", "region") + COUNTS + ("error_message",)
RUN_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}\Z")
COVERED = (Outcome.ALREADY_TRACKED, Outcome.CREATED, Outcome.UPDATED)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BANNER_NAMES = 10  # accounts the HTML page's banner names; all of them are listed below it
QUOTA_FIELDS = ("project_id", "region", "used", "limit", "free", "percent", "warn_percent", "left_out_count")


def run_folder(prefix: str, run_id: str) -> str:
    return f"{prefix}organization/{run_id}/"


def latest_key(prefix: str) -> str:
    return f"{prefix}organization/latest.json"


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=1, sort_keys=True).encode("utf-8")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ----- a member's summary ---------------------------------------------------------------------
def counts(results: Sequence[TargetResult]) -> Tuple[Dict[str, int], List[Dict[str, Any]]]:
    """The four counts, and the same per region: covered means a live tracker as the baseline
    wants (as reports.coverage); skipped targets are out of scope."""
    regions: Dict[str, Dict[str, int]] = {}
    for result in results:
        target = result.target
        if target is None or target.kind == Kind.ACCOUNT or result.outcome == Outcome.SKIPPED:
            continue
        what = "buckets" if target.kind == Kind.BUCKET else "projects"
        tally = regions.setdefault(target.region or "unknown", dict.fromkeys(COUNTS, 0))
        tally[f"{what}_in_scope"] += 1
        tally[f"{what}_covered"] += result.outcome in COVERED and result.error is None
    total = {name: sum(tally[name] for tally in regions.values()) for name in COUNTS}
    return total, [{"region": region, **tally} for region, tally in sorted(regions.items())]


def member_summary(
    run: Run,
    run_id: str,
    account_id: str,
    nonce: str,
    results: Sequence[TargetResult],
    problem: Optional[ErrorInfo],
    quota: Sequence[Dict[str, Any]] = (),
) -> Dict[str, bytes]:
    """A member attempt's summary object (key -> JSON): `failed` when the account could not be
    swept (the invocation's problem, or the account's own failed result, e.g. AgencyUnavailable).
    `quota` carries the projects at or above QUOTA_WARN_PERCENT (pipeline/quota.py's figures), so
    the organization report shows them without reading the member reports."""
    account_failure = next(
        (r for r in results if r.target and r.target.kind == Kind.ACCOUNT and r.outcome == Outcome.FAILED), None
    )
    error = problem or (account_failure.error if account_failure else None)
    if account_failure is not None and error is None:
        error = ErrorInfo(ErrorCode.INTERNAL_ERROR, account_failure.reason)
    total, regions = counts(results)
    summary = {
        "account_id": account_id,
        "run_id": run_id,
        "request_id": run.request_id,
        "time": _now(),
        "dry_run": run.dry_run,
        "status": FAILED if error else REPORTED,
        "error": {"code": str(error.code), "message": error.message} if error else None,
        **total,
        "regions": regions,
        "quota": [{name: use.get(name) for name in QUOTA_FIELDS} for use in quota if use.get("warn")],
    }
    key = f"{run_folder(run.settings.report_prefix, run_id)}accounts/{account_id}.{run.own_id}.{nonce}.json"
    return {key: _json(summary)}


# ----- the coordinator's expected list --------------------------------------------------------
def expected_entries(accounts: Sequence[Account], results: Sequence[TargetResult]) -> List[Dict[str, Any]]:
    """Every account in scope and its status when the run was queued (an excluded one is out of
    scope and not listed)."""
    names = {account.id: account.name for account in accounts}
    statuses = {account.id: account.status for account in accounts}
    entries = []
    for result in results:
        target = result.target
        if target is None or target.kind != Kind.ACCOUNT or not target.account_id:
            continue
        account_id = target.account_id
        entry: Dict[str, Any] = {"account_id": account_id, "name": names.get(account_id, target.name), "error": None}
        if result.outcome in (Outcome.DISPATCHED, Outcome.PLANNED):
            entry["status"] = EXPECTED
        elif result.outcome == Outcome.SKIPPED and statuses.get(account_id, "active") != "active":
            entry["status"] = statuses[account_id]  # not swept: its Organizations status
        elif result.outcome == Outcome.SKIPPED:
            continue  # excluded by the configuration: out of scope
        else:
            entry["status"] = FAILED
            code = result.error.code if result.error else ErrorCode.INTERNAL_ERROR
            entry["error"] = {"code": str(code), "message": result.reason}
        entries.append(entry)
    return entries


def open_run(run: Run, accounts: Sequence[Account], results: Sequence[TargetResult]) -> None:
    """The coordinator's part: close the run before this one (its report, with what its members
    wrote), then write this run's expected list and point `latest.json` at it. Raises CloudError."""
    settings, gateway = run.settings, run.gateway
    bucket, prefix, region = settings.report_bucket or "", settings.report_prefix, settings.region
    run_id = run.scope.run_id or run.own_id
    previous = gateway.get_object(region, bucket, latest_key(prefix))
    before = _previous_run(previous)
    if before and before != run_id:  # closed before this run is opened: its members have had their day
        try:
            assemble(gateway, bucket, prefix, region, before, run.own_id, settings.sweep_concurrency)
        except NoSuchRun:
            pass  # nothing to close: its expected list was never written
    expected = {
        "run_id": run_id,
        "time": _now(),
        "version": __version__,
        "accounts": expected_entries(accounts, results),
    }
    gateway.put_object(
        region, bucket, f"{run_folder(prefix, run_id)}expected.json", _json(expected), "application/json"
    )
    gateway.put_object(region, bucket, latest_key(prefix), _json({"run_id": run_id}), "application/json")


def _previous_run(raw: Optional[bytes]) -> Optional[str]:
    try:
        found = json.loads((raw or b"").decode("utf-8")).get("run_id")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) and RUN_ID.match(found) else None


# ----- assembling -------------------------------------------------------------------------------
class NoSuchRun(Exception):
    """The run has no expected list: it is not an organization run of this bucket."""


def assemble(
    gateway: Gateway, bucket: str, prefix: str, region: str, run_id: str, own_id: str, concurrency: int
) -> Tuple[Dict[str, Any], ReportObjects]:
    """Read run `run_id`'s expected list and summaries, and write its report (a new set of
    objects each time: evidence is never overwritten)."""
    folder = run_folder(prefix, run_id)
    raw = gateway.get_object(region, bucket, f"{folder}expected.json")
    if raw is None:
        raise NoSuchRun(f"run {run_id!r} has no expected-accounts list ({folder}expected.json)")
    try:
        expected = json.loads(raw.decode("utf-8"))
        entries = [e for e in expected["accounts"] if isinstance(e, dict) and isinstance(e.get("account_id"), str)]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise NoSuchRun(f"{folder}expected.json is not an expected-accounts list") from None
    keys = gateway.list_keys(region, bucket, f"{folder}accounts/")
    wanted = {str(e["account_id"]) for e in entries}
    by_account: Dict[str, List[str]] = {}
    for key in keys:
        account_id = key[len(folder) + len("accounts/") :].split(".", 1)[0]
        if account_id in wanted:
            by_account.setdefault(account_id, []).append(key)
    fetch = [key for found in by_account.values() for key in found]

    def read(key: str) -> Optional[Dict[str, Any]]:
        try:
            found = json.loads((gateway.get_object(region, bucket, key) or b"").decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None
        return found if isinstance(found, dict) else None

    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(fetch) or 1))) as pool:
        summaries = [s for s in pool.map(read, fetch) if s is not None]
    latest: Dict[str, Dict[str, Any]] = {}
    for summary in summaries:
        account_id = str(summary.get("account_id") or "")
        if account_id in wanted and str(summary.get("time") or "") >= str(latest.get(account_id, {}).get("time", "")):
            latest[account_id] = summary
    report = build(run_id, entries, latest)
    return report, write(gateway, bucket, region, folder, own_id, report)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _quota(account_id: str, found: Any) -> List[Dict[str, Any]]:
    """The account's projects at or above QUOTA_WARN_PERCENT, as its summary gave them (untrusted)."""
    kept = []
    for use in found if isinstance(found, list) else []:
        if isinstance(use, dict) and use.get("project_id"):
            entry: Dict[str, Any] = {"project_id": shown(str(use["project_id"]), 64)}
            entry["region"] = shown(str(use.get("region") or ""), 64) or None
            entry.update({name: _count(use.get(name)) for name in QUOTA_FIELDS[2:]})
            entry.update(account_id=account_id, warn=True)
            kept.append(entry)
    return kept


def build(run_id: str, entries: Sequence[Dict[str, Any]], summaries: Dict[str, Dict[str, Any]]) -> Dict[str, Any]:
    """The report's JSON from the expected list and each account's latest summary (untrusted
    strings cut and kept printable)."""
    accounts = []
    for entry in entries:
        account_id = shown(str(entry["account_id"]), 64)
        status = str(entry.get("status") or EXPECTED)
        summary = summaries.get(account_id) if status == EXPECTED else None
        error = entry.get("error")
        row: Dict[str, Any] = {"account_id": account_id, "name": shown(str(entry.get("name") or ""), 128) or None}
        if status == EXPECTED and summary is None:
            status, error = NOT_REPORTED, None
        elif summary is not None:
            status = FAILED if summary.get("status") == FAILED else REPORTED
            error = summary.get("error")
        row["status"] = shown(status, 40)
        row["error"] = (
            {"code": shown(str(error.get("code") or ""), 64), "message": shown(str(error.get("message") or ""), 1000)}
            if isinstance(error, dict)
            else None
        )
        row.update({name: _count((summary or {}).get(name)) for name in COUNTS})
        regions = (summary or {}).get("regions")
        row["regions"] = [
            {"region": shown(str(r.get("region") or ""), 64), **{n: _count(r.get(n)) for n in COUNTS}}
            for r in (regions if isinstance(regions, list) else [])
            if isinstance(r, dict)
        ]
        row["quota"] = _quota(account_id, (summary or {}).get("quota"))
        accounts.append(row)
    reported = [a for a in accounts if a["status"] == REPORTED]
    totals: Dict[str, int] = {name: sum(a[name] for a in reported) for name in COUNTS}
    totals["accounts_reported"] = len(reported)
    totals["accounts_failed"] = sum(a["status"] == FAILED for a in accounts)
    totals["accounts_not_reported"] = sum(a["status"] == NOT_REPORTED for a in accounts)
    return {"run_id": run_id, "time": _now(), "version": __version__, "accounts": accounts, "totals": totals}


# ----- writing ----------------------------------------------------------------------------------
def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(report: Dict[str, Any]) -> str:
    """One row per account and region (an account without regions: one row, region empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for account in report["accounts"]:
        error = account["error"] or {}
        head = [account["account_id"], account["name"] or "", account["status"], error.get("code", "")]
        for region in account["regions"] or [dict({"region": ""}, **{n: account[n] for n in COUNTS})]:
            cells = head + [region["region"]] + [str(region[n]) for n in COUNTS] + [error.get("message", "")]
            writer.writerow([_cell(printable(str(c))) for c in cells])
    return buffer.getvalue()


def _status(account: Dict[str, Any]) -> str:
    """PASS only when the account reported and everything in its scope is covered; an account not
    swept by design (e.g. suspended) is SKIPPED; failed, not reported or partly covered is FAIL."""
    if account["status"] == REPORTED:
        covered = account["buckets_covered"] + account["projects_covered"]
        return "PASS" if covered == account["buckets_in_scope"] + account["projects_in_scope"] else "FAIL"
    return "FAIL" if account["status"] in (FAILED, NOT_REPORTED) else "SKIPPED"


def _ordered(report: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Failures first (failed, not reported, partly covered), then the rest, by account id."""
    return sorted(report["accounts"], key=lambda a: (_status(a) != "FAIL", a["status"] == REPORTED, a["account_id"]))


def rows(report: Dict[str, Any]) -> List[Dict[str, str]]:
    """One row per account in `reports.COLUMNS` shape (kind `account`, an explicit status), as
    outputs/page.py and outputs/ocsf.py take them."""
    out = []
    for account in _ordered(report):
        error = account["error"] or {}
        covered = account["buckets_covered"] + account["projects_covered"]
        total = account["buckets_in_scope"] + account["projects_in_scope"]
        if error:
            reason = str(error.get("message") or "")
        elif account["status"] == REPORTED:
            reason = f"{covered} of {total} targets covered"
        elif account["status"] == NOT_REPORTED:
            reason = "no summary under the run: the account's sweep never reported"
        else:
            reason = f"not swept: the account is {account['status']}"
        row = {"account": account["account_id"], "region": "", "project": "", "kind": str(Kind.ACCOUNT)}
        row.update(name=account["account_id"], account_name=account["name"] or "", outcome=account["status"])
        row.update(tracker="", error_code=str(error.get("code") or ""), reason=reason, status=_status(account))
        out.append(row)
    return out


def _time(report: Dict[str, Any]) -> datetime:
    try:
        return datetime.strptime(str(report["time"]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return datetime.now(timezone.utc)


def _share(covered: int, total: int) -> str:
    return f"{covered} of {total}" if total else "none in scope"


def to_html(report: Dict[str, Any]) -> str:
    """The auditor's page (outputs/page.py): accounts not covered as a banner first, the facts with
    the version and totals, an account x region coverage matrix and the accounts, failures first,
    and the projects at or above the data-tracker quota warning."""
    from ..outputs import page  # only a report needs it

    totals = report["totals"]
    accounts = _ordered(report)
    warnings = []
    failed, missing = totals["accounts_failed"], totals["accounts_not_reported"]
    if failed or missing:  # a banner first, short enough for a phone's first screen at 10,000 accounts
        down = [a for a in accounts if a["status"] in (FAILED, NOT_REPORTED)]
        named = ", ".join(
            f"{a['account_id']} ({a['status']}{': ' + a['error']['code'] if a['error'] else ''})"
            for a in down[:BANNER_NAMES]
        )
        more = f" and {len(down) - BANNER_NAMES} more (listed below)" if len(down) > BANNER_NAMES else ""
        text = f"{failed} failed and {missing} not reported; their coverage is unknown and not in the totals: "
        warnings.append(("Accounts not covered", text + named + more))
    quota = [use for account in accounts for use in account.get("quota") or ()]
    if quota:
        where = len({use["account_id"] for use in quota})
        warnings.append(
            ("Quota warning", f"{len(quota)} project(s) in {where} account(s) at or above the data-tracker warning")
        )
    coverage: List[Tuple[str, str, int, int]] = []
    for account in accounts:
        label = account["account_id"] + (f" ({account['name']})" if account["name"] else "")
        for region in account["regions"]:
            covered = region["buckets_covered"] + region["projects_covered"]
            coverage.append(
                (label, region["region"], covered, region["buckets_in_scope"] + region["projects_in_scope"])
            )
        if not account["regions"]:
            coverage.append((label, f"no coverage: {account['status']}", 0, 0))
    facts = [
        ("Time", _time(report).strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("Version", f"cts-autotracker {report['version']}"),
        ("Run id", report["run_id"]),
        (
            "Accounts",
            f"{len(accounts)} in scope: {totals['accounts_reported']} reported, {failed} failed, "
            f"{missing} not reported",
        ),
        (
            "Buckets covered",
            _share(totals["buckets_covered"], totals["buckets_in_scope"]) + " (accounts that reported)",
        ),
        (
            "Projects covered",
            _share(totals["projects_covered"], totals["projects_in_scope"]) + " (accounts that reported)",
        ),
    ]
    return page.render(
        title=f"cts-autotracker organization report, run {report['run_id']}",
        facts=facts,
        rows=rows(report),
        coverage=coverage,
        targets_heading="accounts",
        warnings=warnings,
        quota=quota,
    )


def to_ocsf(report: Dict[str, Any], region: str) -> str:
    """One OCSF Compliance Finding per account (outputs/ocsf.py), its id stable across runs."""
    from ..outputs import ocsf

    return ocsf.to_json(ocsf.findings(rows(report), time=_time(report), run_id=report["run_id"], region=region))


def write(
    gateway: Gateway, bucket: str, region: str, folder: str, own_id: str, report: Dict[str, Any]
) -> ReportObjects:
    """The report's four objects (JSON, CSV, HTML, OCSF) and their manifest in the organization's chain."""
    from ..outputs.evidence import JSON_TYPE
    from ..outputs.reports import TYPES, ReportObjects, seal_written

    stem = f"{folder}report.{''.join(c if c.isalnum() or c in '-_.' else '-' for c in own_id)[:128]}"
    bodies: Dict[str, bytes] = {}
    failures: List[ErrorInfo] = []
    for ext, render in (("json", lambda: json.dumps(report, indent=1)), ("csv", lambda: to_csv(report))):
        bodies[f"{stem}.{ext}"] = render().encode("utf-8", "replace")
    bodies[f"{stem}.html"] = to_html(report).encode("utf-8", "replace")
    bodies[f"{stem}.ocsf.json"] = to_ocsf(report, region).encode("utf-8", "replace")
    written: List[str] = []
    for key, body in bodies.items():
        try:
            gateway.put_object(region, bucket, key, body, TYPES[key.rsplit(".", 1)[1]] if "." in key else JSON_TYPE)
            written.append(key)
        except CloudError as error:
            failures.append(error.info(f"{key}: {error.code} {error.message}"))
    sealed = {key: bodies[key] for key in written}
    prefix = folder.split("organization/", 1)[0]
    evidence, problems = seal_written(gateway, region, bucket, prefix, "organization", f"{stem}.json", sealed, {})
    failures += problems
    if not failures:
        return ReportObjects(bucket, tuple(written), account="organization", evidence=evidence)
    message = "writing the organization report failed: " + "; ".join(f.message for f in failures)
    return ReportObjects(bucket, tuple(written), ErrorInfo(failures[0].code, message), "organization", evidence)


# ----- the manual request ----------------------------------------------------------------------
def perform_report(run: Run, run_id: str) -> Tuple[List[TargetResult], Optional[ReportObjects]]:
    """`{"action": "report", "run_id": R}`: write run R's report; one result per account."""
    from .accounts import account_target

    settings = run.settings
    if not settings.organization_sweep or not settings.report_bucket:
        message = (
            "the organization report is written only in the management account "
            "(ORGANIZATION_SWEEP and REPORT_BUCKET set)"
        )
        target = account_target(None, None)
        info = ErrorInfo(ErrorCode.OUT_OF_SCOPE, message)
        return [TargetResult(target, Outcome.FAILED, message, error=info)], None
    try:
        report, objects = assemble(
            run.gateway,
            settings.report_bucket,
            settings.report_prefix,
            settings.region,
            run_id,
            run.own_id,
            settings.sweep_concurrency,
        )
    except NoSuchRun as error:
        info = ErrorInfo(ErrorCode.NOT_FOUND, str(error))
        return [TargetResult(account_target(None, None), Outcome.FAILED, str(error), error=info)], None
    results = []
    for account in report["accounts"]:
        target = account_target(account["account_id"], account["name"])
        status = account["status"]
        if status == REPORTED:
            covered = account["buckets_covered"] + account["projects_covered"]
            total = account["buckets_in_scope"] + account["projects_in_scope"]
            results.append(TargetResult(target, Outcome.JUDGED, f"reported: {covered} of {total} targets covered"))
        elif status in (FAILED, NOT_REPORTED):
            said = account["error"] or {"code": str(ErrorCode.NOT_FOUND), "message": "no summary under the run"}
            reason = f"{status}: {said['code']} {said['message']}"
            results.append(TargetResult(target, Outcome.FAILED, reason, error=ErrorInfo(said["code"], reason)))
        else:
            results.append(TargetResult(target, Outcome.SKIPPED, f"not swept: the account is {status}"))
    return results, objects
