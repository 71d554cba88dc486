"""Gateway behaviour before a service sees a request: routes, hosts, projects, call log."""

from __future__ import annotations

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcts.v3 import ListQuotasRequest, ListTrackersRequest
from huaweicloudsdksmn.v2 import PublishMessageRequest, PublishMessageRequestBody

from fakecloud import Call, FakeCloud


def test_unknown_path_is_apigw_0101(cloud: FakeCloud, endpoint) -> None:
    response = h.raw_call(endpoint("cts"), "GET", f"/v3/{h.PID}/nothing-here")
    assert response.status_code == 404
    assert response.json() == {
        "error_code": "APIGW.0101",
        "error_msg": "The API does not exist or has not been published in the environment",
    }
    wrong_method = h.raw_call(endpoint("cts"), "PATCH", f"/v3/{h.PID}/tracker", {})
    assert wrong_method.status_code == 404
    assert [(c.service, c.action, c.status) for c in cloud.calls] == [("unknown", "Unknown", 404)] * 2


def test_client_pointed_at_the_wrong_service_endpoint_gets_404(cloud: FakeCloud, mocked: None) -> None:
    urn = cloud.add_topic("alerts")
    smn_on_cts_host = h.smn_client(cloud.endpoint("cts"))
    with pytest.raises(ClientRequestException) as info:
        smn_on_cts_host.publish_message(
            PublishMessageRequest(topic_urn=urn, body=PublishMessageRequestBody(message="x"))
        )
    assert (info.value.status_code, info.value.error_code) == (404, "APIGW.0101")
    assert cloud.smn.messages == []
    assert h.cts_client("https://cts.myhuaweicloud.cn").list_quotas(ListQuotasRequest()).status_code == 200


def test_localhost_and_other_hosts_serve_any_service(cloud: FakeCloud, mocked: None) -> None:
    for url in ("http://localhost:8080", "http://127.0.0.1", "http://[::1]:9000", "https://fake.example.test"):
        assert h.cts_client(url).list_trackers(ListTrackersRequest()).trackers == []


def _forbidden(call) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as info:
        call()
    assert info.value.status_code == 403
    return info.value


def test_unknown_project_and_project_header_mismatch_are_403(cloud: FakeCloud, endpoint) -> None:
    url = endpoint("cts")
    other = "ffffffffffffffffffffffffffffffff"
    err = _forbidden(lambda: h.cts_client(url, project_id=other).list_trackers(ListTrackersRequest()))
    assert err.error_code == "CTS.0013"
    response = h.raw_call(url, "GET", f"/v3/{h.PID}/trackers", project_id=other)
    assert (response.status_code, response.json()["error_code"]) == (403, "CTS.0013")
    assert h.raw_call(url, "GET", f"/v3/{h.PID}/trackers", project_id=None).status_code == 200


def test_project_from_another_region_is_403(cloud: FakeCloud, mocked: None) -> None:
    eu = cloud.add_project("eu-west-101")
    client = h.cts_client(cloud.endpoint("cts"), project_id=eu)  # ap-southeast-1 endpoint
    assert _forbidden(lambda: client.list_trackers(ListTrackersRequest())).error_code == "CTS.0013"
    good = h.cts_client(cloud.endpoint("cts", "eu-west-101"), project_id=eu)
    assert good.list_trackers(ListTrackersRequest()).trackers == []


def test_call_log_records_requests(cloud: FakeCloud, cts) -> None:
    cts.list_trackers(ListTrackersRequest(tracker_type="data"))
    [call] = cloud.calls
    assert isinstance(call, Call)
    assert (call.service, call.action, call.method, call.status) == ("cts", "ListTrackers", "GET", 200)
    assert call.path == f"/v3/{h.PID}/trackers"
    assert call.query == {"tracker_type": "data"}
    assert call.request_json is None
    assert call.headers["x-project-id"] == h.PID
    assert all(name == name.lower() for name in call.headers)
    assert cloud.calls_of("ListTrackers") == [call]
    assert cloud.mutating_calls() == []
    cloud.reset_calls()
    assert cloud.calls == []
