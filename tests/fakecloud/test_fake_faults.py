"""Fault injection in both transports; faults never change state and are logged."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcore.exceptions.exceptions import (
    ClientRequestException,
    ConnectionException,
    ServerResponseException,
)
from huaweicloudsdkcts.v3 import (
    CreateTrackerRequest,
    CreateTrackerRequestBody,
    ListQuotasRequest,
    ListTrackersRequest,
)
from huaweicloudsdksmn.v2 import PublishMessageRequest, PublishMessageRequestBody

from fakecloud import FakeCloud


def create_system(client):
    body = CreateTrackerRequestBody(tracker_type="system", tracker_name="system")
    return client.create_tracker(CreateTrackerRequest(body=body))


def test_injected_429_then_success(cloud: FakeCloud, endpoint) -> None:
    client = h.cts_client(endpoint("cts"))
    cloud.faults.inject(status=429, action="CreateTracker", count=3)
    for _ in range(3):
        with pytest.raises(ClientRequestException) as info:
            create_system(client)
        assert (info.value.status_code, info.value.error_code) == (429, "APIGW.0308")
        assert cloud.cts.trackers(h.PID) == []
    assert client.list_trackers(ListTrackersRequest()).trackers == []  # other actions unaffected
    assert create_system(client).status_code == 201
    assert [(c.action, c.status) for c in cloud.calls] == [("CreateTracker", 429)] * 3 + [
        ("ListTrackers", 200),
        ("CreateTracker", 201),
    ]


@pytest.mark.parametrize(("status", "method_code"), [(500, "CTS.0004"), (503, "CTS.0004")])
def test_injected_5xx(cloud: FakeCloud, endpoint, status: int, method_code: str) -> None:
    client = h.cts_client(endpoint("cts"))
    cloud.faults.inject(status=status, service="cts", count=2)
    with pytest.raises(ServerResponseException) as info:
        create_system(client)
    assert (info.value.status_code, info.value.error_code) == (status, method_code)
    with pytest.raises(ServerResponseException) as info:
        client.list_trackers(ListTrackersRequest())
    assert info.value.error_code == "CTS.0005"
    assert cloud.cts.trackers(h.PID) == []
    assert create_system(client).status_code == 201


def test_custom_error_code_and_unlimited_count(cloud: FakeCloud, endpoint) -> None:
    client = h.cts_client(endpoint("cts"))
    cloud.faults.inject(status=403, action="ListTrackers", count=None, error_code="CTS.0013")
    for _ in range(3):
        with pytest.raises(ClientRequestException) as info:
            client.list_trackers(ListTrackersRequest())
        assert info.value.error_code == "CTS.0013"
    cloud.faults.clear()
    assert client.list_trackers(ListTrackersRequest()).status_code == 200


def test_drop_connection(cloud: FakeCloud, endpoint) -> None:
    client = h.cts_client(endpoint("cts"))
    cloud.faults.inject(drop=True, action="CreateTracker", count=1)
    with pytest.raises(ConnectionException):
        create_system(client)
    assert cloud.cts.trackers(h.PID) == []
    assert [(c.action, c.status) for c in cloud.calls] == [("CreateTracker", 0)]
    assert create_system(client).status_code == 201


def test_drop_smn_publish(cloud: FakeCloud, endpoint) -> None:
    urn = cloud.add_topic("alerts")
    client = h.smn_client(endpoint("smn"))
    cloud.faults.inject(drop=True, service="smn")
    request = PublishMessageRequest(topic_urn=urn, body=PublishMessageRequestBody(message="m"))
    with pytest.raises(ConnectionException):
        client.publish_message(request)
    assert cloud.smn.messages == []
    client.publish_message(request)
    assert len(cloud.smn.messages) == 1


def test_faults_apply_after_auth(cloud: FakeCloud, endpoint) -> None:
    cloud.faults.inject(status=500, count=1)
    with pytest.raises(ClientRequestException) as info:
        create_system(h.cts_client(endpoint("cts"), sk="wrong"))
    assert info.value.status_code == 401
    with pytest.raises(ServerResponseException):
        create_system(h.cts_client(endpoint("cts")))


def test_latency_is_concurrent(cloud: FakeCloud, endpoint) -> None:
    url = endpoint("cts")
    cloud.faults.latency(1.0, action="ListTrackers")
    clients = [h.cts_client(url) for _ in range(4)]
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda c: c.list_trackers(ListTrackersRequest()).status_code, clients))
    elapsed = time.monotonic() - start
    assert results == [200] * 4
    assert 1.0 <= elapsed < 4.0  # not four sleeps in a row; 3 s of margin for a loaded machine
    assert cloud.faults.delay("cts", "ListQuotas") == 0.0  # other actions are not delayed
    assert h.cts_client(url).list_quotas(ListQuotasRequest()).status_code == 200


def test_hold_answers_a_request_only_after_another(cloud: FakeCloud, endpoint) -> None:
    url = endpoint("cts")
    cloud.faults.hold("ListQuotas", until="ListTrackers", timeout=60)
    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(lambda: h.cts_client(url).list_quotas(ListQuotasRequest()).status_code)
        assert cloud.faults.until_held(), "the request never reached its hold"
        assert not held.done()
        assert h.cts_client(url).list_trackers(ListTrackersRequest()).status_code == 200
        assert held.result(timeout=30) == 200  # released by the answer, not the hold's 60 s
    assert [call.action for call in cloud.calls] == ["ListTrackers", "ListQuotas"]
    assert cloud.faults.waiting == 0


def test_a_hold_times_out_and_clear_releases_it(cloud: FakeCloud, endpoint) -> None:
    url = endpoint("cts")
    cloud.faults.hold("ListQuotas", until="ListTrackers", timeout=0.05)
    assert h.cts_client(url).list_quotas(ListQuotasRequest()).status_code == 200  # nobody listed trackers
    cloud.faults.clear()
    cloud.faults.hold("ListQuotas", until="ListTrackers", timeout=60)
    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(lambda: h.cts_client(url).list_quotas(ListQuotasRequest()).status_code)
        assert cloud.faults.until_held(), "the request never reached its hold"
        cloud.faults.clear()
        assert held.result(timeout=30) == 200  # released by clear(), not the hold's 60 s
    assert [call.action for call in cloud.calls] == ["ListQuotas", "ListQuotas"]


def _random_statuses(cloud: FakeCloud, url: str, n: int = 30) -> list[int]:
    client = h.cts_client(url)
    out = []
    for _ in range(n):
        try:
            out.append(client.list_trackers(ListTrackersRequest()).status_code)
        except (ClientRequestException, ServerResponseException) as err:
            out.append(err.status_code)
    return out


def test_random_faults_are_deterministic(cloud: FakeCloud, endpoint) -> None:
    url = endpoint("cts")
    cloud.faults.random(rate=0.3, statuses=(429, 500, 503), seed=7)
    first = _random_statuses(cloud, url)
    cloud.faults.random(rate=0.3, statuses=(429, 500, 503), seed=7)
    second = _random_statuses(cloud, url)
    assert first == second
    assert set(first) - {200} and set(first) <= {200, 429, 500, 503}
    assert 3 <= sum(s != 200 for s in first) <= 18
    cloud.faults.random(rate=0.0)
    assert set(_random_statuses(cloud, url, 5)) == {200}


def test_random_faults_never_change_state(cloud: FakeCloud, mocked: None) -> None:
    cloud.faults.random(rate=1.0, statuses=(500,), action="CreateTracker")
    with pytest.raises(ServerResponseException):
        create_system(h.cts_client(cloud.endpoint("cts")))
    assert cloud.cts.trackers(h.PID) == []


def test_invalid_fault_arguments() -> None:
    cloud = FakeCloud()
    with pytest.raises(ValueError):
        cloud.faults.inject()
    with pytest.raises(ValueError):
        cloud.faults.inject(status=500, drop=True)
    with pytest.raises(ValueError):
        cloud.faults.inject(status=500, count=0)
    with pytest.raises(ValueError):
        cloud.faults.random(rate=2)
    with pytest.raises(ValueError):
        cloud.faults.latency(-1)
