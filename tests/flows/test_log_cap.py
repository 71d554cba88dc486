"""Whatever went wrong is logged at WARNING whatever the size of the run: the per-target lines
are capped, and the failed ones come first, so created or planned lines (INFO) never push a
failure past the cap; a failure that still does not fit is counted at WARNING."""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List

from helpers.world import REGION

from autotracker.outputs.logs import MAX_TARGET_LINES


def warnings(caplog) -> List[Dict[str, Any]]:
    return [
        json.loads(r.getMessage())
        for r in caplog.records
        if r.name == "cts_autotracker" and r.levelno >= logging.WARNING
    ]


def test_every_failed_target_is_logged_at_warning_when_created_ones_come_first(invoke, cloud, env, caplog) -> None:
    env.update({"LOG_LEVEL": "WARNING", "NOTIFY": "never", "RAISE_ON_TRANSIENT": "false"})
    for index in range(MAX_TARGET_LINES + 10):  # a project holds 100 data trackers: the rest fail
        cloud.add_bucket(f"bulk-{index:04d}", REGION)
    with caplog.at_level(logging.DEBUG, logger="cts_autotracker"):
        result = invoke({"action": "backfill", "all": True})
    failed = {row["target"]["name"] for row in result["results"] if row["outcome"] == "failed"}
    assert result["summary"]["created"] >= 100 and len(failed) > MAX_TARGET_LINES - result["summary"]["created"]
    logged = {line["name"] for line in warnings(caplog) if line["event"] == "target"}
    assert failed <= logged


def test_failures_beyond_the_cap_are_counted_at_warning(invoke, cloud, env, caplog) -> None:
    env.update({"LOG_LEVEL": "WARNING", "NOTIFY": "never", "RAISE_ON_TRANSIENT": "false"})
    for index in range(MAX_TARGET_LINES + 10):
        cloud.add_bucket(f"bulk-{index:04d}", REGION)
    cloud.faults.inject(status=403, action="CreateTracker", error_code="CTS.0013", count=None)
    with caplog.at_level(logging.DEBUG, logger="cts_autotracker"):
        result = invoke({"action": "backfill", "all": True})
    failed = result["summary"]["failed"]
    assert failed > MAX_TARGET_LINES
    lines = warnings(caplog)
    assert sum(line["event"] == "target" for line in lines) == MAX_TARGET_LINES
    (counted,) = [line for line in lines if line["event"] == "targets_not_logged"]
    assert counted["count"] == failed - MAX_TARGET_LINES and counted["outcomes"] == {"failed": counted["count"]}
