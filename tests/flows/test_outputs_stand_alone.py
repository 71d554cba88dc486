"""Each output (the report objects, the SMN message, the log) fails alone and says so; a failed or
partial run says so first in every form; whatever went wrong is logged at WARNING whatever
NOTIFY says. Driven through `index.handler` against the HTTP-level fake."""

from __future__ import annotations

import csv
import io
import json
import logging
import xml.etree.ElementTree as ET
from typing import Any, Dict, List

import pytest
from helpers.log_contexts import BrokenLogger, LoggerContext
from helpers.reports import WrittenKeys
from helpers.world import PROJECT_ID, REGION, sample

REPORTS = "audit-reports"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def reporting(cloud, env) -> WrittenKeys:
    cloud.add_bucket(REPORTS, REGION)
    env["REPORT_BUCKET"] = REPORTS
    env["EXCLUDE_BUCKETS"] = REPORTS
    env["RAISE_ON_TRANSIENT"] = "false"
    return WrittenKeys(cloud)  # the keys carry the attempt's nonce: found in the bucket when asked


def body(cloud, key: str) -> str:
    found = cloud.obs.object(REPORTS, key)
    assert found is not None, key
    return found["body"].decode("utf-8")


def email(cloud) -> str:
    return str(json.loads(cloud.smn.messages[-1]["message_structure"])["email"])


def log_lines(caplog) -> List[Dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "cts_autotracker"]


def warnings(caplog) -> List[Dict[str, Any]]:
    return [
        json.loads(r.getMessage())
        for r in caplog.records
        if r.name == "cts_autotracker" and r.levelno >= logging.WARNING
    ]


def tracker_names_with_a_lone_surrogate(answer: Dict[str, Any]) -> Dict[str, Any]:
    for tracker in answer.get("trackers") or []:
        if tracker.get("tracker_type") == "data":
            tracker["tracker_name"] = "photos\ud800tracker"
    return answer


# ----- 13: an unexpected string does not throw the tracker work away ----------------------------
def test_a_lone_surrogate_in_a_listed_tracker_name_leaves_every_output_standing(invoke, cloud, reporting) -> None:
    cloud.cts.put_tracker(
        PROJECT_ID,
        {"tracker_name": "photos-tracker", "data_bucket": {"data_bucket_name": "photos-2026", "data_event": ["WRITE"]}},
    )
    cloud.faults.rewrite(tracker_names_with_a_lone_surrogate, "ListTrackers", service="cts")
    result = invoke({"action": "backfill", "all": True})
    assert result.get("error") is None and result["results"]  # not InternalError with results: []
    assert result["summary"]["created"] >= 3 and len(cloud.calls_of("CreateTracker")) >= 3
    (photos,) = [r for r in result["results"] if (r["target"] or {}).get("name") == "photos-2026"]
    assert photos["tracker"]["name"] == "photos\ufffdtracker"  # made encodable where it entered
    assert {**result["report"], "evidence": []} == {
        "bucket": REPORTS,
        "keys": list(reporting.values()),
        "evidence": [],
        "error": None,
    }
    assert "photos\ufffdtracker" in body(cloud, reporting["csv"])
    assert result["notification"]["sent"] is True and len(cloud.smn.messages) == 1


def test_a_lone_surrogate_in_a_services_error_message_leaves_every_output_standing(invoke, cloud, reporting) -> None:
    hostile = "denied \ud800 here"
    cloud.faults.inject(status=403, action="CreateTracker", error_code="CTS.0013", message=hostile, count=1)
    result = invoke({"action": "backfill", "all": True})
    assert result.get("error") is None and result["summary"]["created"] == 3
    (failed,) = [r for r in result["results"] if r["outcome"] == "failed"]
    assert failed["error"]["code"] == "CTS.0013" and "\ud800" not in failed["error"]["message"]
    assert failed["error"]["message"].startswith("denied") and failed["error"]["message"].endswith("here")
    assert result["report"]["error"] is None and sorted(report_forms(cloud.obs.keys(REPORTS))) == sorted(
        reporting.values()
    )
    assert result["notification"]["sent"] is True and "CTS.0013" in email(cloud)


# ----- 14: a failed run is the first thing in every form ----------------------------------------
def test_a_failed_audit_says_so_first_in_the_html_csv_json_and_message(invoke, cloud, reporting) -> None:
    cloud.faults.inject(status=403, action="KeystoneListProjects", count=None)
    result = invoke(sample("manual-audit.json"))
    assert result["ok"] is False and result["error"]["code"] and result["results"] == []
    code = result["error"]["code"]

    page = ET.fromstring(body(cloud, reporting["html"]))
    content = list(page.find(f"{XHTML}body"))
    assert content[0].tag == f"{XHTML}h1" and content[1].tag == f"{XHTML}p" and content[1].get("class") == "problem"
    banner = "".join(content[1].itertext())
    assert banner.startswith("The run failed:") and code in banner
    text = "".join(page.itertext())
    assert "None." not in text and "None listed: the run failed" in text

    rows = list(csv.DictReader(io.StringIO(body(cloud, reporting["csv"]))))
    assert len(rows) == 1  # not the header alone
    assert (rows[0]["kind"], rows[0]["outcome"], rows[0]["error_code"]) == ("invocation", "failed", code)
    assert "the run failed" in rows[0]["reason"]

    document = json.loads(body(cloud, reporting["json"]))
    assert next(iter(document)) == "error" and document["error"]["code"] == code

    message = email(cloud)
    assert message.splitlines()[0].startswith("PROBLEM: the run failed")
    assert "Nothing needs attention" not in message
    assert cloud.smn.messages[-1]["subject"].split(": ", 1)[1].startswith("FAILED")


# ----- 15: a report that could not be written is said, logged, and not listed --------------------
def test_a_failed_report_write_is_in_the_message_the_warnings_and_lists_only_what_was_written(
    invoke, cloud, reporting, caplog
) -> None:
    cloud.faults.inject(status=403, action="PutObject", service="obs", count=1)
    with caplog.at_level(logging.DEBUG, logger="cts_autotracker"):
        result = invoke({"action": "backfill", "all": True})
    written = sorted(report_forms(cloud.obs.keys(REPORTS)))
    assert len(written) == 3  # the three other objects were written all the same
    assert result["report"]["error"]["message"].startswith("writing the report failed")
    assert sorted(result["report"]["keys"]) == written
    message = email(cloud)
    assert "REPORT NOT WRITTEN: writing the report failed" in message
    listed = [line.strip() for line in message.splitlines() if line.startswith("  cts-autotracker/reports/")]
    assert sorted(listed) == written  # only the objects written
    (invocation,) = [line for line in log_lines(caplog) if line["event"] == "invocation"]
    assert sorted(invocation["report"]) == written
    (warning,) = [line for line in warnings(caplog) if line.get("message") == "report not written"]
    assert sorted(warning["keys_written"]) == written and warning["error"]["code"] == "AccessDenied"


def test_notify_attention_sends_when_only_the_report_write_failed(invoke, cloud, reporting, env) -> None:
    invoke({"action": "backfill", "all": True})  # every bucket covered now
    before = len(cloud.smn.messages)
    env["NOTIFY"] = "attention"
    cloud.faults.inject(status=403, action="PutObject", service="obs", count=None)
    result = invoke({"action": "backfill", "all": True})
    assert set(result["summary"]) == {"already_tracked", "skipped"} and result["report"]["error"] is not None
    assert result["notification"]["sent"] is True and len(cloud.smn.messages) == before + 1
    assert "REPORT NOT WRITTEN" in email(cloud) and "report not written" in cloud.smn.messages[-1]["subject"]


@pytest.mark.parametrize("notify", ["attention", "never"])
def test_a_failed_report_write_is_logged_at_warning_whatever_notify_says(
    invoke, cloud, reporting, env, caplog, notify: str
) -> None:
    env.update({"NOTIFY": notify, "LOG_LEVEL": "WARNING"})
    cloud.faults.inject(status=403, action="PutObject", service="obs", count=None)
    with caplog.at_level(logging.DEBUG, logger="cts_autotracker"):
        invoke({"action": "backfill", "all": True})
    assert [line["message"] for line in log_lines(caplog)] == ["report not written"]


@pytest.mark.parametrize("notify", ["attention", "never"])
def test_an_unreadable_inventory_on_a_timer_is_logged_at_warning_whatever_notify_says(
    invoke, cloud, env, caplog, notify: str
) -> None:
    env.update({"NOTIFY": notify, "LOG_LEVEL": "WARNING", "RAISE_ON_TRANSIENT": "false"})
    cloud.faults.inject(status=403, action="ListBuckets", service="obs", count=None)
    with caplog.at_level(logging.DEBUG, logger="cts_autotracker"):
        result = invoke(sample("timer.json"))
    assert result["error"]["code"] == "AccessDenied"
    (line,) = log_lines(caplog)
    assert line["message"] == "the invocation failed" and line["error"]["code"] == "AccessDenied"
    assert len(cloud.smn.messages) == (1 if notify == "attention" else 0)


# ----- 13: the log is an output too --------------------------------------------------------------
def test_a_log_that_cannot_be_written_leaves_the_result_the_report_and_the_message_standing(
    invoke, cloud, reporting
) -> None:
    context = LoggerContext(BrokenLogger())
    result = invoke({"action": "backfill", "all": True}, context)
    assert (
        context.logger.attempts >= 1
        and result["log_error"] == f"{context.logger.attempts} log line(s) could not be written"
    )
    assert result["summary"]["created"] == 4 and result["report"]["error"] is None
    assert result["notification"]["sent"] is True and sorted(report_forms(cloud.obs.keys(REPORTS))) == sorted(
        reporting.values()
    )


def report_forms(keys: Any) -> List[str]:
    """The report's own objects: not the evidence written with it (manifests, chain pointers,
    organization summaries; outputs/evidence.py)."""
    return [key for key in keys if key.endswith((".json", ".csv", ".html")) and "/organization/" not in key]
