"""Tracker records as ListTrackers answers them, a second region, and a result's rows by target name."""

from __future__ import annotations

from typing import Any, Dict

from helpers.world import TRACE_BUCKET

EU = "eu-west-101"
EU_PROJECT_ID = "e0e1e2e3e4e5e6e7e8e9eaebecedeeef"


def by_name(result: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {(r["target"]["name"] or r["target"]["project_id"]): r for r in result["results"] if r["target"]}


def data_tracker(bucket: str, name: str, **fields: Any) -> Dict[str, Any]:
    record = {
        "tracker_name": name,
        "tracker_type": "data",
        "status": "enabled",
        "obs_info": {"bucket_name": TRACE_BUCKET, "file_prefix_name": "audit", "bucket_lifecycle": 180},
        "lts": {"is_lts_enabled": False},
        "is_support_validate": False,
        "data_bucket": {"data_bucket_name": bucket, "data_event": ["READ", "WRITE"]},
    }
    record.update(fields)
    return record


def system_tracker(**fields: Any) -> Dict[str, Any]:
    record = {
        "tracker_name": "system",
        "tracker_type": "system",
        "status": "enabled",
        "obs_info": {"bucket_name": TRACE_BUCKET, "file_prefix_name": "audit"},
        "lts": {"is_lts_enabled": False},
        "is_support_validate": False,
    }
    record.update(fields)
    return record
