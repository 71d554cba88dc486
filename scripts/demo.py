#!/usr/bin/env python3
"""Run the function on sample events and print each result and the SMN report.

Without credentials it runs against the built-in fake cloud, served on a
localhost port, through the real handler and SDK. With CLOUD_SDK_AK and
CLOUD_SDK_SK set it calls the real cloud with your environment (REGION,
TRACE_BUCKET, ... as in docs/configuration.md) and defaults to DRY_RUN=true unless you
set DRY_RUN yourself.

It prints one table per event (with --organization, one per account of a
local organization), the SMN messages and where the rest is: the full results
(dist/demo-results.json), the function's JSON log lines (dist/demo-log.jsonl;
--verbose prints them too) and the report files (dist/reports/).

    scripts/demo.sh [--organization] [--verbose] [EVENT.json ...]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pathlib
import shutil
import socket
import sys
import textwrap
from typing import Any, Callable, Dict, List, Optional, Tuple

import _venv


def _parser() -> argparse.ArgumentParser:
    """Standard library only: `--help` answers from it before any venv exists."""
    parser = argparse.ArgumentParser(
        prog="scripts/demo.sh", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("events", nargs="*", help="event JSON files (default: the samples in events/)")
    parser.add_argument(
        "--organization",
        action="store_true",
        help="a local organization (management account and four members) in organization mode: "
        "the sweep (default: events/timer.json), every queued member invocation played, one table per account",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="also print the function's JSON log lines on stderr (always written to dist/demo-log.jsonl)",
    )
    return parser


_venv.enter(_parser)

import _demo_org  # noqa: E402
import index  # noqa: E402  (after entering the venv)

from autotracker.handler import TransientFailure  # noqa: E402
from fakecloud import FakeCloud, FakeOrganization  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent


REGION = "ap-southeast-1"
PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
ANALYTICS_PROJECT_ID = "5e6f708192a3b4c5d6e7f8091a2b3c4d"
DEMO_AK, DEMO_SK = "DEMOACCESSKEY0000001", "demo-secret-key-for-the-local-fake"
DEFAULT_EVENTS = [
    "cts-create-bucket.json",
    "cts-create-project.json",
    "eventgrid-batch.json",
    "cts-create-bucket.json",  # a duplicate delivery: already_tracked, nothing created
    "manual-audit.json",  # report only: the main project and invoices-archive are not covered yet
    "timer.json",  # the scheduled sweep covers them, and writes the auditor's report
    "config-bucket.json",  # Config asks about one bucket: Compliant
    "config-period.json",  # Config's periodic evaluation: one state per bucket, and one for the account
]
DOMAIN_ID = "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"  # the account id in the sample Config events
ASSIGNMENT_ID = "5f0c2a7e9b1d4e3f8a6b7c8d"
REPORTS = "cts-reports"
FUNCTION = "cts-autotracker"
DIST = ROOT / "dist"
RESULTS_FILE = DIST / "demo-results.json"
MESSAGES_FILE = DIST / "demo-messages.txt"  # every SMN message in full (email form, then SMS)
LOG_FILE = DIST / "demo-log.jsonl"  # the function's JSON log lines, one per line, as FunctionGraph keeps them
REPORTS_DIR = DIST / "reports"  # the report objects of REPORT_BUCKET, to open locally


class DemoContext:
    """A FunctionGraph-like context; credentials come from the environment (CLOUD_SDK_*), the
    encrypted user data (FANOUT_KEY in organization mode) from `user_data`."""

    def __init__(self, request_id: str = "demo", user_data: Optional[Dict[str, str]] = None) -> None:
        self.request_id = request_id
        self.user_data = user_data or {}

    def getRemainingTimeInMilliSeconds(self) -> int:
        return 60_000

    def getRequestID(self) -> str:
        return self.request_id

    def getFunctionName(self) -> str:
        return FUNCTION

    def getVersion(self) -> str:
        return "latest"

    def getUserData(self, key: str) -> str:
        return self.user_data.get(key, "")


def _events(paths: List[str], organization: bool = False) -> List[pathlib.Path]:
    if paths:
        return [pathlib.Path(p) for p in paths]
    return [ROOT / "events" / name for name in (["timer.json"] if organization else DEFAULT_EVENTS)]


Events = List[Tuple[pathlib.Path, Any]]


def _load(paths: List[pathlib.Path]) -> Tuple[Events, List[str]]:
    """Every event file read and parsed before anything runs; a file that cannot be is one
    problem line naming it (no traceback: a wrong argument is the caller's to fix)."""
    events: Events = []
    problems: List[str] = []
    for path in paths:
        try:
            events.append((path, json.loads(path.read_text(encoding="utf-8"))))
        except IsADirectoryError:
            problems.append(f"{path}: is a directory, not an event file (give the JSON files in it)")
        except FileNotFoundError:
            problems.append(f"{path}: no such file")
        except OSError as error:
            problems.append(f"{path}: cannot read: {error.strerror}")
        except UnicodeDecodeError:
            problems.append(f"{path}: not UTF-8 text")
        except json.JSONDecodeError as error:
            problems.append(f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})")
    return events, problems


Result = Dict[str, Any]
Handle = Callable[[Any, str], Result]


def _answer(result: Result) -> Result:
    """The result as the caller reads it (APIG wraps it in an HTTP answer)."""
    return json.loads(result["body"]) if "statusCode" in result else result


def _run(events: Events, handle: Handle, after: Optional[Callable[[Result], List[Result]]] = None) -> List[Result]:
    """Each event's outcome as a compact table; `after` plays what the invocation queued (the
    organization's member sweeps) and returns their results. The full JSON results go to RESULTS_FILE."""
    results: List[Result] = []
    for number, (path, event) in enumerate(events, 1):
        result = handle(event, f"demo-{number:02d}-{path.stem}")
        results.append(result)
        _show(path.name, result)
        if after is not None:
            results.extend(after(result))
    RESULTS_FILE.parent.mkdir(exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(results, indent=2))
    return results


def _show(title: str, result: Result) -> None:
    if "raised" in result:  # the invocation raised for FunctionGraph's async retry: no result to show
        print(f"\n=== {title}: raised {result['raised']} (FunctionGraph retries it) ===\n  {result['message']}")
        return
    answer = _answer(result)
    title = f"{title}: {answer['trigger']} trigger"
    verdict = "ok" if answer["ok"] else "ok: false"
    print(f"\n=== {title}, {_counts(answer)} ({verdict}) ===")
    if answer["error"]:
        print(f"  error {answer['error']['code']}: {answer['error']['message']}")
    for row in _table(answer["results"]):
        print("  " + row)
    if not answer["ok"] and answer["error"] is None:
        print("  (ok: false means something needs attention: " + _why_not_ok(answer) + ")")


def _counts(answer: Result) -> str:
    return ", ".join(f"{count} {outcome}" for outcome, count in answer["summary"].items()) or "nothing to do"


def _why_not_ok(answer: Result) -> str:
    if any(r["outcome"] == "planned" and (r["error"] or {}).get("code") == "NotCovered" for r in answer["results"]):
        return "the audit found targets without a tracker; that is its finding, not a failure of the run"
    if answer["notification"]["error"]:
        return "the report could not be published"
    return "a target failed or carries an error"


def _table(entries: List[Result]) -> List[str]:
    """OUTCOME, TARGET, TRACKER, then the whole reason, wrapped to the terminal under its column."""
    rows = [("OUTCOME", "TARGET", "TRACKER", "REASON")]
    for entry in entries:
        target = entry["target"] or {}
        shown = target.get("name") or target.get("project_id") or target.get("account_id") or "-"
        name = f"{target.get('kind', '-')} {shown}" if target else "-"
        tracker = (entry["tracker"] or {}).get("name") or "-"
        reason = entry["reason"] if not entry["error"] else f"{entry['error']['code']}: {entry['reason']}"
        rows.append((entry["outcome"], name, tracker, reason))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    indent = sum(widths) + 2 * 3
    room = max(40, shutil.get_terminal_size((120, 24)).columns - 2 - indent)
    lines = []
    for row in rows:
        wrapped = textwrap.wrap(row[3], room, break_long_words=False, break_on_hyphens=False) or [""]
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + wrapped[0])
        lines.extend(" " * indent + more for more in wrapped[1:])
    return lines


def _fake_cloud(name: Optional[str] = None) -> FakeCloud:
    cloud = FakeCloud(default_region=REGION, domain_id=DOMAIN_ID, domain_name=name)
    cloud.add_credentials(DEMO_AK, DEMO_SK)
    cloud.add_project(REGION, project_id=PROJECT_ID)
    cloud.add_project(f"{REGION}_analytics", project_id=ANALYTICS_PROJECT_ID)
    cloud.add_agency("cts_admin_trust")
    for bucket in ("trace-archive", "photos-2026", "invoices-archive", REPORTS):
        cloud.add_bucket(bucket, REGION)
    cloud.add_topic("autotracker-reports", region=REGION, project_id=PROJECT_ID)
    urn = f"urn:fss:{REGION}:{PROJECT_ID}:function:default:{FUNCTION}:latest"
    cloud.rms.add_assignment("cts-coverage-buckets", urn, "buckets", assignment_id=ASSIGNMENT_ID)
    return cloud


def _resolve_bucket_hosts() -> None:
    """OBS addresses a bucket as `<bucket>.<endpoint host>`: like an /etc/hosts entry, let
    `<bucket>.localhost` reach the local fake (the real cloud's DNS does this for real hosts)."""
    original = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return original(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]


def _environment(base_url: str) -> Dict[str, str]:
    return {
        "CLOUD_SDK_AK": DEMO_AK,
        "CLOUD_SDK_SK": DEMO_SK,
        "CLOUD_SDK_PROJECT_ID": PROJECT_ID,
        "RUNTIME_PROJECT_ID": PROJECT_ID,
        "REGION": REGION,
        "TRACE_BUCKET": "trace-archive",
        "TRACE_FILE_PREFIX": "audit",
        "TRACE_LIFECYCLE_DAYS": "180",
        "SMN_TOPIC_URN": f"urn:smn:{REGION}:{PROJECT_ID}:autotracker-reports",
        "CTS_ENDPOINT": base_url,
        "SMN_ENDPOINT": base_url,
        "IAM_ENDPOINT": base_url,
        "OBS_ENDPOINT": base_url.replace("127.0.0.1", "localhost"),
        "STS_ENDPOINT": base_url,
        "RMS_ENDPOINT": base_url,
        "REPORT_BUCKET": REPORTS,
        "EXCLUDE_BUCKETS": REPORTS,
    }


def _handle(user_data: Optional[Dict[str, str]] = None) -> Handle:
    """index.handler with a context of its own; a TransientFailure (raised so that FunctionGraph
    retries an async invocation) becomes a marker the tables show and the exit status counts."""

    def handle(event: Any, request_id: str) -> Result:
        try:
            result: Result = index.handler(event, DemoContext(request_id, user_data))
        except TransientFailure as failure:
            return {"request_id": request_id, "raised": "TransientFailure", "message": str(failure)}
        return result

    return handle


def run_against_fake(events: Events) -> int:
    cloud = _fake_cloud()
    _resolve_bucket_hosts()
    with cloud.serve() as base_url:
        os.environ.update(_environment(base_url))
        print(f"fake cloud serving on {base_url} (no credentials given, so nothing real is touched)")
        results = _run(events, _handle())
    _show_messages(cloud)
    print("\n=== trackers now in the fake ===")
    for project_id, name in ((PROJECT_ID, REGION), (ANALYTICS_PROJECT_ID, f"{REGION}_analytics")):
        for tracker in cloud.cts.trackers(project_id):
            print(f"  project {name} ({project_id}): {tracker['tracker_type']} tracker {tracker['tracker_name']}")
    print("\n=== Config policy states reported ===")
    for state in cloud.rms.states():
        resource = state["policy_resource"]
        kind = resource["resource_type"] or "account"  # the account record's type is null, as Config sends it
        print(f"  {kind:<8} {resource['resource_name'] or resource['resource_id']:<20} {state['compliance_state']}")
    _files(_write_reports(cloud))
    return _exit_code(results)


def run_organization(events: Events) -> int:
    """The events in organization mode; after each, FunctionGraph's queue is run as FunctionGraph
    would: each queued member sweep through index.handler with a context of its own request id."""
    management = _fake_cloud("demo-management")
    org = _demo_org.organization(management, REGION, FUNCTION)
    user_data = _demo_org.user_data()
    handle = _handle(user_data)
    _resolve_bucket_hosts()

    def play(coordinator: Result) -> List[Result]:
        played: Dict[str, Result] = {}
        for queued in management.fgs.take_async_invocations():
            played[str(queued.payload.get("account_id"))] = handle(queued.payload, queued.request_id)
        _show_accounts(org, coordinator, played)
        run_id = coordinator.get("request_id") or ""
        if played:  # every member has reported: the management account assembles the organization report
            report = handle({"action": "report", "run_id": run_id}, f"{run_id}-report")
            _show("the organization report", report)
            return [*played.values(), report]
        return list(played.values())

    with org.serve() as base_url:
        os.environ.update(_environment(base_url))
        os.environ.update(_demo_org.environment(base_url))
        names = ", ".join(f"{m.name} ({m.status}{'' if m.agency else ', no member agency'})" for m in _demo_org.MEMBERS)
        print(f"fake organization serving on {base_url} (nothing real is touched)")
        print(f"  management account {management.domain_id}; members: {names}")
        results = _run(events, handle, play)
    _show_messages(management)
    _files(_write_reports(management), organization=True)
    return _exit_code(results)


def _show_accounts(org: FakeOrganization, coordinator: Result, played: Dict[str, Result]) -> None:
    """One table per account, the management account first: its member sweep's result when one was
    queued and played, else the coordinator's own entry for it (skipped, failed)."""
    entries = (
        {}
        if "raised" in coordinator
        else {(entry["target"] or {}).get("account_id") or "-": entry for entry in _answer(coordinator)["results"]}
    )

    def order(account_id: str) -> Tuple[bool, str]:
        cloud = org.accounts.get(account_id)
        return cloud is not org.management, cloud.domain_name if cloud else account_id

    for account_id in sorted(set(entries) | set(played), key=order):
        cloud = org.accounts.get(account_id)
        role = "management account" if cloud is org.management else "member"
        title = f"account {cloud.domain_name if cloud else '-'} ({account_id}, {role})"
        if account_id in played:
            _show(title, played[account_id])
        else:
            print(f"\n=== {title}: not swept, the coordinator's entry ===")
            for row in _table([entries[account_id]]):
                print("  " + row)


def _show_messages(cloud: FakeCloud) -> None:
    """Each SMN message's subject and SMS form; the email forms in full go to MESSAGES_FILE."""
    print("\n=== SMN messages published (subject and SMS; the email forms in full: see files) ===")
    full = []
    for message in cloud.smn.messages:
        structure = json.loads(message["message_structure"])
        print(f"  Subject: {message['subject']}\n  SMS: {structure['sms']}")
        full.append(f"Subject: {message['subject']}\n\n{structure['email']}\nSMS: {structure['sms']}\n")
    MESSAGES_FILE.write_text(("\n" + "=" * 72 + "\n\n").join(full), encoding="utf-8")


def _write_reports(cloud: FakeCloud) -> List[pathlib.Path]:
    """Every object of the report bucket as a file under REPORTS_DIR (emptied first, so what is
    there is this run's). A key is the function's output, so it is checked like any untrusted
    name: one that is no plain file path under the folder, or a file that cannot be written, is
    one line, and the others are still written."""
    shutil.rmtree(REPORTS_DIR, ignore_errors=True)
    folder = REPORTS_DIR.resolve()
    written = []
    for key in cloud.obs.keys(REPORTS):
        target = (REPORTS_DIR / key).resolve()
        found = cloud.obs.object(REPORTS, key)
        if found is None or key.endswith("/") or target == folder or not target.is_relative_to(folder):
            print(f"  (report object {key!r} not written: not a file path under {REPORTS_DIR.relative_to(ROOT)})")
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(found["body"])
        except OSError as error:
            print(f"  (report object {key!r} not written: {error.strerror})")
            continue
        written.append(target)
    return written


def _files(reports: List[pathlib.Path], organization: bool = False) -> None:
    """Where everything the demo did not print in full is."""
    print("\n=== files ===")
    print(f"  full results (JSON, one per invocation): {RESULTS_FILE.relative_to(ROOT)}")
    print(f"  the SMN messages in full (email form, then SMS): {MESSAGES_FILE.relative_to(ROOT)}")
    print(f"  the function's JSON log lines: {LOG_FILE.relative_to(ROOT)} (--verbose prints them too)")
    print(f"  report files ({len(reports)}, copied from bucket {REPORTS}): {REPORTS_DIR.relative_to(ROOT)}/")
    pages = [path for path in reports if path.suffix == ".html"]
    if pages:  # the last run's own page (an organization's members file theirs one folder deeper)
        page = max(pages, key=lambda path: (-len(path.parts), str(path)))
        print(f"  open in a browser: {page.relative_to(ROOT)}")
    if organization:
        named = [path for path in reports if "organization" in path.parts and path.name.startswith("report.")]
        print(
            "  the organization report: " + ", ".join(str(path.relative_to(ROOT)) for path in named)
            if named
            else "  the organization report: not written by this version of the function (each account's own is above)"
        )


def _exit_code(results: List[Result]) -> int:
    """0 when every event was understood and handled; findings such as an audit's gaps or a member
    without the agency are in the results, not failures of the run."""
    answers = [_answer(result) for result in results]
    return 0 if all(answer.get("error") is None and "raised" not in answer for answer in answers) else 1


def run_against_cloud(events: Events) -> int:
    os.environ.setdefault("DRY_RUN", "true")
    print(f"credentials found: calling the real cloud (DRY_RUN={os.environ['DRY_RUN']})")
    code = _exit_code(_run(events, _handle()))
    print(f"\nfull results (JSON, one per invocation): {RESULTS_FILE.relative_to(ROOT)}")
    print(f"the function's JSON log lines: {LOG_FILE.relative_to(ROOT)} (--verbose prints them too)")
    return code


def _logs(verbose: bool) -> None:
    """The function's JSON log lines go to LOG_FILE, and with --verbose to stderr as well (in
    FunctionGraph they are the function's log stream); other warnings stay on stderr."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logger = logging.getLogger("cts_autotracker")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    LOG_FILE.parent.mkdir(exist_ok=True)
    handlers: List[logging.Handler] = [logging.FileHandler(LOG_FILE, mode="w", encoding="utf-8")]
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    events, problems = _load(_events(args.events, args.organization))
    if problems:
        for problem in problems:
            print(f"demo: {problem}", file=sys.stderr)
        return 2
    real = bool(os.environ.get("CLOUD_SDK_AK") and os.environ.get("CLOUD_SDK_SK"))
    if real and args.organization:
        print("demo: --organization runs only against the local fake (unset CLOUD_SDK_AK/SK)", file=sys.stderr)
        return 2
    _logs(args.verbose)
    if real:
        return run_against_cloud(events)
    return run_organization(events) if args.organization else run_against_fake(events)


if __name__ == "__main__":
    sys.exit(main())
