"""Baseline sweeps (timer, manual, APIG) through the handler against the fake cloud."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any, Dict, List, Optional

import pytest
from helpers.trackers import EU, EU_PROJECT_ID, by_name, data_tracker, system_tracker
from helpers.world import NEW_PROJECT_ID, PROJECT_ID, REGION, TRACE_BUCKET, FakeContext

TIMER = {
    "version": "v1.0",
    "time": "2026-11-25T08:30:00+08:00",
    "trigger_type": "TIMER",
    "trigger_name": "baseline",
    "user_event": "nightly",
}
LISTING = {"ListBuckets", "KeystoneListProjects", "ListTrackers"}


@pytest.fixture
def account(cloud):
    """Two regions: ap-southeast-1 (main + analytics projects, 2 buckets + transfer) and eu-west-101 (1 bucket)."""
    cloud.add_project(EU, project_id=EU_PROJECT_ID)
    cloud.add_project("MOS")
    cloud.add_bucket("eu-archive", EU)
    return cloud


def actions(cloud) -> List[str]:
    return [call.action for call in cloud.calls]


def make_compliant(cloud) -> None:
    for bucket in ("photos-2026", "invoices-archive"):
        cloud.cts.put_tracker(PROJECT_ID, data_tracker(bucket, "custom-" + bucket))
    cloud.cts.put_tracker(PROJECT_ID, system_tracker())
    cloud.cts.put_tracker(NEW_PROJECT_ID, system_tracker())


# -- coverage -----------------------------------------------------------------------------------


def test_timer_sweep_covers_every_bucket_and_project_in_scope(invoke, account):
    result = invoke(TIMER)
    assert result["ok"] is True, result
    assert result["trigger"] == "timer"
    entries = by_name(result)
    assert entries["photos-2026"]["outcome"] == "created"
    assert entries["invoices-archive"]["outcome"] == "created"
    assert entries["ap-southeast-1"]["outcome"] == "created"
    assert entries["ap-southeast-1_analytics"]["outcome"] == "created"
    assert entries[TRACE_BUCKET]["outcome"] == "skipped"
    assert "eu-archive" not in entries and EU not in entries  # outside BASELINE_REGIONS (default: REGION)
    assert {t["tracker_name"] for t in account.cts.trackers(PROJECT_ID)} == {
        "system",
        "obs-photos-2026",
        "obs-invoices-archive",
    }
    assert [t["tracker_name"] for t in account.cts.trackers(NEW_PROJECT_ID)] == ["system"]
    assert account.cts.trackers(EU_PROJECT_ID) == []
    listing = [a for a in actions(account) if a in LISTING]
    assert sorted(listing) == ["KeystoneListProjects", "ListBuckets", "ListTrackers", "ListTrackers"]
    assert actions(account).count("CreateTracker") == 4 and actions(account)[-1] == "PublishMessage"


def test_second_sweep_changes_nothing(invoke, account):
    invoke(TIMER)
    before = len(account.mutating_calls())
    result = invoke(TIMER)
    assert result["ok"] is True
    assert len(account.mutating_calls()) == before
    outcomes = {r["outcome"] for r in result["results"] if r["target"]["name"] != TRACE_BUCKET}
    assert outcomes == {"already_tracked"}


def test_compliant_targets_are_untouched_whatever_the_tracker_is_called(invoke, account):
    make_compliant(account)
    result = invoke(TIMER)
    assert result["ok"] is True
    assert account.mutating_calls() == []
    entry = by_name(result)["photos-2026"]
    assert entry["outcome"] == "already_tracked" and entry["tracker"]["name"] == "custom-photos-2026"
    assert "compliant" in entry["reason"]


def test_a_credential_in_a_target_field_alone_is_scrubbed(invoke, account):
    """A compliant bucket's reason does not repeat its name: the credential scan reads the targets'
    own fields, not only the reasons built from them."""
    secret = "lowercase-secret-key-named-as-a-bucket"
    account.add_credentials("AKSCRUBTARGET000001", secret)
    account.add_bucket(secret, REGION)
    account.cts.put_tracker(PROJECT_ID, data_tracker(secret, "custom-tracker"))
    result = invoke(
        {"action": "backfill", "buckets": [secret]}, context=FakeContext("AKSCRUBTARGET000001", secret, None)
    )
    (entry,) = result["results"]
    assert entry["outcome"] == "already_tracked" and secret not in entry["reason"]
    assert entry["target"]["name"] == "***"
    assert secret not in json.dumps(result)


def test_baseline_regions_widen_and_manual_regions_narrow_the_scope(invoke, account, env):
    env["BASELINE_REGIONS"] = f"{REGION},{EU}"
    entries = by_name(invoke(TIMER))
    assert entries["eu-archive"]["outcome"] == "created"
    assert entries["eu-archive"]["target"]["project_id"] == EU_PROJECT_ID
    assert entries[EU]["outcome"] == "created"
    assert "MOS" not in entries

    narrowed = invoke({"action": "audit", "regions": [EU]})
    names = set(by_name(narrowed))
    assert names == {"eu-archive", EU}


def test_another_trackers_transfer_bucket_is_never_tracked(invoke, account, env):
    """Never tracked, and never silently: a named conflict for a human to decide (issue 10)."""
    env["RAISE_ON_TRANSIENT"] = "false"
    account.add_bucket("console-audit-logs", REGION)
    account.cts.put_tracker(
        PROJECT_ID, system_tracker(obs_info={"bucket_name": "console-audit-logs", "file_prefix_name": "audit"})
    )
    result = invoke(TIMER)
    entry = by_name(result)["console-audit-logs"]
    assert entry["outcome"] == "failed" and entry["error"]["code"] == "TransferBucketConflict"
    assert "'system'" in entry["reason"] and "EXCLUDE_BUCKETS" in entry["reason"]
    assert result["ok"] is False
    created = [
        c.request_json["data_bucket"]["data_bucket_name"]
        for c in account.calls_of("CreateTracker")
        if c.request_json["tracker_type"] == "data"
    ]
    assert "console-audit-logs" not in created and "photos-2026" in created


# -- drift --------------------------------------------------------------------------------------

DRIFTS = [
    ({"status": "disabled"}, "tracker is disabled"),
    ({"status": "error", "detail": "noBucket"}, "tracker is in error (noBucket)"),
    ({"obs_info": {"bucket_name": "elsewhere", "file_prefix_name": "audit"}}, "transfer bucket elsewhere"),
    ({"obs_info": {"bucket_name": TRACE_BUCKET, "file_prefix_name": "old"}}, "file prefix 'old'"),
    ({"lts": {"is_lts_enabled": True}}, "LTS transfer on"),
    ({"is_support_validate": True}, "validation on"),
    ({"data_bucket": {"data_bucket_name": "photos-2026", "data_event": ["READ"]}}, "missing WRITE"),
]


@pytest.mark.parametrize(("fields", "expected"), DRIFTS)
def test_drift_is_reported_when_remediation_is_off(invoke, account, fields, expected):
    make_compliant(account)
    account.cts.set_tracker_fields(PROJECT_ID, "custom-photos-2026", **fields)
    result = invoke(TIMER)
    entry = by_name(result)["photos-2026"]
    assert result["ok"] is False
    assert entry["outcome"] == "already_tracked"
    assert entry["error"]["code"] == "TrackerDrift" and expected in entry["error"]["message"]
    assert account.mutating_calls() == []
    message = json.loads(account.smn.messages[-1]["message_structure"])["email"]
    assert "photos-2026" in message and "TrackerDrift" in message
    assert "invoices-archive" not in message  # compliant targets are counted, not listed


@pytest.mark.parametrize(("fields", "expected"), DRIFTS)
def test_drift_is_repaired_when_remediation_is_on(invoke, account, env, fields, expected):
    env["REMEDIATE_DRIFT"] = "true"
    make_compliant(account)
    account.cts.set_tracker_fields(PROJECT_ID, "custom-photos-2026", **fields)
    result = invoke(TIMER)
    entry = by_name(result)["photos-2026"]
    assert result["ok"] is True, entry
    assert entry["outcome"] == "updated" and expected in entry["reason"]
    [update] = account.calls_of("UpdateTracker")
    assert update.request_json["tracker_name"] == "custom-photos-2026"
    assert update.request_json["status"] == "enabled"
    assert update.request_json["data_bucket"]["data_bucket_name"] == "photos-2026"
    repaired = next(t for t in account.cts.trackers(PROJECT_ID) if t["tracker_name"] == "custom-photos-2026")
    assert repaired["status"] == "enabled"
    assert repaired["obs_info"]["bucket_name"] == TRACE_BUCKET
    assert repaired["obs_info"]["file_prefix_name"] == "audit"
    assert set(repaired["data_bucket"]["data_event"]) == {"READ", "WRITE"}
    assert invoke(TIMER)["ok"] is True  # and the next sweep finds it compliant
    assert len(account.calls_of("UpdateTracker")) == 1


def test_management_tracker_encryption_drift(invoke, account, env):
    env["KMS_KEY_ID"] = "key-2"
    env["REMEDIATE_DRIFT"] = "true"
    make_compliant(account)
    result = invoke(TIMER)
    entries = by_name(result)
    assert entries["ap-southeast-1"]["outcome"] == "updated"
    assert "encryption off, expected with key key-2" in entries["ap-southeast-1"]["reason"]
    updates = account.calls_of("UpdateTracker")
    assert {u.path for u in updates} == {f"/v3/{PROJECT_ID}/tracker", f"/v3/{NEW_PROJECT_ID}/tracker"}
    assert all(u.request_json["kms_id"] == "key-2" for u in updates)


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("prefix", "file prefix 'audit', expected ''"),
        ("encryption", "encryption with key key-1, expected off"),
    ],
)
def test_repairs_that_switch_something_off_converge(invoke, account, env, setup, expected):
    """An update changes only the fields it names: clearing a prefix or encryption must be explicit."""
    env["REMEDIATE_DRIFT"] = "true"
    make_compliant(account)
    if setup == "prefix":
        env["TRACE_FILE_PREFIX"] = ""
    else:
        fields = {"is_support_trace_files_encryption": True, "kms_id": "key-1"}
        account.cts.set_tracker_fields(PROJECT_ID, "system", **fields)
    first = invoke(TIMER)
    repaired = [r for r in first["results"] if r["outcome"] == "updated"]
    assert repaired and all(expected in r["reason"] for r in repaired), first["results"]
    second = invoke(TIMER)
    assert second["ok"] is True and not [r for r in second["results"] if r["outcome"] == "updated"]
    assert len(account.calls_of("UpdateTracker")) == len(repaired)


# -- dry run and audit --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        {"action": "backfill", "all": True, "dry_run": True},
        {"action": "audit"},
        {"action": "audit", "dry_run": True},
    ],
)
def test_dry_run_and_audit_make_no_mutating_call(invoke, account, env, event):
    env["REMEDIATE_DRIFT"] = "true"
    account.cts.put_tracker(PROJECT_ID, data_tracker("photos-2026", "p", status="disabled"))
    result = invoke(event)
    assert account.mutating_calls() == []
    entries = by_name(result)
    assert entries["invoices-archive"]["outcome"] == "planned"
    if event["action"] == "audit":
        assert entries["invoices-archive"]["error"]["code"] == "NotCovered"
        assert entries["photos-2026"]["error"]["code"] == "TrackerDrift"
        assert result["ok"] is False
    else:
        assert entries["photos-2026"]["outcome"] == "planned" and "would repair" in entries["photos-2026"]["reason"]
        assert result["dry_run"] is True


def test_dry_run_variable_applies_to_sweeps(invoke, account, env):
    env["DRY_RUN"] = "true"
    result = invoke(TIMER)
    assert result["dry_run"] is True and account.mutating_calls() == []
    assert {r["outcome"] for r in result["results"]} == {"planned", "skipped"}


# -- manual backfill ----------------------------------------------------------------------------


def test_backfill_named_targets_only(invoke, account):
    result = invoke({"action": "backfill", "buckets": ["photos-2026", "no-such-bucket"], "projects": [NEW_PROJECT_ID]})
    entries = by_name(result)
    assert set(entries) == {"photos-2026", "no-such-bucket", "ap-southeast-1_analytics"}
    assert entries["photos-2026"]["outcome"] == "created"
    assert entries["ap-southeast-1_analytics"]["outcome"] == "created"
    assert entries["no-such-bucket"]["outcome"] == "failed" and entries["no-such-bucket"]["error"]["code"] == "NotFound"
    assert result["ok"] is False
    assert [t["tracker_name"] for t in account.cts.trackers(PROJECT_ID)] == ["obs-photos-2026"]


def test_backfill_named_bucket_in_another_region(invoke, account):
    entry = by_name(invoke({"action": "backfill", "buckets": ["eu-archive"]}))["eu-archive"]
    assert entry["outcome"] == "created" and entry["target"]["region"] == EU
    assert entry["target"]["project_id"] == EU_PROJECT_ID


def test_backfill_all_is_a_sweep(invoke, account):
    result = invoke({"action": "backfill", "all": True})
    assert result["trigger"] == "manual" and result["ok"] is True
    assert len(account.calls_of("CreateTracker")) == 4


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"action": "delete"}, "action"),
        ({"action": "backfill"}, "either"),
        ({"action": "backfill", "all": True, "buckets": ["a-b-c"]}, "not both"),
        ({"action": "backfill", "buckets": ["Bad_Name"]}, "bucket 'Bad_Name'"),
        ({"action": "backfill", "buckets": "photos-2026"}, "buckets"),
        ({"action": "backfill", "all": "yes"}, "all"),
        ({"action": "audit", "regions": ["Mars"]}, "not a region id"),
        ({"action": "audit", "regions": []}, "regions"),
        ({"action": "audit", "extra": 1}, "extra"),
        ({"action": "backfill", "projects": ["../../etc"]}, "project id"),
        ({"action": "backfill", "buckets": ["b" + str(i).zfill(3) for i in range(1001)]}, "at most 1000"),
    ],
)
def test_invalid_manual_requests_are_refused_without_calls(invoke, account, event, expected):
    result = invoke(event)
    assert result["ok"] is False and result["error"]["code"] == "InvalidEvent"
    assert expected in result["error"]["message"]
    assert account.calls == []


# -- APIG ---------------------------------------------------------------------------------------


def apig(body: Any, method: str = "POST", encode: bool = False, token: Optional[str] = None) -> Dict[str, Any]:
    """An APIG event as IAM authentication lets it through (APIG checked the caller's token); each
    call is a new caller unless `token` says otherwise (reports are limited per caller)."""
    text = body if isinstance(body, str) else json.dumps(body)
    if encode:
        text = base64.b64encode(text.encode()).decode()
    return {
        "httpMethod": method,
        "path": "/autotracker",
        "headers": {"content-type": "application/json", "x-auth-token": token or f"iam-token-{uuid.uuid4().hex}"},
        "queryStringParameters": {},
        "body": text,
        "isBase64Encoded": encode,
        "requestContext": {"requestId": "r-1"},
    }


def test_apig_request_is_answered_as_http(invoke, account):
    response = invoke(apig({"action": "backfill", "buckets": ["photos-2026"]}, encode=True))
    assert response["statusCode"] == 200 and response["headers"]["Content-Type"] == "application/json"
    body = json.loads(response["body"])
    assert body["trigger"] == "apig" and body["results"][0]["outcome"] == "created"


@pytest.mark.parametrize(
    "event",
    [
        apig("not json"),
        apig([1, 2]),
        apig({"action": "nope"}),
        apig({"action": "audit"}, method="GET"),
        {"httpMethod": None, "body": "{}", "headers": {"x-auth-token": "iam-token"}},
    ],
)
def test_bad_apig_requests_get_400(invoke, account, event):
    response = invoke(event)
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == "InvalidEvent"
    assert account.calls == []


def test_apig_sweep_needing_attention_gets_207(invoke, account):
    response = invoke(apig({"action": "audit"}))
    assert response["statusCode"] == 207 and json.loads(response["body"])["ok"] is False


# -- quota --------------------------------------------------------------------------------------


def fill_quota(cloud, used: int) -> None:
    for index in range(used):
        bucket = f"old-{index:03d}"
        cloud.add_bucket(bucket, REGION)
        cloud.cts.put_tracker(PROJECT_ID, data_tracker(bucket, f"t-{index:03d}"))


def test_quota_leaves_uncovered_buckets_reported_by_name_in_priority_order(invoke, account, env):
    fill_quota(account, 99)
    for bucket in ("zz-critical-logs", "aa-scratch", "mm-data"):
        account.add_bucket(bucket, REGION)
    env["PRIORITY_BUCKETS"] = "zz-critical-*"
    result = invoke({"action": "backfill", "all": True})
    buckets = [r for r in result["results"] if r["target"]["kind"] == "bucket" and r["outcome"] != "already_tracked"]
    created = [r["target"]["name"] for r in buckets if r["outcome"] == "created"]
    refused = [r for r in buckets if r["error"] and r["error"]["code"] == "QuotaExhausted"]
    assert created == ["zz-critical-logs"]
    assert [r["target"]["name"] for r in refused] == ["aa-scratch", "invoices-archive", "mm-data", "photos-2026"]
    assert all("100/100" in r["reason"] for r in refused)
    # never hammer the API with creates that must fail
    data_creates = [c for c in account.calls_of("CreateTracker") if c.request_json["tracker_type"] == "data"]
    assert len(data_creates) == 1
    structure = json.loads(account.smn.messages[-1]["message_structure"])
    assert "aa-scratch" in structure["email"] and "PRIORITY_BUCKETS" in structure["email"]
    sms = f"cts-autotracker {REGION}: 3 created, 99 already tracked, 1 skipped, 4 failed; data tracker quota 100/100"
    assert structure["sms"] == sms


def test_quota_filled_by_someone_else_mid_sweep_stops_further_creates(invoke, account, env):
    env["SWEEP_CONCURRENCY"] = "1"
    fill_quota(account, 98)
    account.faults.inject(status=400, error_code="CTS.0200", action="CreateTracker", count=1)
    result = invoke({"action": "backfill", "buckets": ["photos-2026", "invoices-archive"]})
    codes = sorted(r["error"]["code"] for r in result["results"])
    assert codes == ["CTS.0200", "QuotaExhausted"]
    assert len(account.calls_of("CreateTracker")) == 1


# -- scale and time budget ----------------------------------------------------------------------


def test_listing_calls_do_not_grow_with_the_number_of_buckets(invoke, account):
    invoke({"action": "audit"})
    small = sorted(a for a in actions(account) if a in LISTING)
    for index in range(300):
        account.add_bucket(f"bulk-{index:04d}", REGION)
    account.reset_calls()
    invoke({"action": "audit"})
    large = sorted(a for a in actions(account) if a in LISTING)
    assert small == large == ["KeystoneListProjects", "ListBuckets", "ListTrackers", "ListTrackers"]


def test_trackers_are_listed_while_the_bucket_listing_is_in_flight(invoke, account):
    """The projects' trackers do not wait for the (large, slow) bucket listing: the fake answers
    ListBuckets only after a ListTrackers was answered, and a sweep that waited would reverse them."""
    account.faults.hold("ListBuckets", until="ListTrackers")
    result = invoke(TIMER)
    assert result["ok"] is True
    order = [a for a in actions(account) if a in LISTING]
    assert order.index("ListTrackers") < order.index("ListBuckets")
    assert sorted(order) == ["KeystoneListProjects", "ListBuckets", "ListTrackers", "ListTrackers"]


def test_the_functions_own_project_is_listed_while_iam_lists_the_projects(invoke, account):
    """The project holding the region's data trackers (the function's own) does not wait for IAM:
    the fake answers KeystoneListProjects only after a ListTrackers was answered."""
    account.faults.hold("KeystoneListProjects", until="ListTrackers")
    result = invoke(TIMER)
    assert result["ok"] is True
    listings = [call for call in account.calls if call.action in ("KeystoneListProjects", "ListTrackers")]
    assert [call.action for call in listings[:2]] == ["ListTrackers", "KeystoneListProjects"]
    assert listings[0].path == f"/v3/{PROJECT_ID}/trackers"
    trackers = sorted(call.path for call in account.calls_of("ListTrackers"))
    assert trackers == sorted(f"/v3/{project}/trackers" for project in (PROJECT_ID, NEW_PROJECT_ID))
    assert result["summary"] == {"created": 4, "skipped": 1}  # the trace bucket is skipped


def test_a_function_in_a_sub_project_lists_each_project_once_and_places_buckets_in_the_main_one(invoke, account, env):
    """The early listing is of the function's project; when IAM says that is not the region's main
    project, the bucket trackers still go to the main one and no project is listed twice."""
    env["RUNTIME_PROJECT_ID"] = NEW_PROJECT_ID
    result = invoke(TIMER)
    assert result["ok"] is True, result["error"]
    trackers = sorted(call.path for call in account.calls_of("ListTrackers"))
    assert trackers == sorted(f"/v3/{project}/trackers" for project in (PROJECT_ID, NEW_PROJECT_ID))
    buckets = {
        r["target"]["name"]: r
        for r in result["results"]
        if r["outcome"] == "created" and r["target"]["kind"] == "bucket"
    }
    assert sorted(buckets) == ["invoices-archive", "photos-2026"]
    assert {r["target"]["project_id"] for r in buckets.values()} == {PROJECT_ID}
    made = [
        t["data_bucket"]["data_bucket_name"] for t in account.cts.trackers(PROJECT_ID) if t["tracker_type"] == "data"
    ]
    assert sorted(made) == sorted(buckets)
    assert not [t for t in account.cts.trackers(NEW_PROJECT_ID) if t["tracker_type"] == "data"]


def test_thousands_of_buckets_are_all_accounted_for(invoke, account):
    for index in range(3000):
        account.add_bucket(f"bulk-{index:04d}", REGION)
    result = invoke(TIMER)
    buckets = [r for r in result["results"] if r["target"]["kind"] == "bucket"]
    assert len(buckets) == 3003
    assert sum(r["outcome"] == "created" for r in buckets) == 100
    assert sum((r["error"] or {}).get("code") == "QuotaExhausted" for r in buckets) == 3003 - 100 - 1
    assert len(account.calls_of("CreateTracker")) == 100 + 2
    assert len(account.smn.messages[-1]["message_structure"].encode()) <= 256 * 1024


def test_work_not_reached_before_the_deadline_is_reported(invoke, account, env):
    # however fast or loaded the machine: no create starts with less than 4 s left, so the listings
    # have 10 - 4 = 6 s (they need well under 1 s); two workers need at least 40 x 0.2 = 8 s for the
    # 82 creates, more than those 6 s, so some are never reached; and 0.2 s is well within the 1 s
    # (at least) a create started with 4 s left may take
    env["SWEEP_CONCURRENCY"] = "2"
    for index in range(80):
        account.add_bucket(f"bulk-{index:04d}", REGION)
    account.faults.latency(0.2, action="CreateTracker")
    result = invoke(TIMER, context=FakeContext(remaining_ms=10_000))
    buckets = [r for r in result["results"] if r["target"]["kind"] == "bucket" and r["outcome"] != "skipped"]
    not_reached = [r for r in buckets if (r["error"] or {}).get("code") == "NotReached"]
    created = [r for r in buckets if r["outcome"] == "created"]
    assert len(buckets) == 82
    assert not_reached and len(created) + len(not_reached) == 82
    assert len(account.calls_of("CreateTracker")) == len(created) + sum(
        r["outcome"] == "created" for r in result["results"] if r["target"]["kind"] == "project"
    )
    assert result["ok"] is False and result["notification"]["sent"] is True


# -- inventory failures -------------------------------------------------------------------------


def test_inventory_failure_is_reported_and_notified(invoke, account):
    account.faults.inject(status=403, action="ListBuckets", count=1)
    result = invoke(TIMER)
    assert result["ok"] is False
    assert "listing buckets (OBS) failed" in result["error"]["message"]
    assert account.mutating_calls() == []
    assert "listing buckets" in account.smn.messages[-1]["subject"]


def test_listing_trackers_failure_fails_only_that_projects_targets(invoke, account):
    account.faults.inject(status=403, error_code="CTS.0013", action="ListTrackers", count=1)
    result = invoke({"action": "backfill", "buckets": ["photos-2026"], "projects": [NEW_PROJECT_ID]})
    entries = by_name(result)
    failed = [e for e in entries.values() if e["outcome"] == "failed"]
    assert len(failed) == 1 and failed[0]["error"]["code"] == "CTS.0013"
    assert len(account.calls_of("CreateTracker")) == 1


def test_endpoint_override_may_name_the_region(invoke, account, env):
    env["BASELINE_REGIONS"] = f"{REGION},{EU}"
    env["CTS_ENDPOINT"] = "https://cts.{region}.myhuaweicloud.com"
    result = invoke(TIMER)
    assert result["ok"] is True
    hosts = {call.headers["host"] for call in account.calls_of("CreateTracker")}
    assert hosts == {f"cts.{REGION}.myhuaweicloud.com", f"cts.{EU}.myhuaweicloud.com"}


def test_events_of_a_disabled_secondary_tracker_do_not_count(invoke, account):
    make_compliant(account)
    account.cts.set_tracker_fields(
        PROJECT_ID, "custom-photos-2026", data_bucket={"data_bucket_name": "photos-2026", "data_event": ["READ"]}
    )
    account.cts.put_tracker(
        PROJECT_ID,
        data_tracker(
            "photos-2026",
            "zz-old-writes",
            status="disabled",
            data_bucket={"data_bucket_name": "photos-2026", "data_event": ["WRITE"]},
        ),
    )
    entry = by_name(invoke(TIMER))["photos-2026"]
    assert entry["error"]["code"] == "TrackerDrift" and "missing WRITE" in entry["error"]["message"]
