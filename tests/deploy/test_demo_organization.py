"""`./scripts/demo.sh --organization` as a newcomer runs it: a local organization in organization
mode, every queued member sweep played through the real handler, one table per account, the
report files on disk, and output a person reads (no JSON log lines unless --verbose, no cut reasons)."""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
from typing import Any, Dict, List

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
MANAGEMENT = "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
MEMBERS = {  # as scripts/_demo_org.py builds them
    "alpha": "a1a2a3a4a5a6a7a8a9aaabacadaeaf00",
    "team-payments": "b1b2b3b4b5b6b7b8b9babbbcbdbebf00",
    "gamma": "c1c2c3c4c5c6c7c8c9cacbcccdcecf00",  # suspended
    "delta": "d1d2d3d4d5d6d7d8d9dadbdcdddedf00",  # no member agency
}
JSON_LINE = re.compile(r"^\s*\{.*\}\s*$", re.M)


def demo(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON", "CLOUD_SDK_"))}
    env["COLUMNS"] = "100"  # a narrow terminal: long reasons must wrap
    return subprocess.run(
        [str(ROOT / "scripts" / "demo.sh"), *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )


def answers() -> List[Dict[str, Any]]:
    results = json.loads((DIST / "demo-results.json").read_text())
    return [json.loads(r["body"]) if "statusCode" in r else r for r in results]


def section(out: str, account_id: str) -> str:
    """The lines of the one table titled with this account."""
    (start,) = [m.start() for m in re.finditer(rf"^=== account \S+ \({account_id}, ", out, re.M)]
    end = out.find("\n===", start + 1)
    return out[start:end]


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.xdist_group("demo-dist")  # the demo writes dist/ in the checkout: one worker runs every demo
def test_the_organization_demo_shows_every_accounts_outcome() -> None:
    answer = demo("--organization")
    assert answer.returncode == 0, answer.stderr[-2000:]
    out = answer.stdout

    coordinator, *members, organization = answers()
    assert coordinator["trigger"] == "timer" and coordinator["summary"] == {"dispatched": 4, "skipped": 1}
    assert "=== timer.json: timer trigger, 4 dispatched, 1 skipped (ok) ===" in out
    by_account = {m["results"][0]["target"]["account_id"]: m for m in members}
    assert set(by_account) == {MANAGEMENT, MEMBERS["alpha"], MEMBERS["team-payments"], MEMBERS["delta"]}
    assert all(m["trigger"] == "fanout" for m in members)  # signed with FANOUT_KEY and verified

    suspended = section(out, MEMBERS["gamma"])
    assert "not swept" in suspended and "skipped  account gamma" in suspended and "suspended" in suspended
    assert MEMBERS["gamma"] not in by_account

    lone = section(out, MEMBERS["delta"])
    (entry,) = by_account[MEMBERS["delta"]]["results"]
    assert entry["outcome"] == "failed" and entry["error"]["code"] == "AgencyUnavailable"
    assert "failed   account" in lone and "AgencyUnavailable: cannot act in account" in lone
    assert words(entry["reason"]) in words(lone)  # the whole reason, wrapped, with what to create

    for account_id in (MANAGEMENT, MEMBERS["alpha"], MEMBERS["team-payments"]):
        result = by_account[account_id]
        assert result["ok"] is True and result["summary"]["created"] >= 3
        table = section(out, account_id)
        assert f"fanout trigger, {result['summary']['created']} created" in table
        assert all(entry["target"]["account_id"] == account_id for entry in result["results"])
    assert "(d0d1d2d3d4d5d6d7d8d9dadbdcdddedf, management account)" in out

    run = DIST / "reports" / "cts-autotracker" / "reports"
    pages = {path.name.split(".")[0] for path in run.glob("*/*/*/demo-01-timer/*.html")}
    assert pages == {MANAGEMENT, MEMBERS["alpha"], MEMBERS["team-payments"], MEMBERS["delta"]}
    # the management account assembles the organization report once every member has reported
    report = {entry["target"]["account_id"]: entry for entry in organization["results"]}
    assert set(report) == {MANAGEMENT, *MEMBERS.values()}
    assert report[MEMBERS["gamma"]]["outcome"] == "skipped" and "suspended" in report[MEMBERS["gamma"]]["reason"]
    assert report[MEMBERS["delta"]]["error"]["code"] == "AgencyUnavailable"
    assert all(report[a]["outcome"] == "judged" for a in (MANAGEMENT, MEMBERS["alpha"], MEMBERS["team-payments"]))
    assert "=== the organization report: manual trigger, 3 judged, 1 skipped, 1 failed (ok: false) ===" in out
    written = [path.name for path in run.glob("organization/demo-01-timer/report.*")]
    assert {name.rsplit(".", 1)[1] for name in written} >= {"json", "csv", "html", "manifest"}
    assert "the organization report: dist/reports/" in out
    assert not JSON_LINE.search(out + answer.stderr)


@pytest.mark.xdist_group("demo-dist")  # the demo writes dist/ in the checkout: one worker runs every demo
def test_the_default_demo_prints_tables_not_log_lines_and_no_reason_is_cut() -> None:
    answer = demo()
    assert answer.returncode == 0, answer.stderr[-2000:]
    out = answer.stdout
    assert not JSON_LINE.search(out) and not JSON_LINE.search(answer.stderr)
    assert not re.search(r"\.\.\.$", out, re.M)
    for result in answers():
        for entry in result["results"]:
            reason = entry["reason"] if not entry["error"] else f"{entry['error']['code']}: {entry['reason']}"
            assert words(reason) in words(out), reason
    assert "tracking it would log its own writes" in words(out)

    logged = (DIST / "demo-log.jsonl").read_text().splitlines()
    assert sum(json.loads(line)["event"] == "invocation" for line in logged) == 8
    assert "dist/demo-log.jsonl" in out and "dist/demo-results.json" in out and "dist/reports/" in out
    messages = (DIST / "demo-messages.txt").read_text()  # the email forms in full, on disk rather than on screen
    assert messages.count("cts-autotracker report\n") == 8 and "cts-autotracker report\n" not in out
    assert out.count("\n  Subject: cts-autotracker") == 8 and "dist/demo-messages.txt" in out

    reports = DIST / "reports" / "cts-autotracker" / "reports"
    written = {(path.name.split(".")[0], path.suffix) for path in reports.glob("*/*/*/*.*")}
    for run in ("demo-05-manual-audit", "demo-06-timer", "demo-08-config-period"):
        assert {(run, ".json"), (run, ".csv"), (run, ".html")} <= written
    (page,) = reports.glob("*/*/*/demo-08-config-period*.html")
    assert "<html" in page.read_text() and f"open in a browser: {page.relative_to(ROOT)}" in out


@pytest.mark.xdist_group("demo-dist")  # the demo writes dist/ in the checkout: one worker runs every demo
def test_verbose_prints_the_functions_json_log_lines() -> None:
    answer = demo("--verbose", "events/timer.json")
    assert answer.returncode == 0, answer.stderr[-2000:]
    lines = [json.loads(line) for line in JSON_LINE.findall(answer.stderr)]
    assert [line["event"] for line in lines].count("invocation") == 1
    assert {line["request_id"] for line in lines} == {"demo-01-timer"}
    assert not JSON_LINE.search(answer.stdout)
