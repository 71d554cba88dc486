"""The auditor's report in OBS (JSON, CSV, HTML), and the structured log lines, through the handler."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import xml.etree.ElementTree as ET
from typing import Any, Dict, List

import pytest
from helpers.log_contexts import LoggerContext, RuntimeLogger
from helpers.reports import REPORTS, WrittenKeys
from helpers.world import AK, REGION, SK, TOKEN, bucket_event

from autotracker.outputs.page import TARGET_COLUMNS
from autotracker.outputs.reports import COLUMNS

HOSTILE = '<img src=x onerror="alert(1)">&amp;'


@pytest.fixture
def reporting(cloud, env) -> WrittenKeys:
    cloud.add_bucket(REPORTS, REGION)
    env["REPORT_BUCKET"] = REPORTS
    env["EXCLUDE_BUCKETS"] = REPORTS
    return WrittenKeys(cloud)


def stored(cloud, key: str) -> Dict[str, Any]:
    found = cloud.obs.object(REPORTS, key)
    assert found is not None, key
    return found


def test_a_sweep_writes_json_csv_and_html_and_the_message_names_them(invoke, cloud, reporting) -> None:
    result = invoke({"action": "backfill", "all": True})
    assert result["ok"] is True
    (manifest,) = result["report"]["evidence"]  # outputs/evidence.py
    assert result["report"] == {
        "bucket": REPORTS,
        "keys": list(reporting.values()),
        "evidence": [manifest],
        "error": None,
    }
    assert report_forms(cloud.obs.keys(REPORTS)) == sorted(reporting.values())
    assert stored(cloud, reporting["json"])["content_type"] == "application/json"
    assert stored(cloud, reporting["csv"])["content_type"] == "text/csv; charset=utf-8"
    assert stored(cloud, reporting["html"])["content_type"] == "text/html; charset=utf-8"
    document = json.loads(stored(cloud, reporting["json"])["body"])
    assert document["results"] == result["results"] and document["summary"] == result["summary"]
    assert document["run"]["request_id"] == "req-0001" and document["run"]["trigger"] == "manual"
    assert document["run"]["account"] == f"account {cloud.domain_id}"  # from STS GetCallerIdentity
    text = json.loads(cloud.smn.messages[-1]["message_structure"])["email"]
    assert f"Report objects (bucket {REPORTS}):" in text
    assert all(f"  {key}" in text.splitlines() for key in reporting.values())
    puts = [c.path.lstrip("/") for c in cloud.calls_of("PutObject")]  # the forms, their manifest, the chain's pointer
    assert sorted(report_forms(puts)) == sorted(reporting.values()) and len(puts) == 6


def test_the_csv_parses_back_to_the_results_targets(invoke, cloud, reporting) -> None:
    result = invoke({"action": "backfill", "all": True})
    rows = list(csv.DictReader(io.StringIO(stored(cloud, reporting["csv"])["body"].decode("utf-8"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == len(result["results"])
    for row, entry in zip(rows, result["results"]):
        target = entry["target"]
        assert (row["kind"], row["name"], row["project"], row["region"]) == (
            target["kind"],
            target["name"] or "",
            target["project_id"] or "",
            target["region"] or "",
        )
        assert row["outcome"] == entry["outcome"] and row["reason"] == entry["reason"]
        assert row["tracker"] == (entry["tracker"]["name"] if entry["tracker"] else "")
        assert row["error_code"] == (entry["error"]["code"] if entry["error"] else "")


def html_of(cloud, key: str) -> str:
    return stored(cloud, key)["body"].decode("utf-8")


def test_the_html_is_well_formed_escapes_cloud_strings_and_states_the_coverage(invoke, cloud, reporting) -> None:
    cloud.add_bucket(HOSTILE, REGION)  # a name no real bucket has, as a listing could carry it
    result = invoke({"action": "backfill", "all": True})
    page = html_of(cloud, reporting["html"])
    assert page.startswith("<!DOCTYPE html>")
    root = ET.fromstring(page.removeprefix("<!DOCTYPE html>"))  # well-formed, every tag closed
    assert (
        "<script" not in page
        and "<img" not in page
        and "http://" not in page.replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    )  # no scripts, no external assets
    assert HOSTILE not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;amp;" in page
    cells = [["".join(td.itertext()) for td in tr] for tr in root.iter("{http://www.w3.org/1999/xhtml}tr")]
    coverage = [row for row in cells if row and row[0] == REGION]
    in_scope = [e for e in result["results"] if e["outcome"] != "skipped" and e["target"]["region"] == REGION]
    covered = [e for e in in_scope if e["outcome"] in ("created", "already_tracked", "updated") and not e["error"]]
    assert coverage == [
        [REGION, str(len(covered)), str(len(in_scope)), f"{100 * len(covered) / len(in_scope):.1f}%", ""]
    ]
    names = [row[1] for row in cells if len(row) == len(TARGET_COLUMNS)]  # grouped: account/region/project above
    assert names[:2] == ["name", HOSTILE]  # the failure, first among the targets needing attention


def test_an_event_writes_no_report_and_a_config_period_does(invoke, cloud, reporting) -> None:
    invoke(bucket_event("photos-2026"))
    assert cloud.obs.keys(REPORTS) == []
    assignment = cloud.rms.add_assignment("cts-coverage", "urn:fss:x:y:function:default:f:latest")
    event = {
        "domain_id": cloud.domain_id,
        "policy_assignment_id": assignment,
        "policy_assignment_name": "cts-coverage",
        "trigger_type": "period",
        "evaluation_time": 1764052800000,
        "evaluation_hash": "h",
    }
    result = invoke(event)
    assert result["report"]["keys"] == list(reporting.values()) and len(report_forms(cloud.obs.keys(REPORTS))) == 4


def test_a_report_that_cannot_be_written_is_said_in_the_result(invoke, cloud, env) -> None:
    env["REPORT_BUCKET"] = "no-such-reports-bucket"
    result = invoke({"action": "backfill", "all": True})
    assert result["ok"] is False and result["report"]["error"]["message"].startswith("writing the report failed")
    assert result["summary"]["created"] == 4  # the tracker work stands
    text = json.loads(cloud.smn.messages[-1]["message_structure"])["email"]
    assert "Report objects" not in text


def test_the_report_grants_are_only_on_the_prefix(env) -> None:
    from autotracker.settings import load_settings, read_environment
    from deployer.policy import grants_for

    env.update({"REPORT_BUCKET": REPORTS, "REPORT_PREFIX": "evidence/cts"})
    grants = [g for g in grants_for(load_settings(read_environment(env))) if REPORTS in (g.resource or "")]
    assert [(g.action, g.resource) for g in grants] == [  # GetObject: the evidence chain's pointer
        ("obs:object:GetObject", f"obs:*:*:object:{REPORTS}/evidence/cts/*"),
        ("obs:object:PutObject", f"obs:*:*:object:{REPORTS}/evidence/cts/*"),
    ]


# ----- logs ------------------------------------------------------------------------------------
def log_lines(caplog) -> List[Dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "cts_autotracker"]


def test_one_json_line_per_invocation_and_per_target_needing_attention(invoke, cloud, caplog) -> None:
    with caplog.at_level(logging.DEBUG, logger="cts_autotracker"):
        invoke({"action": "backfill", "all": True})
    lines = log_lines(caplog)
    (run,) = [line for line in lines if line["event"] == "invocation"]
    assert run["request_id"] == "req-0001" and run["trigger"] == "manual" and run["dry_run"] is False
    assert run["summary"] == {"created": 4, "skipped": 1} and run["duration_ms"] > 0
    assert run["notification"] == {"sent": True, "reason": "published"} and run["error"] is None
    targets = [line for line in lines if line["event"] == "target"]
    assert len(targets) == 4 and {t["outcome"] for t in targets} == {"created"}
    assert all(line["source"] == "cts-autotracker" for line in lines)
    text = caplog.text
    assert AK not in text and SK not in text and TOKEN not in text


def test_log_level_warning_keeps_only_what_went_wrong(invoke, cloud, env, caplog) -> None:
    env["LOG_LEVEL"] = "warning"
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.faults.inject(status=403, error_code="CTS.0013", action="CreateTracker", count=1)
    with caplog.at_level(logging.DEBUG, logger="cts_autotracker"):
        invoke({"action": "backfill", "all": True})
    lines = log_lines(caplog)
    assert [line["event"] for line in lines] == ["target"]  # the invocation's line is INFO
    assert lines[0]["outcome"] == "failed" and lines[0]["error_code"] == "CTS.0013"


def test_the_runtimes_logger_is_used_when_there_is_one(invoke, cloud, caplog) -> None:
    context = LoggerContext(RuntimeLogger())
    with caplog.at_level(logging.DEBUG, logger="cts_autotracker"):
        invoke(bucket_event("photos-2026"), context)
    assert not log_lines(caplog)
    lines = [json.loads(text) for text in context.logger.lines]
    assert [line["event"] for line in lines] == ["invocation", "target"]
    assert all(re.fullmatch(r"[\x20-\x7e]+", text) for text in context.logger.lines)  # one printable line each


def report_forms(keys: Any) -> List[str]:
    """The report's own objects: not the evidence written with it (manifests, chain pointers,
    organization summaries; outputs/evidence.py)."""
    return [key for key in keys if key.endswith((".json", ".csv", ".html")) and "/organization/" not in key]
