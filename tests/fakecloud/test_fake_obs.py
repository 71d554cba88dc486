"""OBS ListBuckets through the real ObsClient, in both transports, plus the OBS signature."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from fc_fixtures import bare_cloud
from huaweicloudsdkcore.exceptions.exceptions import (
    ClientRequestException,
    ConnectionException,
    ServerResponseException,
)
from huaweicloudsdkobs.v1 import ListBucketsRequest
from huaweicloudsdkobs.v1.obs_credentials import ObsCredentials
from huaweicloudsdkobs.v1.obs_signer import OBSSigner

from fakecloud import FakeCloud
from fakecloud.obs import signing

NS = "{http://obs.myhwclouds.com/doc/2015-06-30/}"
CREATED = "2026-01-01T00:00:00.000Z"


def list_buckets(client, location: bool = True):
    """ListBuckets as the function sends it: asking for each bucket's location."""
    invoker = client.list_buckets_invoker(ListBucketsRequest())
    return (invoker.add_header("x-obs-location", "true") if location else invoker).invoke()


def bucket_rows(response) -> list[tuple[str, str, str]]:
    return [(b.name, b.creation_date, b.location) for b in response.buckets.bucket]


def error_code_in(exc: ClientRequestException) -> str:
    """The OBS code from the XML body (the SDK itself cannot parse XML errors)."""
    return ET.fromstring(exc.error_msg).findtext("Code") or ""


@pytest.fixture
def empty_cloud() -> FakeCloud:
    return bare_cloud()


@pytest.fixture(params=["mock", "serve"])
def obs_url(request: pytest.FixtureRequest, empty_cloud: FakeCloud):
    if request.param == "mock":
        with empty_cloud.mock():
            yield empty_cloud.endpoint("obs")
    else:
        with empty_cloud.serve() as base_url:
            yield base_url


# ----- success and deserialisation ---------------------------------------------------------
def test_zero_buckets_leaves_buckets_none(empty_cloud: FakeCloud, obs_url: str) -> None:
    response = list_buckets(h.obs_client(obs_url))
    assert response.status_code == 200
    assert response.owner.id == h.DOMAIN
    # `<Buckets/>` has no text and no children: the SDK's XML-to-dict makes it None, so
    # `response.buckets` is None (as with real OBS), not an empty Buckets.
    assert response.buckets is None
    assert b"<Buckets></Buckets>" in response.raw_content


def test_one_bucket_is_still_a_list(empty_cloud: FakeCloud, obs_url: str) -> None:
    empty_cloud.add_bucket("only-one", "eu-west-101", creation_date=CREATED)
    response = list_buckets(h.obs_client(obs_url))
    assert isinstance(response.buckets.bucket, list)
    assert bucket_rows(response) == [("only-one", CREATED, "eu-west-101")]


def test_many_buckets_all_regions_sorted(empty_cloud: FakeCloud, obs_url: str) -> None:
    for name, region in (("zeta", h.REGION), ("alpha", "cn-north-4"), ("mid.dots-1", h.REGION)):
        empty_cloud.add_bucket(name, region, creation_date=CREATED)
    response = list_buckets(h.obs_client(obs_url))
    assert bucket_rows(response) == [
        ("alpha", CREATED, "cn-north-4"),
        ("mid.dots-1", CREATED, h.REGION),
        ("zeta", CREATED, h.REGION),
    ]
    assert response.x_obs_request_id and len(response.x_obs_request_id) == 32
    (call,) = empty_cloud.calls
    assert (call.service, call.action, call.method, call.path, call.status) == ("obs", "ListBuckets", "GET", "/", 200)


def test_location_only_when_asked(empty_cloud: FakeCloud, obs_url: str) -> None:
    """Real OBS answers `<Location>` only to `x-obs-location: true`, which huaweicloudsdkobs's
    ListBucketsRequest never sends by itself."""
    empty_cloud.add_bucket("only-one", "eu-west-101", creation_date=CREATED)
    response = list_buckets(h.obs_client(obs_url), location=False)
    assert bucket_rows(response) == [("only-one", CREATED, None)]
    assert b"<Location>" not in response.raw_content
    assert b"<BucketType>OBJECT</BucketType>" in response.raw_content


def test_wire_format(empty_cloud: FakeCloud, obs_url: str) -> None:
    empty_cloud.add_bucket("b1", h.REGION, creation_date=CREATED)
    response = h.obs_raw_call(obs_url, headers={"x-obs-location": "true"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml"
    assert response.headers["x-obs-request-id"] and "X-Request-Id" not in response.headers  # OBS's own id only
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    root = ET.fromstring(response.content)
    assert root.tag == f"{NS}ListAllMyBucketsResult"
    assert root.findtext(f"{NS}Owner/{NS}ID") == h.DOMAIN
    bucket = root.find(f"{NS}Buckets/{NS}Bucket")
    assert bucket is not None
    assert [(child.tag[len(NS) :], child.text) for child in bucket] == [
        ("Name", "b1"),
        ("CreationDate", CREATED),
        ("Location", h.REGION),
        ("BucketType", "OBJECT"),
    ]


def test_default_creation_date_is_obs_format(empty_cloud: FakeCloud, mocked: None) -> None:
    empty_cloud.add_bucket("b", h.REGION)
    ((_, created, _),) = empty_cloud.obs.list_buckets()
    assert time.strptime(created, "%Y-%m-%dT%H:%M:%S.%fZ")
    assert created.endswith("Z") and len(created) == len(CREATED)


def test_temporary_credentials(empty_cloud: FakeCloud, obs_url: str) -> None:
    empty_cloud.add_bucket("b", h.REGION)
    response = list_buckets(h.obs_client(obs_url, h.TMP_AK, h.TMP_SK, h.TOKEN))
    assert [b.name for b in response.buckets.bucket] == ["b"]
    assert empty_cloud.calls[0].headers["x-obs-security-token"] == "***"


def test_localhost_endpoint_signs_with_its_own_first_label(empty_cloud: FakeCloud) -> None:
    """`127.0.0.1:PORT` signs bucket `127`, `localhost:PORT` signs `localhost:PORT`."""
    empty_cloud.add_bucket("b", h.REGION)
    with empty_cloud.serve() as base_url:
        port = base_url.rsplit(":", 1)[1]
        for url in (base_url, f"http://localhost:{port}"):
            assert [b.name for b in list_buckets(h.obs_client(url)).buckets.bucket] == ["b"]
    with empty_cloud.mock():
        for url in ("http://localhost:9000", "http://127.0.0.1", "https://obs.myhuaweicloud.com"):
            assert list_buckets(h.obs_client(url)).status_code == 200


# ----- authentication failures -------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"sk": "wrong-secret"}, "SignatureDoesNotMatch"),
        ({"ak": "UNKNOWNAK"}, "InvalidAccessKeyId"),
        ({"ak": h.TMP_AK, "sk": h.TMP_SK, "token": "another-token"}, "InvalidSecurity"),
        ({"ak": h.TMP_AK, "sk": h.TMP_SK}, "InvalidSecurity"),  # temporary key without its token
        ({"token": h.TOKEN}, "InvalidSecurity"),  # token sent with a permanent key
    ],
)
def test_sdk_auth_failures_are_403_xml(empty_cloud: FakeCloud, obs_url: str, kwargs: dict, code: str) -> None:
    with pytest.raises(ClientRequestException) as info:
        list_buckets(h.obs_client(obs_url, **kwargs))
    err = info.value
    # The SDK's DefaultExceptionHandler only parses JSON: error_code falls back to the status.
    assert (err.status_code, err.error_code) == (403, "403")
    assert error_code_in(err) == code
    # ... and takes the request id from `X-Request-Id`, which OBS does not send: the id is in the
    # XML body and in `x-obs-request-id` (the function's gateway reads both)
    assert err.request_id is None and ET.fromstring(err.error_msg).findtext("RequestId")
    assert h.SK not in err.error_msg and h.TOKEN not in err.error_msg
    (call,) = empty_cloud.calls
    assert (call.action, call.status, call.error_code) == ("ListBuckets", 403, code)


def raw_code(response) -> str:
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/xml"
    return ET.fromstring(response.content).findtext("Code") or ""


def test_genuine_raw_request_verifies(empty_cloud: FakeCloud, obs_url: str) -> None:
    assert h.obs_raw_call(obs_url).status_code == 200
    assert h.obs_raw_call(obs_url, headers={"x-obs-meta-note": "spaced value  "}).status_code == 200
    assert h.obs_raw_call(obs_url, headers={"x-obs-date": h.obs_date()}).status_code == 200
    assert h.obs_raw_call(obs_url, query=[("acl", "")]).status_code == 200
    rfc1123 = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())
    assert h.obs_raw_call(obs_url, headers={"Date": rfc1123}).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda hd: hd.update({"Content-Type": "text/plain"}),
        lambda hd: hd.update({"Date": h.obs_date(minutes_ago=1)}),
        lambda hd: hd.update({"x-obs-meta-extra": "1"}),
        lambda hd: hd.update({"Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg=="}),
        lambda hd: hd.update({"Authorization": f"OBS {h.AK}:{'A' * 27}="}),
    ],
)
def test_tampered_headers_do_not_verify(empty_cloud: FakeCloud, obs_url: str, tamper) -> None:
    assert raw_code(h.obs_raw_call(obs_url, tamper=tamper)) == "SignatureDoesNotMatch"


def test_tampered_resource_does_not_verify(empty_cloud: FakeCloud, obs_url: str) -> None:
    assert raw_code(h.obs_raw_call(obs_url, sign_host="otherbucket.obs.example.com")) == "SignatureDoesNotMatch"
    assert raw_code(h.obs_raw_call(obs_url, send_query=[("acl", "")])) == "SignatureDoesNotMatch"
    assert raw_code(h.obs_raw_call(obs_url, query=[("acl", "")], send_query=[])) == "SignatureDoesNotMatch"
    assert h.obs_raw_call(obs_url, send_query=[("unsigned-param", "x")]).status_code == 200  # not a sub-resource


def test_other_auth_failures(empty_cloud: FakeCloud, obs_url: str) -> None:
    def drop_auth(headers: dict) -> None:
        del headers["Authorization"]

    assert raw_code(h.obs_raw_call(obs_url, tamper=drop_auth)) == "AccessDenied"
    assert raw_code(h.obs_raw_call(obs_url, tamper=lambda hd: hd.update({"Authorization": "OBS nocolon"}))) == (
        "AccessDenied"
    )
    assert raw_code(h.obs_raw_call(obs_url, headers={"Date": h.obs_date(minutes_ago=20)})) == "RequestTimeTooSkewed"
    assert raw_code(h.obs_raw_call(obs_url, headers={"Date": "yesterday"})) == "AccessDenied"
    token_swapped = h.obs_raw_call(
        obs_url,
        ak=h.TMP_AK,
        sk=h.TMP_SK,
        token=h.TOKEN,
        tamper=lambda hd: hd.update({"x-obs-security-token": "forged"}),
    )
    assert raw_code(token_swapped) == "InvalidSecurity"
    assert h.obs_raw_call(obs_url, ak=h.TMP_AK, sk=h.TMP_SK, token=h.TOKEN).status_code == 200
    assert [c.status for c in empty_cloud.calls] == [403] * 5 + [200]


def test_project_header_if_sent_must_be_known(empty_cloud: FakeCloud, obs_url: str) -> None:
    assert h.obs_raw_call(obs_url, headers={"X-Project-Id": h.PID}).status_code == 200
    unknown = h.obs_raw_call(obs_url, headers={"X-Project-Id": "ffffffffffffffffffffffffffffffff"})
    assert raw_code(unknown) == "AccessDenied"


# ----- routing -------------------------------------------------------------------------------
def test_root_path_only_on_obs_hosts(cloud: FakeCloud, mocked: None) -> None:
    with pytest.raises(ClientRequestException) as info:
        list_buckets(h.obs_client(cloud.endpoint("cts")))
    assert (info.value.status_code, info.value.error_code) == (404, "APIGW.0101")  # JSON gateway error
    response = h.obs_raw_call(cloud.endpoint("obs"), path="/v3/nothing")
    assert (response.status_code, response.json()["error_code"]) == (404, "APIGW.0101")
    assert [b.name for b in list_buckets(h.obs_client(cloud.endpoint("obs"))).buckets.bucket] == [
        h.LOGS,
        h.TRACKED,
    ]
    assert [(c.service, c.action, c.status) for c in cloud.calls] == [
        ("obs", "ListBuckets", 404),
        ("unknown", "Unknown", 404),
        ("obs", "ListBuckets", 200),
    ]


# ----- faults --------------------------------------------------------------------------------
def test_faults(empty_cloud: FakeCloud, obs_url: str) -> None:
    empty_cloud.add_bucket("b", h.REGION)
    client = h.obs_client(obs_url)
    empty_cloud.faults.inject(status=503, action="ListBuckets", count=1)
    empty_cloud.faults.inject(status=500, service="obs", count=1)
    empty_cloud.faults.inject(drop=True, action="ListBuckets", count=1)
    empty_cloud.faults.inject(status=403, service="obs", count=1, error_code="AllAccessDisabled")
    with pytest.raises(ServerResponseException) as info:
        list_buckets(client)
    assert (info.value.status_code, info.value.error_code) == (503, "503")
    assert ET.fromstring(info.value.error_msg).findtext("Code") == "ServiceUnavailable"
    with pytest.raises(ServerResponseException) as info:
        list_buckets(client)
    assert ET.fromstring(info.value.error_msg).findtext("Code") == "InternalError"
    with pytest.raises(ConnectionException):
        list_buckets(client)
    with pytest.raises(ClientRequestException) as client_info:
        list_buckets(client)
    assert error_code_in(client_info.value) == "AllAccessDisabled"
    assert [b.name for b in list_buckets(client).buckets.bucket] == ["b"]
    assert [(c.action, c.status, c.error_code) for c in empty_cloud.calls] == [
        ("ListBuckets", 503, "ServiceUnavailable"),
        ("ListBuckets", 500, "InternalError"),
        ("ListBuckets", 0, None),
        ("ListBuckets", 403, "AllAccessDisabled"),
        ("ListBuckets", 200, None),
    ]


def test_faults_apply_after_auth_and_429(empty_cloud: FakeCloud, obs_url: str) -> None:
    empty_cloud.faults.inject(status=429, action="ListBuckets", count=None)
    with pytest.raises(ClientRequestException) as info:
        list_buckets(h.obs_client(obs_url, sk="wrong"))
    assert error_code_in(info.value) == "SignatureDoesNotMatch"
    with pytest.raises(ClientRequestException) as info:
        list_buckets(h.obs_client(obs_url))
    assert (info.value.status_code, info.value.error_code) == (429, "429")  # SDK Retry on GET 429
    assert raw_code_any(h.obs_raw_call(obs_url), 429) == "TooManyRequests"


def raw_code_any(response, status: int) -> str:
    assert response.status_code == status
    return ET.fromstring(response.content).findtext("Code") or ""


def test_latency_and_random_faults(empty_cloud: FakeCloud, obs_url: str) -> None:
    client = h.obs_client(obs_url)
    empty_cloud.faults.latency(0.3, service="obs")
    start = time.monotonic()
    list_buckets(client)
    assert time.monotonic() - start >= 0.3
    empty_cloud.faults.clear()
    empty_cloud.faults.random(rate=1.0, statuses=(500,), service="obs")
    with pytest.raises(ServerResponseException):
        list_buckets(client)
    empty_cloud.faults.random(rate=0.0)
    assert list_buckets(client).status_code == 200


# ----- scale ---------------------------------------------------------------------------------
def test_ten_thousand_buckets_are_listed(empty_cloud: FakeCloud, obs_url: str) -> None:
    for i in range(10_000):
        empty_cloud.add_bucket(f"bucket-{i:05d}", h.REGION if i % 2 else "cn-north-4")
    response = list_buckets(h.obs_client(obs_url))
    buckets = response.buckets.bucket
    assert len(buckets) == 10_000
    assert buckets[0].name == "bucket-00000" and buckets[-1].name == "bucket-09999"
    assert buckets[1].location == h.REGION


# ----- the signature itself ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "bucket", "key", "query", "headers"),
    [
        ("GET", None, "", [], {"Content-Type": "application/json", "Date": "Wed Nov 25 2026 03:17:18 GMT"}),
        ("GET", "127", "", [], {"Date": "d", "x-obs-security-token": "t"}),
        ("PUT", "b", "obj%20key", [("acl", ""), ("uploadId", "u1"), ("foo", "bar")], {"Content-MD5": "m"}),
        ("GET", "b", "", [("x-obs-thing", " "), ("versions", "")], {"x-obs-date": "now", "Date": "ignored"}),
        ("GET", None, "", [], {"x-obs-meta-A": "  padded  ", "X-OBS-Acl": " raw ", "Other": "x"}),
        ("GET", None, "", [("bucketStatus", "1")], {}),
    ],
)
def test_canonical_string_matches_sdk(method, bucket, key, query, headers) -> None:
    sdk = OBSSigner._OBSSigner__make_canonical_string(method, bucket, key, query, dict(headers))
    assert signing.canonical_string(method, bucket, key, query, headers) == sdk
    creds = ObsCredentials("AK", "SK")
    expected = OBSSigner.doAuth(creds, method, bucket, key, query, dict(headers))["Authorization"]
    assert signing.authorization_header(sdk, "AK", "SK") == expected


def test_bucket_from_host_mirrors_sdk() -> None:
    assert signing.bucket_from_host("obs.ap-southeast-1.myhuaweicloud.com") is None
    assert signing.bucket_from_host("127.0.0.1:8080") == "127"
    assert signing.bucket_from_host("localhost:9000") == "localhost:9000"
    assert signing.bucket_from_host("mybucket.obs.cn-north-4.myhuaweicloud.com") == "mybucket"
    assert signing.parse_authorization("OBS ak:c2ln").access == "ak"
    with pytest.raises(ValueError):
        signing.parse_authorization("SDK-HMAC-SHA256 Access=x")


# ----- where a bucket is: GetBucketLocation and HEAD bucket ---------------------------------
def test_get_bucket_location_on_the_bucket_host(empty_cloud: FakeCloud) -> None:
    empty_cloud.add_bucket("logs-eu", "eu-west-101")
    with empty_cloud.mock():
        response = h.obs_raw_call("https://logs-eu.obs.ap-southeast-1.myhuaweicloud.com", query=[("location", "")])
        missing = h.obs_raw_call("https://nope-bucket.obs.ap-southeast-1.myhuaweicloud.com", query=[("location", "")])
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert (root.tag, root.text) == (f"{NS}Location", "eu-west-101")
    assert [call.action for call in empty_cloud.calls] == ["GetBucketLocation", "GetBucketLocation"]
    assert missing.status_code == 404
    assert ET.fromstring(missing.content).findtext("Code") == "NoSuchBucket"


def test_head_bucket_names_its_region(empty_cloud: FakeCloud) -> None:
    from huaweicloudsdkobs.v1.model.get_bucket_metadata_request import GetBucketMetadataRequest

    empty_cloud.add_bucket("logs-eu", "eu-west-101")
    with empty_cloud.mock():
        client = h.obs_client(empty_cloud.endpoint("obs"))
        response = client.get_bucket_metadata(GetBucketMetadataRequest(bucket_name="logs-eu"))
        with pytest.raises(ClientRequestException) as missing:
            client.get_bucket_metadata(GetBucketMetadataRequest(bucket_name="nope-bucket"))
    assert response.x_obs_bucket_location == "eu-west-101"
    assert [(c.action, c.method, c.status) for c in empty_cloud.calls] == [
        ("GetBucketMetadata", "HEAD", 200),
        ("GetBucketMetadata", "HEAD", 404),
    ]
    assert missing.value.status_code == 404
