"""Contract tests: the services' own documentation examples (fixtures/, sources in SOURCES.md)
are the ground truth; the fake follows them, and the function does the right thing with them.

(a) The fake's answers have the documented fields, with the documented JSON types.
(b) The function, fed the documented answers at the HTTP boundary with `responses` (no fake at
    all), produces the right outcome.
"""

from __future__ import annotations

import json
import pathlib
import re
import xml.etree.ElementTree as ET
from typing import Any, Dict, Iterator

import fc_helpers as h
import index
import pytest
import responses
from helpers.world import AK, PROJECT_ID, REGION, SK, TOKEN, TRACE_BUCKET, FakeContext, bucket_event, make_cloud
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcts.v3 import CreateTrackerRequest, CtsClient, ListQuotasRequest
from huaweicloudsdkiam.v3 import IamClient, KeystoneListProjectsRequest
from huaweicloudsdkobs.v1 import ListBucketsRequest, ObsClient
from huaweicloudsdkobs.v1.obs_credentials import ObsCredentials
from huaweicloudsdksmn.v2 import PublishMessageRequest, SmnClient

from autotracker.pipeline.tracker_request import CreateTrackerBody
from fakecloud import FakeCloud

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def doc(name: str) -> Any:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text


def shape(value: Any) -> Any:
    """Field names and JSON types, recursively (lists by their first item)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def assert_has_documented_shape(actual: Any, documented: Any, where: str = "$") -> None:
    """Every documented field is present with the documented type (the fake may say more)."""
    if isinstance(documented, dict):
        assert isinstance(actual, dict), f"{where}: expected an object"
        for key, item in documented.items():
            assert key in actual, f"{where}.{key}: documented but missing"
            assert_has_documented_shape(actual[key], item, f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(actual, list), f"{where}: expected a list"
        if documented and actual:
            assert_has_documented_shape(actual[0], documented[0], f"{where}[0]")
    elif documented is not None and actual is not None:
        assert shape(actual) == shape(documented), f"{where}: {actual!r} is not like {documented!r}"


def without_ns(tag: str) -> str:
    return tag.split("}", 1)[-1]


def xml_paths(element: ET.Element, prefix: str = "") -> set:
    path = f"{prefix}/{without_ns(element.tag)}"
    found = {path}
    for child in element:
        found |= xml_paths(child, path)
    return found


# ----- (a) the fake against the documented examples ----------------------------------------
@pytest.fixture
def fake() -> Iterator[FakeCloud]:
    cloud = make_cloud()
    cloud.add_agency("cts_admin_trust")
    cloud.add_credentials(h.AK, h.SK)  # the key the fake's raw-request helpers sign with
    with cloud.mock():
        yield cloud


def cts(cloud: FakeCloud) -> CtsClient:
    credentials = BasicCredentials(AK, SK, PROJECT_ID).with_security_token(TOKEN)
    return CtsClient.new_builder().with_credentials(credentials).with_endpoints([cloud.endpoint("cts")]).build()


def test_fake_create_tracker_answers_like_the_documented_response(fake: FakeCloud) -> None:
    """The documented management-tracker request (with our transfer bucket and a KMS key), answered
    like the documented 201 body."""
    body = doc("cts_create_tracker_request_system.json")
    body["obs_info"]["bucket_name"] = TRACE_BUCKET
    CreateTrackerBody.model_validate(body)  # the documented request passes our own rules
    response = cts(fake).create_tracker(CreateTrackerRequest(body=body))
    assert response.status_code == 201
    assert_has_documented_shape(response.to_json_object(), doc("cts_create_tracker_response.json"))


def test_the_documented_data_tracker_request_breaks_the_pages_own_bucket_rule(fake: FakeCloud) -> None:
    """The docs' example transfer bucket `saveTraceBucket` has capitals, which the same page forbids:
    our request model refuses it, and so does the fake (CTS.0231)."""
    body = doc("cts_create_tracker_request_data.json")
    assert body["obs_info"]["bucket_name"] == "saveTraceBucket"
    fake.add_bucket(body["data_bucket"]["data_bucket_name"], REGION)  # only the transfer bucket is wrong
    with pytest.raises(ValueError, match="bucket name"):
        CreateTrackerBody.model_validate(body)
    with pytest.raises(Exception) as refused:
        cts(fake).create_tracker(CreateTrackerRequest(body=body))
    assert getattr(refused.value, "error_code", None) == "CTS.0231"


def test_fake_list_quotas_is_the_documented_shape(fake: FakeCloud) -> None:
    answer = cts(fake).list_quotas(ListQuotasRequest()).to_json_object()
    documented = doc("cts_list_quotas_response.json")
    assert_has_documented_shape(answer, documented)
    assert {r["type"] for r in answer["resources"]} == {r["type"] for r in documented["resources"]}


def test_fake_smn_publish_and_error_are_the_documented_shapes(fake: FakeCloud) -> None:
    credentials = BasicCredentials(AK, SK, PROJECT_ID).with_security_token(TOKEN)
    client = SmnClient.new_builder().with_credentials(credentials).with_endpoints([fake.endpoint("smn")]).build()
    topic = f"urn:smn:{REGION}:{PROJECT_ID}:autotracker-reports"
    answer = client.publish_message(PublishMessageRequest(topic_urn=topic, body=doc("smn_publish_request.json")))
    assert_has_documented_shape(answer.to_json_object(), doc("smn_publish_response.json"))
    with pytest.raises(Exception) as missing:
        client.publish_message(PublishMessageRequest(topic_urn=topic + "-gone", body=doc("smn_publish_request.json")))
    assert (missing.value.status_code, missing.value.error_code) == (404, "SMN.0006")
    path = f"/v2/{PROJECT_ID}/notifications/topics/{topic}-gone/publish"
    raw = h.raw_call(fake.endpoint("smn"), "POST", path, doc("smn_publish_request.json"), project_id=PROJECT_ID)
    fake_error, documented = raw.json(), doc("smn_error_response.json")
    assert (raw.status_code, set(fake_error)) == (404, set(documented))
    assert_has_documented_shape(fake_error, documented)
    assert fake_error["code"] == documented["code"]


def test_fake_obs_listing_is_the_documented_document(fake: FakeCloud) -> None:
    client = (
        ObsClient.new_builder()
        .with_credentials(ObsCredentials(AK, SK, TOKEN))
        .with_endpoints([fake.endpoint("obs")])
        .build()
    )
    invoker = client.list_buckets_invoker(ListBucketsRequest()).add_header("x-obs-location", "true")
    raw = invoker.invoke().raw_content.decode("utf-8")
    documented = doc("obs_list_buckets_response.xml")
    assert raw.startswith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    assert xml_paths(ET.fromstring(raw)) == xml_paths(ET.fromstring(documented.split("?>", 1)[1]))


def test_fake_bucket_location_is_the_documented_document(fake: FakeCloud) -> None:
    answer = h.obs_raw_call(f"https://photos-2026.obs.{REGION}.myhuaweicloud.com", query=[("location", "")])
    documented = ET.fromstring(doc("obs_get_bucket_location_response.xml").split("?>", 1)[1])
    mine = ET.fromstring(answer.content)
    assert (without_ns(mine.tag), mine.text) == (without_ns(documented.tag), REGION)
    assert re.match(r"\{http://obs\.[^}]+/doc/2015-06-30/\}", mine.tag)


def test_fake_project_listing_is_the_documented_shape(fake: FakeCloud) -> None:
    credentials = BasicCredentials(AK, SK, PROJECT_ID).with_security_token(TOKEN)
    client = IamClient.new_builder().with_credentials(credentials).with_endpoints([fake.endpoint("iam")]).build()
    answer = client.keystone_list_projects(KeystoneListProjectsRequest()).to_json_object()
    assert_has_documented_shape(answer, doc("iam_list_projects_response.json"))


# ----- (b) the function against the documented answers -------------------------------------
ENV = {
    "RUNTIME_PROJECT_ID": PROJECT_ID,
    "REGION": REGION,
    "TRACE_BUCKET": TRACE_BUCKET,
    "SMN_TOPIC_URN": f"urn:smn:{REGION}:{PROJECT_ID}:autotracker-reports",
    "RETRY_BASE_DELAY_MS": "1",
    "RAISE_ON_TRANSIENT": "false",
}


@pytest.fixture
def docs_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[responses.RequestsMock]:
    """The function's environment, and an HTTP boundary that answers only what a test registers."""
    from helpers.world import index_env_names

    for name in [*index_env_names(), "CLOUD_SDK_AK", "CLOUD_SDK_SK"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def json_answer(status: int, body: Any) -> Dict[str, Any]:
    return {"status": status, "body": json.dumps(body), "content_type": "application/json"}


def new_bucket_event(docs_only: responses.RequestsMock, publish_status: int, publish_answer: str) -> Dict[str, Any]:
    """A new bucket's event answered with the documented CreateTracker 201 and the given publish answer."""
    created = doc("cts_create_tracker_response.json")
    docs_only.add(responses.POST, re.compile(r"https://cts\..*/v3/.*/tracker$"), **json_answer(201, created))
    publish = json_answer(publish_status, doc(publish_answer))
    docs_only.add(responses.POST, re.compile(r"https://smn\..*/publish$"), **publish)
    return index.handler(bucket_event("photos-2026"), FakeContext())


def test_a_new_bucket_with_the_documented_create_and_publish_answers(docs_only: responses.RequestsMock) -> None:
    created = doc("cts_create_tracker_response.json")
    result = new_bucket_event(docs_only, 200, "smn_publish_response.json")
    (row,) = result["results"]
    assert (row["outcome"], row["tracker"]["id"]) == ("created", created["id"])
    assert result["notification"]["message_id"] == doc("smn_publish_response.json")["message_id"]
    assert result["ok"] is True


def test_the_documented_smn_error_is_reported(docs_only: responses.RequestsMock) -> None:
    result = new_bucket_event(docs_only, 404, "smn_error_response.json")
    assert result["notification"]["error"] == {"code": "SMN.0006", "message": "Topic not found.", "request_id": None}
    assert result["ok"] is False


def test_the_documented_bucket_listing_places_buckets_in_their_regions(docs_only: responses.RequestsMock) -> None:
    """An audit of cn-north-4 and cn-east-3 with the documented listings: each bucket is filed in
    the region its `<Location>` names; with no project in those regions it is reported, not guessed."""
    docs_only.add(
        responses.GET,
        re.compile(r"https://obs\..*/$"),
        body=doc("obs_list_buckets_response.xml"),
        content_type="application/xml",
        match=[responses.matchers.header_matcher({"x-obs-location": "true"})],
    )
    docs_only.add(
        responses.GET,
        re.compile(r"https://iam\..*/v3/projects"),
        **json_answer(200, doc("iam_list_projects_response.json")),
    )
    docs_only.add(
        responses.POST, re.compile(r"https://smn\..*/publish$"), **json_answer(200, doc("smn_publish_response.json"))
    )
    result = index.handler({"action": "audit", "regions": ["cn-north-4", "cn-east-3"]}, FakeContext())
    rows = {r["target"]["name"]: r for r in result["results"] if r["target"] and r["target"]["kind"] == "bucket"}
    assert rows["examplebucket01"]["error"]["code"] == "NoProject"
    assert "'cn-north-4'" in rows["examplebucket01"]["reason"]
    assert "'cn-east-3'" in rows["examplebucket02"]["reason"]


def test_functiongraphs_own_cts_trigger_template_is_read(docs_only: responses.RequestsMock) -> None:
    """The console's test template (`resource_id: {}`, empty times) is a FunctionGraph trace:
    skipped with a reason, nothing sent but the report."""
    docs_only.add(
        responses.POST, re.compile(r"https://smn\..*/publish$"), **json_answer(200, doc("smn_publish_response.json"))
    )
    result = index.handler(doc("functiongraph_cts_trigger_event.json"), FakeContext())
    (row,) = result["results"]
    assert row["outcome"] == "skipped" and "FunctionGraph" in row["reason"]
    assert result["error"] is None
