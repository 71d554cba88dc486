"""Regression tests for the adversarial review (issue 10): each reproduces the original attack
through `index.handler` and the HTTP-level fake."""

from __future__ import annotations

import base64
import json
from typing import Any, Dict

import pytest
from conftest import PROJECT_ID, REGION, bucket_event

DEEP = "[" * 991 + "]" * 991  # under 2 KB; Python's JSON decoder raises RecursionError on it


def cloud_event(data: Any, event_id: str = "1") -> Dict[str, Any]:
    return {"specversion": "1.0", "id": event_id, "source": "HC.OBS", "type": "OBS:CloudTrace:ApiCall", "data": data}


def apig(body: str) -> Dict[str, Any]:
    return {"httpMethod": "POST", "path": "/", "headers": {}, "body": body, "isBase64Encoded": False}


# ----- 1. deeply nested JSON fails alone ---------------------------------------------------
def test_deep_json_in_an_apig_body_is_a_400(invoke, cloud) -> None:
    response = invoke(apig(DEEP))
    assert response["statusCode"] == 400
    body = json.loads(response["body"])
    assert body["error"]["code"] == "InvalidEvent" and "nested deeper" in body["error"]["message"]
    assert cloud.calls == []


def test_deep_json_in_a_base64_apig_body_is_a_400(invoke, cloud) -> None:
    event = apig(base64.b64encode(DEEP.encode()).decode())
    event["isBase64Encoded"] = True
    assert invoke(event)["statusCode"] == 400


def test_a_deep_eventgrid_data_string_fails_alone_in_its_batch(invoke, cloud) -> None:
    good = bucket_event("photos-2026")["cts"]
    result = invoke({"events": [cloud_event(DEEP, "bad"), cloud_event(good, "good")]})
    bad, ok = result["results"]
    assert (bad["outcome"], bad["error"]["code"]) == ("failed", "InvalidEvent")
    assert "nested deeper" in bad["reason"]
    assert (ok["outcome"], ok["target"]["name"]) == ("created", "photos-2026")
    assert result["notification"]["sent"] is True


def test_a_deep_eventgrid_data_object_fails_alone_in_its_batch(invoke, cloud) -> None:
    deep: Any = {}
    for _ in range(200):
        deep = {"x": deep}
    good = bucket_event("photos-2026")["cts"]
    result = invoke({"events": [cloud_event({**good, "request": deep}, "bad"), cloud_event(good, "good")]})
    bad, ok = result["results"]
    assert bad["error"]["code"] == "InvalidEvent" and ok["outcome"] == "created"


def test_a_deep_request_string_in_a_trace_is_read_as_empty(invoke, cloud) -> None:
    """`request` is not needed for a bucket: the trace is still handled, nothing raises."""
    result = invoke(bucket_event("photos-2026", request=DEEP, response=DEEP))
    (row,) = result["results"]
    assert row["outcome"] == "created"
    assert result["error"] is None


def test_a_deeply_nested_event_object_is_refused_not_raised(cloud) -> None:
    """Called directly: the `invoke` fixture's deepcopy would itself hit the recursion limit."""
    from conftest import FakeContext, quiet_env

    from autotracker.handler import handle

    deep: Any = []
    for _ in range(900):
        deep = [deep]
    with cloud.mock():
        result = handle({"cts": {"service_type": "OBS", "padding": deep}}, FakeContext(), environ=quiet_env())
    assert result["error"]["code"] == "InvalidEvent" and "nested deeper" in result["error"]["message"]
    assert cloud.calls == []


# ----- 2. untrusted strings are cut short and printable -------------------------------------
FORGED = "abc\nSummary: 0 failed -- ALL BUCKETS COMPLIANT\n\x1b[2J\x1b[31mred\u202e"


def published_texts(cloud) -> str:
    message = cloud.smn.messages[-1]
    structure = json.loads(message["message_structure"])
    return "\n".join([message["subject"], *structure.values()])


def test_a_forged_trace_id_cannot_add_lines_to_the_report(invoke, cloud) -> None:
    result = invoke(bucket_event("photos-2026", trace_id=FORGED))
    (row,) = result["results"]
    assert row["outcome"] == "created"
    for text in (row["reason"], published_texts(cloud)):
        assert "\x1b" not in text and "\u202e" not in text
        assert "\nSummary: 0 failed" not in text
    lines = published_texts(cloud).splitlines()
    assert sum(line.startswith("Summary:") for line in lines) == 2  # the real one, in `default` and `email`


def test_a_huge_trace_id_is_cut_short(invoke, cloud) -> None:
    result = invoke(bucket_event("photos-2026", trace_id="t" * 200_000))
    assert len(json.dumps(result)) < 5_000
    assert len(published_texts(cloud)) < 5_000


@pytest.mark.parametrize("field", ["trace_status", "trace_rating", "service_type"])
def test_hostile_trace_fields_are_shown_printable_and_short(invoke, cloud, field: str) -> None:
    result = invoke(bucket_event("photos-2026", **{field: FORGED * 1000}))
    (row,) = result["results"]
    assert row["reason"].isprintable() and len(row["reason"]) < 400
    assert "\x1b" not in published_texts(cloud)


def test_a_hostile_project_name_in_a_project_trace_is_shown_safely(invoke, cloud) -> None:
    from conftest import project_event

    event = project_event()
    event["cts"]["request"] = {"project": {"name": f"{REGION}_x\n" + "y" * 10_000}}
    result = invoke(event)
    (row,) = result["results"]
    assert row["target"]["name"].isprintable() and len(row["target"]["name"]) <= 80


# ----- 3. names and patterns match whole strings --------------------------------------------
def test_a_region_with_a_trailing_newline_is_refused(invoke, cloud) -> None:
    result = invoke({"action": "audit", "regions": [f"{REGION}\n"]})
    assert result["ok"] is False and result["error"]["code"] == "InvalidEvent"
    assert cloud.calls == []


def test_a_manual_backfill_of_an_ip_like_bucket_is_refused(invoke, cloud) -> None:
    result = invoke({"action": "backfill", "buckets": ["192.168.1.1"]})
    assert result["error"]["code"] == "InvalidEvent" and "IP address" in result["error"]["message"]
    assert cloud.calls == []


def test_a_project_id_with_a_trailing_newline_is_refused(invoke, cloud) -> None:
    result = invoke({"action": "backfill", "projects": [f"{PROJECT_ID}\n"]})
    assert result["error"]["code"] == "InvalidEvent"
    assert cloud.calls == []


def test_a_configured_region_with_a_newline_is_a_configuration_error(invoke, cloud, env) -> None:
    env["REGION"] = f"{REGION}\neu-west-101"
    result = invoke({"action": "audit"})
    assert result["error"]["code"] == "InvalidConfiguration"
