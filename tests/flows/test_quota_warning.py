"""The data-tracker quota seen coming (issue 23, item 3): every sweep and Config periodic evaluation
reports each project's data trackers in use, and at or above QUOTA_WARN_PERCENT the result, the
SMN message, the report (JSON, CSV, HTML) and the log warn with the same numbers, the buckets
that would be left out next and what to do."""

from __future__ import annotations

import csv
import io
import json
import logging
from typing import Any, Dict, List

import pytest
from helpers.config import account_record, config_event
from helpers.world import NEW_PROJECT_ID, PROJECT_ID, REGION, TRACE_BUCKET

from autotracker.contract import ErrorCode

REPORTS = "audit-reports"
SWEEP = {"action": "backfill", "all": True}


def seed(cloud, count: int) -> None:
    """`count` data trackers of buckets the sweep does not cover (they only hold quota slots)."""
    for index in range(count):
        bucket = f"gone-{index:03d}"
        cloud.cts.put_tracker(
            PROJECT_ID,
            {
                "tracker_name": f"t-{index:03d}",
                "tracker_type": "data",
                "obs_info": {"bucket_name": TRACE_BUCKET, "file_prefix_name": "audit"},
                "data_bucket": {"data_bucket_name": bucket, "data_event": ["READ", "WRITE"]},
            },
        )


@pytest.fixture
def reporting(cloud, env) -> Dict[str, str]:
    cloud.add_bucket(REPORTS, REGION)
    env["REPORT_BUCKET"] = REPORTS
    env["EXCLUDE_BUCKETS"] = REPORTS
    return env


def report(cloud, result: Dict[str, Any]) -> Dict[str, str]:
    """The report's objects, found by the keys the result names (they carry a nonce)."""
    keys = {
        ("ocsf.json" if key.endswith(".ocsf.json") else key.rsplit(".", 1)[1]): key for key in result["report"]["keys"]
    }
    assert set(keys) == {"json", "csv", "html", "ocsf.json"}, result["report"]
    return {ext: cloud.obs.object(REPORTS, key)["body"].decode("utf-8") for ext, key in keys.items()}


def quota_of(result: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {use["project_id"]: use for use in result["quota"]}


def flat(text: str) -> str:
    return " ".join(text.split())


def quota_lines(caplog) -> List[Dict[str, Any]]:
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "cts_autotracker"]
    return [line for line in lines if line.get("event") == "quota"]


NUMBERS = "92 of 100 data trackers used (92%, at or above QUOTA_WARN_PERCENT 90%), 8 free"


def test_a_sweep_with_92_of_100_data_trackers_used_warns_in_every_output(invoke, cloud, reporting, caplog) -> None:
    seed(cloud, 90)  # the sweep creates photos-2026's and invoices-archive's: 92 in use after it
    with caplog.at_level(logging.INFO, logger="cts_autotracker"):
        result = invoke(SWEEP)
    assert result["ok"] is True, result  # a warning, not a failure: everything in scope is covered
    created = sorted(r["target"]["name"] for r in result["results"] if r["outcome"] == "created")
    assert created == sorted(["invoices-archive", "photos-2026", REGION, f"{REGION}_analytics"])
    # the result: every listed project, in the documented shape
    figures = quota_of(result)
    assert figures[PROJECT_ID] == {
        "project_id": PROJECT_ID,
        "region": REGION,
        "account_id": None,
        "used": 92,
        "limit": 100,
        "free": 8,
        "percent": 92,
        "warn_percent": 90,
        "warn": True,
        "left_out": [],
        "left_out_count": 0,
    }
    assert figures[NEW_PROJECT_ID]["used"] == 0 and figures[NEW_PROJECT_ID]["warn"] is False
    # SMN: subject, text (with what to do and who is left out next), SMS
    [message] = cloud.smn.messages
    structure = json.loads(message["message_structure"])
    assert f"quota 92/100 data trackers in project {PROJECT_ID}" in message["subject"]
    text = flat(structure["email"])
    assert f"QUOTA WARNING: project {PROJECT_ID} ({REGION}): {NUMBERS}" in text
    assert "the next 8 new bucket(s) get the last slots; any beyond them will be left out" in text
    assert "PRIORITY_BUCKETS" in text and "EXCLUDE_BUCKETS" in text
    assert f"{ErrorCode.QUOTA_NEARLY_FULL}: The quota cannot be raised" in text
    assert "data tracker quota 92/100" in structure["sms"]
    # the report: JSON (the same figures), CSV (a quota row first), HTML (a warning and a table)
    written = report(cloud, result)
    assert json.loads(written["json"])["quota"] == result["quota"]
    rows = list(csv.DictReader(io.StringIO(written["csv"])))
    assert rows[0]["kind"] == "quota" and rows[0]["project"] == PROJECT_ID
    assert rows[0]["name"] == "92/100 data trackers" and rows[0]["error_code"] == ErrorCode.QUOTA_NEARLY_FULL
    assert NUMBERS in rows[0]["reason"]
    assert [row for row in rows if row["kind"] == "quota"] == rows[:1]  # the analytics project is not warned
    html = flat(written["html"])
    assert f"<strong>Quota warning:</strong> project {PROJECT_ID} ({REGION}): {NUMBERS}" in html
    assert "<h2>Data tracker quota by project</h2>" in html
    assert f"<td>{PROJECT_ID}</td><td>{REGION}</td><td></td><td>92</td><td>100</td><td>8</td><td>92%</td>" in html
    # the log: one WARNING line for the project, the same numbers
    [line] = quota_lines(caplog)
    numbers = (line["project_id"], line["used"], line["limit"], line["free"], line["percent"])
    assert numbers == (PROJECT_ID, 92, 100, 8, 92)
    assert NUMBERS in line["message"]
    assert [r.levelno for r in caplog.records if '"event": "quota"' in r.getMessage()] == [logging.WARNING]


def test_below_the_threshold_the_figures_are_reported_without_a_warning(invoke, cloud, reporting, caplog) -> None:
    seed(cloud, 87)  # 89 after the sweep
    with caplog.at_level(logging.INFO, logger="cts_autotracker"):
        result = invoke(SWEEP)
    assert quota_of(result)[PROJECT_ID]["used"] == 89 and quota_of(result)[PROJECT_ID]["warn"] is False
    [message] = cloud.smn.messages
    assert "QUOTA" not in message["message_structure"] and "quota" not in message["subject"]
    written = report(cloud, result)
    assert "quota" not in {row["kind"] for row in csv.DictReader(io.StringIO(written["csv"]))}
    assert "Quota warning" not in written["html"] and "<td>89</td>" in written["html"]
    assert quota_lines(caplog) == []


def test_quota_warn_percent_moves_the_threshold(invoke, cloud, env) -> None:
    seed(cloud, 78)  # 80 after the sweep
    env["QUOTA_WARN_PERCENT"] = "80"
    result = invoke(SWEEP)
    assert quota_of(result)[PROJECT_ID]["warn"] is True
    assert "QUOTA WARNING" in cloud.smn.messages[0]["message_structure"]


def test_a_full_project_names_the_buckets_left_out_in_priority_order(invoke, cloud, env) -> None:
    seed(cloud, 99)
    for bucket in ("zz-critical-logs", "aa-scratch"):
        cloud.add_bucket(bucket, REGION)
    env["PRIORITY_BUCKETS"] = "zz-critical-*"
    env["NOTIFY"] = "attention"
    result = invoke(SWEEP)
    use = quota_of(result)[PROJECT_ID]
    assert (use["used"], use["free"], use["warn"]) == (100, 0, True)
    assert use["left_out"] == ["aa-scratch", "invoices-archive", "photos-2026"] and use["left_out_count"] == 3
    text = flat(json.loads(cloud.smn.messages[0]["message_structure"])["email"])
    assert "left out for the quota: aa-scratch, invoices-archive, photos-2026." in text


def test_a_dry_run_names_what_would_be_left_out(invoke, cloud) -> None:
    seed(cloud, 99)
    result = invoke({**SWEEP, "dry_run": True})
    use = quota_of(result)[PROJECT_ID]
    assert (use["used"], use["left_out"]) == (99, ["photos-2026"])  # invoices-archive gets the last slot
    assert not cloud.calls_of("CreateTracker")


def test_a_config_periodic_evaluation_reports_the_quota(invoke, cloud, assignment) -> None:
    seed(cloud, 95)
    event = config_event(cloud, assignment, "period", invoking_event=account_record(cloud))
    result = invoke(event)
    use = quota_of(result)[PROJECT_ID]
    assert (use["used"], use["warn"]) == (95, True)  # an evaluation creates nothing
    assert "QUOTA WARNING" in cloud.smn.messages[0]["message_structure"]


def test_an_event_counts_no_quota(invoke, cloud) -> None:
    """An event lists no project (create first, look only on a conflict): no figures, not zeros."""
    from helpers.world import bucket_event

    result = invoke(bucket_event("photos-2026"))
    assert result["ok"] is True and result["quota"] == []


@pytest.mark.parametrize("value", ["0", "101", "ninety", "-5"])
def test_an_invalid_quota_warn_percent_is_refused_and_nothing_is_created(invoke, cloud, env, value) -> None:
    env["QUOTA_WARN_PERCENT"] = value
    result = invoke(SWEEP)
    assert result["ok"] is False and result["error"]["code"] == ErrorCode.INVALID_CONFIGURATION
    assert "QUOTA_WARN_PERCENT" in result["error"]["message"]
    assert not cloud.calls_of("CreateTracker") and not cloud.calls_of("ListTrackers")
