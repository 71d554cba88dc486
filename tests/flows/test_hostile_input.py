"""Property-based: whatever arrives, the handler answers, bounds its input, and never sends a
request that breaks the API page's rules."""

from __future__ import annotations

import json
from typing import Any, Dict

from helpers.world import FakeContext, make_cloud, quiet_env, sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autotracker.handler import handle
from autotracker.pipeline.tracker_request import CreateTrackerBody, UpdateTrackerBody

# codes the fake uses for a request that breaks the API rules: the function must never provoke them
RULE_VIOLATIONS = {
    "CTS.0003",
    "CTS.0202",
    "CTS.0203",
    "CTS.0204",
    "CTS.0205",
    "CTS.0207",
    "CTS.0210",
    "CTS.0212",
    "CTS.0213",
    "CTS.0218",
    "CTS.0220",
    "CTS.0221",
    "CTS.0225",
    "CTS.0231",
    "SMN.0004",
    "SMN.0005",
    "SMN.0008",
    "SMN.0009",
    "SMN.0021",
}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=80),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


def _missing_transfer_bucket(cloud: Any, call: Any) -> bool:
    transfer = ((call.request_json or {}).get("obs_info") or {}).get("bucket_name")
    return call.error_code == "CTS.0003" and bool(transfer) and not cloud.obs.exists(transfer)


def run(event: Any, environ: Dict[str, str]) -> Dict[str, Any]:
    cloud = make_cloud()
    with cloud.mock():
        result = handle(event, FakeContext(), environ=environ)
    json.dumps(result)
    if isinstance(event, dict) and "httpMethod" in event:  # APIG: the result is the HTTP body
        assert result["statusCode"] in (200, 207, 400, 401, 500)
        result = json.loads(result["body"])
    assert isinstance(result["ok"], bool)
    for call in cloud.calls:
        if not _missing_transfer_bucket(cloud, call):  # a state the configuration names, not a rule broken
            assert call.error_code not in RULE_VIOLATIONS, (call.action, call.error_code, call.request_json)
        if call.action == "CreateTracker":
            CreateTrackerBody.model_validate(call.request_json)
        if call.action == "UpdateTracker":
            UpdateTrackerBody.model_validate(call.request_json)
    return result


def mutated(base: Dict[str, Any], path: tuple, value: Any) -> Dict[str, Any]:
    event = json.loads(json.dumps(base))
    node = event
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return event


CTS_FIELDS = [
    "resource_name",
    "resource_id",
    "service_type",
    "resource_type",
    "trace_name",
    "code",
    "trace_status",
    "project_id",
    "request",
    "response",
    "time",
    "record_time",
    "user",
]


@SETTINGS
@given(json_values)
def test_arbitrary_json_never_raises(event):
    result = run(event, quiet_env())
    if not result["ok"] and result["results"] == []:
        assert result["error"]["code"] in {"InvalidEvent", "InvalidConfiguration", "MissingCredentials"}


@SETTINGS
@given(st.sampled_from(CTS_FIELDS), json_values, st.sampled_from(["cts-create-bucket.json", "cts-create-project.json"]))
def test_mutated_cts_traces(field, value, name):
    result = run(mutated(sample(name), ("cts", field), value), quiet_env())
    for entry in result["results"]:
        assert entry["outcome"] in {"created", "already_tracked", "skipped", "failed"}
        if entry["outcome"] == "created" and entry["target"]["kind"] == "bucket":
            assert len(entry["tracker"]["name"]) <= 32


@SETTINGS
@given(st.text(min_size=0, max_size=200))
def test_any_bucket_name_in_a_trace(name):
    result = run(mutated(sample("cts-create-bucket.json"), ("cts", "resource_name"), name), quiet_env())
    [entry] = result["results"]
    assert entry["outcome"] in {"created", "failed", "skipped"}
    assert len(entry["reason"]) < 400  # hostile input is not echoed back at length


@SETTINGS
@given(st.sampled_from(["data", "specversion", "id", "source", "type"]), json_values)
def test_mutated_cloudevents(field, value):
    run(mutated(sample("eventgrid-create-bucket.json"), (field,), value), quiet_env())


manual_payloads = st.fixed_dictionaries(
    {"action": st.sampled_from(["backfill", "audit", "delete", 3, None])},
    optional={
        "buckets": st.lists(st.text(max_size=70), max_size=5) | json_values,
        "projects": st.lists(st.text(max_size=70), max_size=3) | json_values,
        "all": st.booleans() | json_values,
        "dry_run": st.booleans() | json_values,
        "regions": st.lists(st.text(max_size=20), max_size=3) | json_values,
        "surprise": json_values,
    },
)


@SETTINGS
@given(manual_payloads)
def test_manual_payloads(payload):
    result = run(payload, quiet_env())
    if result["error"] is not None:
        assert result["results"] == []


VARIABLES = [
    "REGION",
    "TRACE_BUCKET",
    "TRACE_FILE_PREFIX",
    "TRACE_LIFECYCLE_DAYS",
    "TRACE_COMPRESS",
    "DATA_EVENTS",
    "KMS_KEY_ID",
    "AGENCY_NAME",
    "EXCLUDE_BUCKETS",
    "ENABLE_LTS",
    "SMN_TOPIC_URN",
    "SWEEP_CONCURRENCY",
]


@SETTINGS
@given(st.dictionaries(st.sampled_from(VARIABLES), st.text(max_size=70), min_size=1, max_size=4))
def test_any_configuration(changes):
    environ = {**quiet_env(), **changes}
    result = run(sample("cts-create-bucket.json"), environ)
    if result["error"] is not None:
        assert result["error"]["code"] == "InvalidConfiguration"
        assert result["results"] == []


def test_oversized_events_are_refused():
    event = sample("cts-create-bucket.json")
    event["cts"]["padding"] = "x" * 300_000
    result = run(event, quiet_env())
    assert result["ok"] is False and "at most 262144" in result["error"]["message"]


@SETTINGS
@given(st.dictionaries(st.text(min_size=1, max_size=5000), json_values, min_size=1, max_size=3))
def test_unknown_fields_are_not_echoed_back_at_length(extra):
    payload = {"action": "audit", **{key: value for key, value in extra.items() if key != "action"}}
    result = run(payload, quiet_env())
    assert len(json.dumps(result["error"])) < 2000


def test_a_huge_unknown_field_name_is_cut_short():
    result = run({"action": "audit", "x" * 100_000: 1}, quiet_env())
    assert result["error"]["code"] == "InvalidEvent" and len(result["error"]["message"]) < 500
