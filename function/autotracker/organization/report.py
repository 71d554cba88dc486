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
from html import escape
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
) -> Dict[str, bytes]:
    """A member attempt's summary object (key -> JSON): `failed` when the account could not be
    swept (the invocation's problem, or the account's own failed result, e.g. AgencyUnavailable)."""
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


def _share(covered: int, total: int) -> str:
    return f"{covered}/{total}" if total else "-"


def to_html(report: Dict[str, Any]) -> str:
    """A self-contained page: the totals, then an account x region matrix of coverage (buckets and
    projects covered/in scope), failed and not reported accounts first. The auditor page style of
    outputs/ replaces this body when it lands; this function is the boundary."""
    accounts = sorted(report["accounts"], key=lambda a: (a["status"] == REPORTED, a["status"], a["account_id"]))
    regions = sorted({r["region"] for a in accounts for r in a["regions"]})
    totals = report["totals"]
    text = lambda value: escape(printable(str(value)))  # noqa: E731 - untrusted text as character data
    parts = [
        "<!DOCTYPE html>",
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        f"<title>cts-autotracker organization report {text(report['run_id'])}</title>",
        "<style>body{font-family:sans-serif;margin:1em}.box{overflow-x:auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}.failed,.not_reported{color:#b00020}</style>",
        "</head><body>",
        f"<h1>Organization report, run {text(report['run_id'])}</h1>",
        f"<p>{text(report['time'])}, cts-autotracker {text(report['version'])}: "
        f"{totals['accounts_reported']} accounts reported, {totals['accounts_failed']} failed, "
        f"{totals['accounts_not_reported']} not reported; buckets "
        f"{_share(totals['buckets_covered'], totals['buckets_in_scope'])}, projects "
        f"{_share(totals['projects_covered'], totals['projects_in_scope'])} covered.</p>",
        '<div class="box"><table><tr><th>Account</th><th>Status</th>'
        + "".join(f"<th>{text(region)}</th>" for region in regions)
        + "</tr>",
    ]
    for account in accounts:
        by_region = {r["region"]: r for r in account["regions"]}
        status = account["status"]
        error = account["error"]
        why = f" ({text(error['code'])}: {text(error['message'])})" if error else ""
        cells = []
        for region in regions:
            found = by_region.get(region)
            cells.append(
                "<td>"
                + (
                    f"buckets {_share(found['buckets_covered'], found['buckets_in_scope'])}, projects "
                    f"{_share(found['projects_covered'], found['projects_in_scope'])}"
                    if found
                    else "-"
                )
                + "</td>"
            )
        name = f" {text(account['name'])}" if account["name"] else ""
        parts.append(
            f"<tr><td>{text(account['account_id'])}{name}</td>"
            f'<td class="{text(status)}">{text(status)}{why}</td>' + "".join(cells) + "</tr>"
        )
    parts += ["</table></div>", "</body></html>", ""]
    return "\n".join(parts)


def write(
    gateway: Gateway, bucket: str, region: str, folder: str, own_id: str, report: Dict[str, Any]
) -> ReportObjects:
    """The report's three objects and their manifest in the organization's chain."""
    from ..outputs.evidence import JSON_TYPE
    from ..outputs.reports import TYPES, ReportObjects, seal_written

    stem = f"{folder}report.{''.join(c if c.isalnum() or c in '-_.' else '-' for c in own_id)[:128]}"
    bodies: Dict[str, bytes] = {}
    failures: List[ErrorInfo] = []
    for ext, render in (("json", lambda: json.dumps(report, indent=1)), ("csv", lambda: to_csv(report))):
        bodies[f"{stem}.{ext}"] = render().encode("utf-8", "replace")
    bodies[f"{stem}.html"] = to_html(report).encode("utf-8", "replace")
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
