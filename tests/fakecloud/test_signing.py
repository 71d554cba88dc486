"""SDK-HMAC-SHA256: the published vector, and the gateway's 401s for real SDK traffic."""

from __future__ import annotations

import hashlib

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcts.v3 import CreateTrackerRequest, CreateTrackerRequestBody, ListTrackersRequest

from fakecloud import FakeCloud
from fakecloud.core import signing

VECTOR_CANONICAL = (
    "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n"
    "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n"
    "content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n"
    "content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)
VECTOR_HEADERS = {
    "Content-Type": "application/json",
    "Host": "service.region.example.com",
    "X-Sdk-Date": "20191115T033655Z",
}
VECTOR_SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"


def test_published_vector() -> None:
    canonical = signing.canonical_request(
        "GET",
        "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        [("marker", "13551d6b-755d-4757-b956-536f674975c0"), ("limit", "2")],
        VECTOR_HEADERS,
        signing.signed_header_names(VECTOR_HEADERS),
        b"",
    )
    assert canonical == VECTOR_CANONICAL
    assert hashlib.sha256(canonical.encode()).hexdigest() == (
        "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    )
    to_sign = signing.string_to_sign(canonical, "20191115T033655Z")
    assert signing.sign(to_sign, VECTOR_SK) == "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"


def test_vector_verifies_and_tampering_fails() -> None:
    header = signing.authorization_header(
        "GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs", [("limit", "2")], VECTOR_HEADERS, b"", "AK", VECTOR_SK
    )
    auth = signing.parse_authorization(header)
    assert auth.signed_headers == ("content-type", "host", "x-sdk-date")
    args = ("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs", [("limit", "2")], VECTOR_HEADERS)
    assert signing.verify(*args, b"", auth, VECTOR_SK)
    assert not signing.verify(*args, b"x", auth, VECTOR_SK)
    assert not signing.verify(*args, b"", auth, VECTOR_SK + "x")


def test_canonical_uri_encodes_each_segment_like_the_sdk() -> None:
    path = "/v2/p/notifications/topics/urn%3Asmn%3Aap-southeast-1%3Ap%3At/publish"
    assert signing.canonical_uri(path) == "/v2/p/notifications/topics/urn%3Asmn%3Aap-southeast-1%3Ap%3At/publish/"
    assert signing.canonical_uri("/a b/~x/") == "/a%20b/~x/"
    assert signing.canonical_query([("b", "x y"), ("a", "2"), ("a", "1")]) == "a=1&a=2&b=x%20y"


@pytest.mark.parametrize(
    "bad", ["", "Basic abc", "SDK-HMAC-SHA256 Access=AK", "SDK-HMAC-SHA256 Access=A, SignedHeaders=Host, Signature=00"]
)
def test_parse_authorization_rejects_malformed(bad: str) -> None:
    with pytest.raises(ValueError):
        signing.parse_authorization(bad)


def test_real_sdk_request_passes_in_both_modes(cloud: FakeCloud, endpoint) -> None:
    client = h.cts_client(endpoint("cts"))
    assert client.list_trackers(ListTrackersRequest()).trackers == []
    temp = h.cts_client(endpoint("cts"), ak=h.TMP_AK, sk=h.TMP_SK, token=h.TOKEN)
    assert temp.list_trackers(ListTrackersRequest()).trackers == []
    assert [c.status for c in cloud.calls] == [200, 200]


def _expect_401(call, code: str = "APIGW.0301") -> None:
    with pytest.raises(ClientRequestException) as info:
        call()
    assert info.value.status_code == 401
    assert info.value.error_code == code


def _create_request() -> CreateTrackerRequest:
    return CreateTrackerRequest(body=CreateTrackerRequestBody(tracker_type="system", tracker_name="system"))


def test_wrong_sk_unknown_ak_and_token_mismatches_get_401(cloud: FakeCloud, endpoint) -> None:
    url = endpoint("cts")
    _expect_401(lambda: h.cts_client(url, sk="wrong").create_tracker(_create_request()))
    _expect_401(lambda: h.cts_client(url, ak="UNKNOWNAK").create_tracker(_create_request()))
    _expect_401(lambda: h.cts_client(url, ak=h.TMP_AK, sk=h.TMP_SK).create_tracker(_create_request()))
    _expect_401(lambda: h.cts_client(url, ak=h.TMP_AK, sk=h.TMP_SK, token="other").create_tracker(_create_request()))
    _expect_401(lambda: h.cts_client(url, token=h.TOKEN).create_tracker(_create_request()))
    assert cloud.cts.trackers(h.PID) == []
    assert [c.status for c in cloud.calls] == [401] * 5


def test_tampered_body_is_rejected(cloud: FakeCloud, endpoint) -> None:
    url = endpoint("cts")
    body = {"tracker_type": "system", "tracker_name": "system"}

    def swap_body(request) -> None:
        request.body = b'{"tracker_type": "data", "tracker_name": "evil"}'

    response = h.raw_call(url, "POST", f"/v3/{h.PID}/tracker", body, tamper=swap_body)
    assert response.status_code == 401
    assert response.json()["error_code"] == "APIGW.0301"
    assert h.raw_call(url, "POST", f"/v3/{h.PID}/tracker", body).status_code == 201


def test_tampered_query_and_header_are_rejected(endpoint) -> None:
    url = endpoint("cts")

    def add_query(request) -> None:
        request.uri = request.uri + "?tracker_type=data"

    def change_project_header(request) -> None:
        request.header_params["Content-Type"] = "text/plain"

    path = f"/v3/{h.PID}/trackers"
    assert h.raw_call(url, "GET", path, tamper=add_query).status_code == 401
    assert h.raw_call(url, "GET", path, tamper=change_project_header).status_code == 401
    assert h.raw_call(url, "GET", path, query=[("tracker_type", "data")]).status_code == 200


def test_missing_or_malformed_authorization_and_stale_date(cloud: FakeCloud, endpoint) -> None:
    url = endpoint("cts")
    path = f"/v3/{h.PID}/trackers"

    def drop_auth(request) -> None:
        del request.header_params["Authorization"]

    def garble_auth(request) -> None:
        request.header_params["Authorization"] = "SDK-HMAC-SHA256 nonsense"

    for tamper in (drop_auth, garble_auth):
        response = h.raw_call(url, "GET", path, tamper=tamper)
        assert (response.status_code, response.json()["error_code"]) == (401, "APIGW.0301")
    stale = h.raw_call(url, "GET", path, sdk_date=h.old_date(20))
    assert (stale.status_code, stale.json()["error_code"]) == (401, "APIGW.0303")
    assert h.raw_call(url, "GET", path, sdk_date=h.old_date(5)).status_code == 200

    def garble_date(request) -> None:
        request.header_params["X-Sdk-Date"] = "2024-01-01T00:00:00Z"

    garbage = h.raw_call(url, "GET", path, tamper=garble_date)
    assert (garbage.status_code, garbage.json()["error_code"]) == (401, "APIGW.0303")


def test_unsigned_token_is_rejected(endpoint) -> None:
    def add_unsigned_token(request) -> None:
        request.header_params["X-Security-Token"] = h.TOKEN

    response = h.raw_call(
        endpoint("cts"), "GET", f"/v3/{h.PID}/trackers", ak=h.TMP_AK, sk=h.TMP_SK, tamper=add_unsigned_token
    )
    assert response.status_code == 401
    signed = h.raw_call(endpoint("cts"), "GET", f"/v3/{h.PID}/trackers", ak=h.TMP_AK, sk=h.TMP_SK, token=h.TOKEN)
    assert signed.status_code == 200


def test_secrets_never_leak(cloud: FakeCloud, endpoint) -> None:
    url = endpoint("cts")
    bodies = [
        h.raw_call(url, "GET", f"/v3/{h.PID}/trackers", ak=h.TMP_AK, sk=h.TMP_SK, token="wrong-token").text,
        h.raw_call(url, "GET", f"/v3/{h.PID}/trackers", ak=h.TMP_AK, sk="wrong").text,
        h.raw_call(url, "GET", f"/v3/{h.PID}/trackers", ak=h.TMP_AK, sk=h.TMP_SK, token=h.TOKEN).text,
    ]
    logged = repr(cloud.calls) + repr(cloud.dispatcher.credentials.get(h.TMP_AK))
    for text in [*bodies, logged]:
        for secret in (h.TMP_SK, h.TOKEN, h.SK):
            assert secret not in text
    assert cloud.calls[-1].headers["x-security-token"] == "***"
