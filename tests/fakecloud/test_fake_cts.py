"""CTS v3 rules of the fake, driven through the real SDK and signed raw requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcts.v3 import (
    CreateTrackerRequest,
    CreateTrackerRequestBody,
    DataBucket,
    DeleteTrackerRequest,
    ListQuotasRequest,
    ListTrackersRequest,
    TrackerObsInfo,
    UpdateTrackerRequest,
    UpdateTrackerRequestBody,
)

from fakecloud import FakeCloud

TRACKER_PATH = f"/v3/{h.PID}/tracker"
TRACKERS_PATH = f"/v3/{h.PID}/trackers"


def system_body(**extra: Any) -> dict:
    return {"tracker_type": "system", "tracker_name": "system", "obs_info": {"bucket_name": h.LOGS}, **extra}


def data_body(name: str = "d1", bucket: str = h.TRACKED, events: Optional[list] = None, **extra: Any) -> dict:
    body = {
        "tracker_type": "data",
        "tracker_name": name,
        "data_bucket": {"data_bucket_name": bucket, "data_event": events or ["READ", "WRITE"]},
        "obs_info": {"bucket_name": h.LOGS, "file_prefix_name": "data", "bucket_lifecycle": 30},
    }
    body.update(extra)
    return body


def post(cloud: FakeCloud, body: Any, method: str = "POST") -> tuple[int, Any]:
    response = h.raw_call(cloud.endpoint("cts"), method, TRACKER_PATH, body)
    return response.status_code, (response.json() if response.content else None)


def code_of(cloud: FakeCloud, body: Any, method: str = "POST") -> tuple[int, str]:
    status, payload = post(cloud, body, method)
    return status, payload["error_code"]


def snapshot(cloud: FakeCloud) -> tuple:
    return (cloud.cts.trackers(h.PID), cloud.obs.buckets, cloud.iam.agencies)


# ----- CreateTracker -------------------------------------------------------------------------
def test_create_system_tracker_with_sdk(cloud: FakeCloud, cts) -> None:
    body = CreateTrackerRequestBody(
        tracker_type="system",
        tracker_name="system",
        is_lts_enabled=True,
        obs_info=TrackerObsInfo(bucket_name=h.LOGS, file_prefix_name="audit", compress_type="JSON"),
        is_support_trace_files_encryption=True,
        kms_id="13a4207c-7abe-4b68-8510-16b84c3b5504",
        agency_name="cts_admin_trust",
    )
    response = cts.create_tracker(CreateTrackerRequest(body=body))
    assert response.status_code == 201
    assert response.tracker_name == "system" and response.status == "enabled"
    assert response.lts.log_topic_name == "system-trace" and response.lts.is_lts_enabled is True
    assert response.obs_info.compress_type == "json" and response.obs_info.is_authorized_bucket is True
    [record] = cloud.cts.trackers(h.PID)
    assert record["id"] == response.id and len(record["id"]) == 36
    assert record["domain_id"] == h.DOMAIN and record["project_id"] == h.PID
    assert isinstance(record["create_time"], int) and record["create_time"] > 1_600_000_000_000
    assert record["kms_id"] == body.kms_id and "data_bucket" not in record
    assert record["obs_info"]["bucket_lifecycle"] == 0  # listed for management trackers too, as documented


def test_create_data_tracker_with_sdk(cloud: FakeCloud, cts) -> None:
    body = CreateTrackerRequestBody(
        tracker_type="data",
        tracker_name="bucket-audit_1",
        data_bucket=DataBucket(data_bucket_name=h.TRACKED, data_event=["WRITE"]),
        obs_info=TrackerObsInfo(bucket_name=h.LOGS, bucket_lifecycle=1095),
    )
    response = cts.create_tracker(CreateTrackerRequest(body=body))
    assert response.status_code == 201
    assert response.data_bucket.data_bucket_name == h.TRACKED
    assert response.data_bucket.data_event == ["WRITE"]
    assert response.lts.log_topic_name == "bucket-audit_1"
    assert response.obs_info.bucket_lifecycle == 1095
    [record] = cloud.cts.trackers(h.PID)
    for system_only in ("kms_id", "is_organization_tracker", "management_event_selector"):
        assert system_only not in record
    assert record["is_support_trace_files_encryption"] is False  # listed for every tracker, as real records are
    assert "agency_name" not in record  # shown only when set


def test_create_error_surfaces_as_sdk_exception(cloud: FakeCloud, cts) -> None:
    body = CreateTrackerRequestBody(tracker_type="data", tracker_name="system")
    with pytest.raises(ClientRequestException) as info:
        cts.create_tracker(CreateTrackerRequest(body=body))
    assert (info.value.status_code, info.value.error_code) == (400, "CTS.0203")
    assert info.value.request_id


LONG = "a" * 33
CREATE_ERRORS = [
    (b"", "CTS.0003"),
    (b"not json", "CTS.0003"),
    ([1, 2], "CTS.0003"),
    ({"tracker_name": "system"}, "CTS.0202"),
    ({"tracker_type": "management", "tracker_name": "system"}, "CTS.0202"),
    ({"tracker_type": "data"}, "CTS.0203"),
    (data_body(name="_lead"), "CTS.0203"),
    (data_body(name="-lead"), "CTS.0203"),
    (data_body(name=LONG), "CTS.0203"),
    (data_body(name="has space"), "CTS.0203"),
    (data_body(name="system"), "CTS.0203"),
    (data_body(name="system-trace"), "CTS.0203"),
    ({"tracker_type": "system", "tracker_name": "main"}, "CTS.0204"),
    (system_body(data_bucket={"data_bucket_name": h.TRACKED, "data_event": ["READ"]}), "CTS.0207"),
    (data_body(kms_id="k"), "CTS.0207"),
    (data_body(is_support_trace_files_encryption=False), "CTS.0207"),
    (data_body(management_event_selector={"exclude_service": ["KMS"]}), "CTS.0207"),
    (data_body(is_organization_tracker=True), "CTS.0207"),
    ({"tracker_type": "data", "tracker_name": "d1"}, "CTS.0210"),
    (data_body(bucket=""), "CTS.0210"),
    (data_body(bucket="no-such-bucket"), "CTS.0211"),
    (data_body(events=["DELETE"]), "CTS.0225"),
    (data_body(events=["READ", "READ"]), "CTS.0225"),
    ({**data_body(), "data_bucket": {"data_bucket_name": h.TRACKED, "data_event": []}}, "CTS.0225"),
    ({**data_body(), "data_bucket": {"data_bucket_name": h.TRACKED}}, "CTS.0225"),
    (data_body(obs_info={"bucket_name": h.TRACKED}), "CTS.0213"),
    (data_body(obs_info={"bucket_name": "Upper-Case"}), "CTS.0231"),
    (data_body(obs_info={"bucket_name": "ab"}), "CTS.0231"),
    (data_body(obs_info={"bucket_name": "-dash-first"}), "CTS.0231"),
    (data_body(obs_info={"bucket_name": "under_score"}), "CTS.0231"),
    (data_body(obs_info={"bucket_name": "x" * 64}), "CTS.0231"),
    (data_body(obs_info={"bucket_name": "missing-logs"}), "CTS.0003"),  # CTS.0211 is the *tracked* bucket only
    (data_body(obs_info={"bucket_name": "missing-logs", "is_obs_created": False}), "CTS.0003"),
    (data_body(obs_info={"bucket_name": h.LOGS, "file_prefix_name": "a/b"}), "CTS.0218"),
    (data_body(obs_info={"bucket_name": h.LOGS, "file_prefix_name": "p" * 65}), "CTS.0218"),
    (system_body(obs_info={"bucket_name": h.LOGS, "bucket_lifecycle": 30}), "CTS.0003"),
    (data_body(obs_info={"bucket_name": h.LOGS, "bucket_lifecycle": 45}), "CTS.0003"),
    (data_body(obs_info={"bucket_name": h.LOGS, "compress_type": "zip"}), "CTS.0003"),
    (data_body(obs_info="logs"), "CTS.0003"),
    (data_body(is_lts_enabled="yes"), "CTS.0003"),
    (system_body(is_support_trace_files_encryption=True), "CTS.0221"),
    (system_body(is_support_trace_files_encryption=True, kms_id=""), "CTS.0221"),
    (system_body(management_event_selector={"exclude_service": ["OBS"]}), "CTS.0003"),
    (system_body(agency_name="my_agency"), "CTS.0003"),
]


@pytest.mark.parametrize(("body", "code"), CREATE_ERRORS)
def test_create_rejections_change_nothing(cloud: FakeCloud, mocked: None, body: Any, code: str) -> None:
    before = snapshot(cloud)
    assert code_of(cloud, body) == (400, code)
    assert snapshot(cloud) == before
    assert cloud.calls[-1].error_code == code


def test_valid_edge_values_are_accepted(cloud: FakeCloud, mocked: None) -> None:
    ok = [
        data_body(name="a"),
        data_body(name="B" * 32, bucket="other-data", events=["READ"]),
        system_body(
            obs_info={"bucket_name": h.LOGS, "file_prefix_name": "", "compress_type": "GZIP"},
            management_event_selector={"exclude_service": ["KMS"]},
        ),
    ]
    cloud.add_bucket("other-data", h.REGION)
    for lifecycle in (0, 60, 90, 180):
        ok.append(
            data_body(
                name=f"life{lifecycle}",
                bucket=f"b-{lifecycle}",
                obs_info={"bucket_name": h.LOGS, "bucket_lifecycle": lifecycle, "file_prefix_name": "A.b_c-1"},
            )
        )
        cloud.add_bucket(f"b-{lifecycle}", h.REGION)
    for body in ok:
        assert post(cloud, body)[0] == 201, body


def test_system_tracker_already_exists(cloud: FakeCloud, mocked: None) -> None:
    assert post(cloud, system_body())[0] == 201
    assert code_of(cloud, system_body()) == (400, "CTS.0201")


def test_data_tracker_name_exists(cloud: FakeCloud, mocked: None) -> None:
    cloud.add_bucket("second", h.REGION)
    assert post(cloud, data_body())[0] == 201
    assert code_of(cloud, data_body(bucket="second")) == (400, "CTS.0208")


def test_data_tracker_quota(cloud: FakeCloud, mocked: None) -> None:
    for i in range(100):
        cloud.cts.put_tracker(
            h.PID,
            {
                "tracker_name": f"seed{i}",
                "tracker_type": "data",
                "data_bucket": {"data_bucket_name": f"seed{i}", "data_event": ["READ"]},
            },
        )
    assert code_of(cloud, data_body()) == (400, "CTS.0200")
    assert post(cloud, system_body())[0] == 201  # the management tracker is not counted


def test_each_operation_of_a_bucket_is_tracked_once(cloud: FakeCloud, mocked: None) -> None:
    assert post(cloud, data_body(name="reads", events=["READ"]))[0] == 201
    assert code_of(cloud, data_body(name="both")) == (400, "CTS.0209")
    assert post(cloud, data_body(name="writes", events=["WRITE"]))[0] == 201
    assert code_of(cloud, data_body(name="writes2", events=["WRITE"])) == (400, "CTS.0209")


def test_tracked_bucket_must_be_in_the_project_region(cloud: FakeCloud, mocked: None) -> None:
    cloud.add_bucket("eu-bucket", "eu-west-101")
    assert code_of(cloud, data_body(bucket="eu-bucket")) == (400, "CTS.0211")


def test_is_obs_created_creates_the_transfer_bucket(cloud: FakeCloud, mocked: None) -> None:
    body = system_body(obs_info={"bucket_name": "new-trace-bucket", "is_obs_created": True})
    status, record = post(cloud, body)
    assert status == 201 and record["obs_info"]["is_obs_created"] is True
    assert cloud.obs.bucket("new-trace-bucket") == {"name": "new-trace-bucket", "location": h.REGION}


def test_agency_is_required_or_created() -> None:
    cloud = FakeCloud(default_region=h.REGION)
    cloud.add_credentials(h.AK, h.SK)
    cloud.add_project(h.REGION, h.PID)
    cloud.add_bucket(h.LOGS, h.REGION)
    with cloud.mock():
        assert code_of(cloud, system_body()) == (400, "CTS.0228")
        assert cloud.cts.trackers(h.PID) == [] and cloud.iam.agencies == []
        status, record = post(cloud, system_body(agency_name="cts_admin_trust"))
        assert status == 201 and record["agency_name"] == "cts_admin_trust"
        assert [a["name"] for a in cloud.iam.agencies] == ["cts_admin_trust"]


# ----- UpdateTracker -------------------------------------------------------------------------
def test_update_with_sdk_replaces_the_configuration(cloud: FakeCloud, cts) -> None:
    """UpdateTracker is a PUT: what the body leaves out is reset, not kept (the known trap)."""
    assert post(cloud, data_body(is_support_validate=True, is_lts_enabled=True))[0] == 201
    before = cloud.cts.trackers(h.PID)[0]
    assert before["obs_info"]["bucket_name"] == h.LOGS and before["obs_info"]["bucket_lifecycle"] == 30
    body = UpdateTrackerRequestBody(
        tracker_type="data",
        tracker_name="d1",
        status="disabled",
        obs_info=TrackerObsInfo(file_prefix_name="renamed"),
    )
    response = cts.update_tracker(UpdateTrackerRequest(body=body))
    assert response.status_code == 200
    after = cloud.cts.trackers(h.PID)[0]
    assert after["status"] == "disabled"
    assert after["obs_info"]["file_prefix_name"] == "renamed"
    assert (after["obs_info"]["bucket_name"], after["obs_info"]["bucket_lifecycle"]) == ("", 0)
    assert after["is_support_validate"] is False and after["lts"]["is_lts_enabled"] is False
    kept = ("id", "create_time", "tracker_name", "tracker_type", "project_id", "domain_id", "data_bucket", "tag")
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}


def test_reenabling_clears_detail(cloud: FakeCloud, mocked: None) -> None:
    assert post(cloud, system_body())[0] == 201
    cloud.cts.set_tracker_fields(h.PID, "system", status="error", detail="noBucket")
    assert cloud.cts.trackers(h.PID)[0]["detail"] == "noBucket"
    assert post(cloud, {"tracker_type": "system", "tracker_name": "system", "status": "enabled"}, "PUT") == (200, None)
    record = cloud.cts.trackers(h.PID)[0]
    assert record["status"] == "enabled" and "detail" not in record


def test_update_can_change_data_events(cloud: FakeCloud, mocked: None) -> None:
    assert post(cloud, data_body(events=["READ"]))[0] == 201
    body = {
        "tracker_type": "data",
        "tracker_name": "d1",
        "data_bucket": {"data_bucket_name": h.TRACKED, "data_event": ["READ", "WRITE"]},
    }
    assert post(cloud, body, "PUT")[0] == 200
    assert cloud.cts.trackers(h.PID)[0]["data_bucket"]["data_event"] == ["READ", "WRITE"]


UPDATE_ERRORS = [
    ({"tracker_type": "data", "tracker_name": "nope"}, 404, "CTS.0214"),
    ({"tracker_type": "system", "tracker_name": "system"}, 404, "CTS.0214"),
    ({"tracker_type": "data", "tracker_name": "d1", "status": "paused"}, 400, "CTS.0205"),
    ({"tracker_type": "data", "tracker_name": "d1", "data_bucket": {"data_bucket_name": "other"}}, 400, "CTS.0212"),
    (
        {
            "tracker_type": "data",
            "tracker_name": "d1",
            "data_bucket": {"data_bucket_name": h.TRACKED, "data_event": []},
        },
        400,
        "CTS.0225",
    ),
    (
        {
            "tracker_type": "data",
            "tracker_name": "d1",
            "data_bucket": {"data_bucket_name": h.TRACKED, "data_event": ["WRITE"]},
        },
        400,
        "CTS.0209",
    ),
    ({"tracker_type": "data", "tracker_name": "d1", "obs_info": {"bucket_name": "Bad"}}, 400, "CTS.0231"),
    ({"tracker_type": "data", "tracker_name": "d1", "obs_info": {"bucket_name": h.TRACKED}}, 400, "CTS.0213"),
    ({"tracker_type": "data", "tracker_name": "d1", "obs_info": {"bucket_name": "gone"}}, 400, "CTS.0003"),
    ({"tracker_type": "data", "tracker_name": "d1", "obs_info": {"file_prefix_name": "x y"}}, 400, "CTS.0218"),
    ({"tracker_type": "data", "tracker_name": "d1", "obs_info": {"bucket_lifecycle": 7}}, 400, "CTS.0003"),
    ({"tracker_type": "data", "tracker_name": "d1", "kms_id": "k"}, 400, "CTS.0207"),
    ({"tracker_type": "data", "tracker_name": "d1", "is_lts_enabled": 1}, 400, "CTS.0003"),
    ({"tracker_type": "bogus", "tracker_name": "d1"}, 400, "CTS.0202"),
    ([], 400, "CTS.0003"),
]


@pytest.mark.parametrize(("body", "status", "code"), UPDATE_ERRORS)
def test_update_rejections_change_nothing(cloud: FakeCloud, mocked: None, body: Any, status: int, code: str) -> None:
    assert post(cloud, data_body(events=["READ"]))[0] == 201
    assert post(cloud, data_body(name="w", events=["WRITE"]))[0] == 201
    before = snapshot(cloud)
    assert code_of(cloud, body, "PUT") == (status, code)
    assert snapshot(cloud) == before


def test_update_system_encryption_needs_kms(cloud: FakeCloud, mocked: None) -> None:
    assert post(cloud, system_body())[0] == 201
    enc = {"tracker_type": "system", "tracker_name": "system", "is_support_trace_files_encryption": True}
    assert code_of(cloud, enc, "PUT") == (400, "CTS.0221")
    assert post(cloud, {**enc, "kms_id": "key-1"}, "PUT")[0] == 200
    record = cloud.cts.trackers(h.PID)[0]
    assert record["is_support_trace_files_encryption"] is True and record["kms_id"] == "key-1"


# ----- ListTrackers / DeleteTracker / ListQuotas ---------------------------------------------
def test_list_filters(cloud: FakeCloud, cts) -> None:
    assert post(cloud, system_body())[0] == 201
    assert post(cloud, data_body())[0] == 201
    names = lambda **kw: sorted(t.tracker_name for t in cts.list_trackers(ListTrackersRequest(**kw)).trackers)  # noqa: E731
    assert names() == ["d1", "system"]
    assert names(tracker_type="data") == ["d1"]
    assert names(tracker_type="system") == ["system"]
    assert names(tracker_name="d1") == ["d1"]
    assert names(tracker_name="d1", tracker_type="system") == []
    assert names(tracker_name="nope") == []
    response = h.raw_call(cloud.endpoint("cts"), "GET", TRACKERS_PATH, query=[("tracker_type", "x")])
    assert (response.status_code, response.json()["error_code"]) == (400, "CTS.0202")


def test_list_returns_the_records_the_backend_holds(cloud: FakeCloud, mocked: None) -> None:
    assert post(cloud, data_body())[0] == 201
    response = h.raw_call(cloud.endpoint("cts"), "GET", TRACKERS_PATH)
    assert response.json() == {"trackers": cloud.cts.trackers(h.PID)}


def test_delete_without_name_is_refused(cloud: FakeCloud, cts) -> None:
    assert post(cloud, data_body())[0] == 201
    for request in (
        DeleteTrackerRequest(),
        DeleteTrackerRequest(tracker_type="data"),
        DeleteTrackerRequest(tracker_name="", tracker_type="data"),
    ):
        with pytest.raises(ClientRequestException) as info:
            cts.delete_tracker(request)
        assert (info.value.status_code, info.value.error_code) == (400, "CTS.0003")
        assert "tracker_name is required" in info.value.error_msg
    assert len(cloud.cts.trackers(h.PID)) == 1


def test_delete(cloud: FakeCloud, cts) -> None:
    assert post(cloud, system_body())[0] == 201
    assert post(cloud, data_body())[0] == 201
    for request, code in (
        (DeleteTrackerRequest(tracker_name="nope"), "CTS.0214"),
        (DeleteTrackerRequest(tracker_name="d1", tracker_type="system"), "CTS.0214"),
    ):
        with pytest.raises(ClientRequestException) as info:
            cts.delete_tracker(request)
        assert (info.value.status_code, info.value.error_code) == (404, code)
    assert cts.delete_tracker(DeleteTrackerRequest(tracker_name="d1", tracker_type="data")).status_code == 204
    assert [t["tracker_name"] for t in cloud.cts.trackers(h.PID)] == ["system"]
    assert cts.delete_tracker(DeleteTrackerRequest(tracker_name="system")).status_code == 204
    assert cloud.cts.trackers(h.PID) == []
    assert [c.action for c in cloud.mutating_calls()].count("DeleteTracker") == 4


def test_quotas_count_data_trackers(cloud: FakeCloud, cts) -> None:
    assert post(cloud, system_body())[0] == 201
    assert post(cloud, data_body())[0] == 201
    quota = cts.list_quotas(ListQuotasRequest()).resources
    assert [(q.type, q.used, q.quota) for q in quota] == [("system_tracker", 1, 1), ("data_tracker", 1, 100)]


# ----- seeding and drift ---------------------------------------------------------------------
def test_put_tracker_and_set_fields(cloud: FakeCloud, cts) -> None:
    seeded = cloud.cts.put_tracker(h.PID, {"tracker_name": "system", "obs_info": {"bucket_name": h.LOGS}})
    assert seeded["tracker_type"] == "system" and seeded["status"] == "enabled" and seeded["id"]
    cloud.cts.set_tracker_fields(h.PID, "system", status="error", detail="bucketPolicyError")
    [listed] = cts.list_trackers(ListTrackersRequest()).trackers
    assert (listed.status, listed.detail) == ("error", "bucketPolicyError")
    with pytest.raises(KeyError):
        cloud.cts.set_tracker_fields(h.PID, "nope", status="error")
    assert code_of(cloud, system_body()) == (400, "CTS.0201")


def test_trackers_returns_copies(cloud: FakeCloud, mocked: None) -> None:
    assert post(cloud, data_body())[0] == 201
    cloud.cts.trackers(h.PID)[0]["status"] = "mutated"
    assert cloud.cts.trackers(h.PID)[0]["status"] == "enabled"


def test_concurrent_creates_are_serialized(cloud: FakeCloud) -> None:
    with cloud.serve() as url:

        def create(i: int) -> int:
            return h.raw_call(url, "POST", TRACKER_PATH, data_body(name=f"t{i}", events=["READ"])).status_code

        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(create, range(10)))
    assert sorted(statuses) == [201] + [400] * 9
    assert len(cloud.cts.trackers(h.PID)) == 1


def test_second_organization_tracker_is_refused(cloud: FakeCloud, mocked: None) -> None:
    """CTS.0229: one organization tracker per organization (here: per fake account)."""
    other = cloud.add_project(f"{h.REGION}_other")
    assert post(cloud, system_body(is_organization_tracker=True))[0] == 201
    before = snapshot(cloud)
    body = system_body(is_organization_tracker=True)
    response = h.raw_call(cloud.endpoint("cts"), "POST", f"/v3/{other}/tracker", body, project_id=other)
    assert (response.status_code, response.json()["error_code"]) == (400, "CTS.0229")
    assert snapshot(cloud) == before and cloud.cts.trackers(other) == []
