"""A service answer holding raw surrogate bytes (ED A0 80, which no JSON encoder writes but a
broken or hostile service may send) is read as the replacement character, the same in every
form: the result encodes as UTF-8 and names the tracker exactly as the CSV does."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from typing import Any, Dict

from helpers.world import PROJECT_ID, REGION

REPORTS = "audit-reports"


def raw_surrogate_tracker_names(answer: Dict[str, Any]) -> bytes:
    for tracker in answer.get("trackers") or []:
        if tracker.get("tracker_type") == "data":
            tracker["tracker_name"] = "photos\ud800tracker"
    return json.dumps(answer).encode("utf-8").replace(b"\\ud800", b"\xed\xa0\x80")  # raw, not escaped


def test_raw_surrogate_bytes_in_a_listed_tracker_name_read_the_same_in_every_form(invoke, cloud, env) -> None:
    cloud.add_bucket(REPORTS, REGION)
    env.update({"REPORT_BUCKET": REPORTS, "EXCLUDE_BUCKETS": REPORTS, "RAISE_ON_TRANSIENT": "false"})
    cloud.cts.put_tracker(
        PROJECT_ID,
        {"tracker_name": "photos", "data_bucket": {"data_bucket_name": "photos-2026", "data_event": ["WRITE"]}},
    )
    cloud.faults.rewrite(raw_surrogate_tracker_names, "ListTrackers", service="cts")
    result = invoke({"action": "backfill", "all": True})
    json.dumps(result, ensure_ascii=False).encode("utf-8")  # no lone surrogate reached the result
    named = {row["tracker"]["name"] for row in result["results"] if row["tracker"]}
    assert any(name.startswith("photos\ufffd") for name in named), named
    day = datetime.now(timezone.utc).strftime("%Y/%m/%d")
    (key,) = [k for k in result["report"]["keys"] if k.endswith(".csv")]
    assert key.startswith(f"cts-autotracker/reports/{day}/req-0001.")
    stored = cloud.obs.object(REPORTS, key)
    assert stored is not None
    cells = {cell for row in csv.reader(io.StringIO(stored["body"].decode("utf-8"))) for cell in row}
    assert named & cells  # the CSV names the tracker as the result does, not with a "?"
