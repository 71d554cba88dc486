#!/usr/bin/env python3
"""Run the function on sample events and print each result and the SMN report.

Without credentials it runs against the built-in fake cloud, served on a
localhost port, through the real handler and SDK. With CLOUD_SDK_AK and
CLOUD_SDK_SK set it calls the real cloud with your environment (REGION,
TRACE_BUCKET, ... as in the README) and defaults to DRY_RUN=true unless you
set DRY_RUN yourself.

    scripts/demo.sh [EVENT.json ...]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pathlib
import socket
import sys
from typing import Any, Dict, List, Optional, Tuple

import _venv


def _parser() -> argparse.ArgumentParser:
    """Standard library only: `--help` answers from it before any venv exists."""
    parser = argparse.ArgumentParser(
        prog="scripts/demo.sh", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("events", nargs="*", help="event JSON files (default: the samples in events/)")
    return parser


_venv.enter(_parser)

import index  # noqa: E402  (after entering the venv)

from fakecloud import FakeCloud  # noqa: E402

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
RESULTS_FILE = ROOT / "dist" / "demo-results.json"


class DemoContext:
    """A FunctionGraph-like context; credentials come from the environment (CLOUD_SDK_*)."""

    def __init__(self, request_id: str = "demo") -> None:
        self.request_id = request_id

    def getRemainingTimeInMilliSeconds(self) -> int:
        return 60_000

    def getRequestID(self) -> str:
        return self.request_id

    def getFunctionName(self) -> str:
        return "cts-autotracker"


def _events(paths: List[str]) -> List[pathlib.Path]:
    return [pathlib.Path(p) for p in paths] if paths else [ROOT / "events" / name for name in DEFAULT_EVENTS]


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


def _run(events: Events) -> List[Dict[str, Any]]:
    """Each event's outcome as a compact table; the full JSON results go to RESULTS_FILE."""
    results = []
    for number, (path, event) in enumerate(events, 1):
        result = index.handler(event, DemoContext(f"demo-{number:02d}-{path.stem}"))
        answer = json.loads(result["body"]) if "statusCode" in result else result
        results.append(result)
        verdict = "ok" if answer["ok"] else "ok: false"
        print(f"\n=== {path.name}: {answer['trigger']} trigger, {_counts(answer)} ({verdict}) ===")
        if answer["error"]:
            print(f"  error {answer['error']['code']}: {answer['error']['message']}")
        for row in _table(answer["results"]):
            print("  " + row)
        if not answer["ok"] and answer["error"] is None:
            print("  (ok: false means something needs attention: " + _why_not_ok(answer) + ")")
    RESULTS_FILE.parent.mkdir(exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(results, indent=2))
    print(f"\nfull results (JSON, one per event): {RESULTS_FILE.relative_to(ROOT)}")
    return results


def _counts(answer: Dict[str, Any]) -> str:
    return ", ".join(f"{count} {outcome}" for outcome, count in answer["summary"].items()) or "nothing to do"


def _why_not_ok(answer: Dict[str, Any]) -> str:
    if answer["trigger"] == "manual" and any(r["outcome"] == "planned" for r in answer["results"]):
        return "the audit found targets without a tracker; that is its finding, not a failure of the run"
    if answer["notification"]["error"]:
        return "the report could not be published"
    return "a target failed or carries an error"


def _table(entries: List[Dict[str, Any]]) -> List[str]:
    rows = [("OUTCOME", "TARGET", "TRACKER", "REASON")]
    for entry in entries:
        target = entry["target"] or {}
        shown = target.get("name") or target.get("project_id") or target.get("account_id") or "-"
        name = f"{target.get('kind', '-')} {shown}" if target else "-"
        tracker = (entry["tracker"] or {}).get("name") or "-"
        reason = entry["reason"] if not entry["error"] else f"{entry['error']['code']}: {entry['reason']}"
        rows.append((entry["outcome"], name, tracker, reason[:70] + ("..." if len(reason) > 70 else "")))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3] for row in rows]


def _fake_cloud() -> FakeCloud:
    cloud = FakeCloud(default_region=REGION, domain_id=DOMAIN_ID)
    cloud.add_credentials(DEMO_AK, DEMO_SK)
    cloud.add_project(REGION, project_id=PROJECT_ID)
    cloud.add_project(f"{REGION}_analytics", project_id=ANALYTICS_PROJECT_ID)
    cloud.add_agency("cts_admin_trust")
    for bucket in ("trace-archive", "photos-2026", "invoices-archive", REPORTS):
        cloud.add_bucket(bucket, REGION)
    cloud.add_topic("autotracker-reports", region=REGION, project_id=PROJECT_ID)
    urn = f"urn:fss:{REGION}:{PROJECT_ID}:function:default:cts-autotracker:latest"
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


def run_against_fake(events: Events) -> int:
    cloud = _fake_cloud()
    _resolve_bucket_hosts()
    with cloud.serve() as base_url:
        os.environ.update(
            {
                "CLOUD_SDK_AK": DEMO_AK,
                "CLOUD_SDK_SK": DEMO_SK,
                "CLOUD_SDK_PROJECT_ID": PROJECT_ID,
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
        )
        print(f"fake cloud serving on {base_url} (no credentials given, so nothing real is touched)")
        results = _run(events)
    print("\n=== SMN messages published (email form, then SMS) ===")
    for message in cloud.smn.messages:
        structure = json.loads(message["message_structure"])
        print(f"\nSubject: {message['subject']}\n{structure['email']}")
        print(f"SMS: {structure['sms']}")
    print("\n=== trackers now in the fake ===")
    for project_id, name in ((PROJECT_ID, REGION), (ANALYTICS_PROJECT_ID, f"{REGION}_analytics")):
        for tracker in cloud.cts.trackers(project_id):
            print(f"  project {name} ({project_id}): {tracker['tracker_type']} tracker {tracker['tracker_name']}")
    print("\n=== Config policy states reported ===")
    for state in cloud.rms.states():
        resource = state["policy_resource"]
        kind = resource["resource_type"] or "account"  # the account record's type is null, as Config sends it
        print(f"  {kind:<8} {resource['resource_name'] or resource['resource_id']:<20} {state['compliance_state']}")
    keys = cloud.obs.keys(REPORTS)
    print(f"\n=== auditor's report objects in bucket {REPORTS} ===")
    print("\n".join(f"  {key}" for key in keys))
    csv_keys = [key for key in keys if key.endswith(".csv")]
    if csv_keys:
        found = cloud.obs.object(REPORTS, csv_keys[-1])
        print(f"\n--- {csv_keys[-1]} ---\n" + (found["body"].decode("utf-8") if found else ""))
    return _exit_code(results)


def _exit_code(results: List[Dict[str, Any]]) -> int:
    """0 when every event was understood and handled; findings such as an audit's gaps are
    in the results, not failures of the run."""
    answers = [json.loads(r["body"]) if "statusCode" in r else r for r in results]
    return 0 if all(answer["error"] is None for answer in answers) else 1


def run_against_cloud(events: Events) -> int:
    os.environ.setdefault("DRY_RUN", "true")
    print(f"credentials found: calling the real cloud (DRY_RUN={os.environ['DRY_RUN']})")
    return _exit_code(_run(events))


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("cts_autotracker").setLevel(logging.INFO)  # the function's JSON lines, as in FunctionGraph
    args = _parser().parse_args(argv)
    events, problems = _load(_events(args.events))
    if problems:
        for problem in problems:
            print(f"demo: {problem}", file=sys.stderr)
        return 2
    if os.environ.get("CLOUD_SDK_AK") and os.environ.get("CLOUD_SDK_SK"):
        return run_against_cloud(events)
    return run_against_fake(events)


if __name__ == "__main__":
    sys.exit(main())
