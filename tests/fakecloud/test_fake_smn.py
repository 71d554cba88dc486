"""SMN PublishMessage rules of the fake."""

from __future__ import annotations

import json
from typing import Any

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdksmn.v2 import PublishMessageRequest, PublishMessageRequestBody

from fakecloud import FakeCloud


def publish(smn, urn: str, **body: Any):
    return smn.publish_message(PublishMessageRequest(topic_urn=urn, body=PublishMessageRequestBody(**body)))


def test_publish_records_the_message(cloud: FakeCloud, endpoint) -> None:
    urn = cloud.add_topic("alerts")
    assert urn == f"urn:smn:{h.REGION}:{h.PID}:alerts"
    smn = h.smn_client(endpoint("smn"))
    structure = json.dumps({"default": "d", "email": "e", "sms": "short text"})
    response = publish(smn, urn, subject="Tracker created", message_structure=structure, time_to_live="3600")
    assert response.status_code == 200 and response.message_id and response.request_id
    [message] = cloud.smn.messages
    assert message["topic_urn"] == urn and message["subject"] == "Tracker created"
    assert message["message_structure"] == structure and message["time_to_live"] == "3600"
    assert message["message"] is None and message["message_id"] == response.message_id
    [call] = cloud.calls_of("PublishMessage")
    assert call.path == f"/v2/{h.PID}/notifications/topics/{urn}/publish"
    assert call.request_json["subject"] == "Tracker created"
    assert cloud.mutating_calls() == []


def test_limits_at_the_edge_are_accepted(cloud: FakeCloud, smn) -> None:
    urn = cloud.add_topic("alerts")
    publish(smn, urn, subject="é" * 256, message="m" * (256 * 1024))
    publish(smn, urn, message_structure=json.dumps({"default": "d", "sms": "s" * 490}))
    publish(smn, urn, message_template_name="tmpl")
    assert len(cloud.smn.messages) == 3


SMN_ERRORS = [
    ({"subject": "x" * 513, "message": "m"}, 403, "SMN.0008"),
    ({"subject": "é" * 257, "message": "m"}, 403, "SMN.0008"),
    ({"message": "m" * (256 * 1024 + 1)}, 403, "SMN.0009"),
    ({"message": "é" * (128 * 1024 + 1)}, 403, "SMN.0009"),
    ({"subject": "only a subject"}, 400, "SMN.0004"),
    ({"message_structure": "not json"}, 400, "SMN.0021"),
    ({"message_structure": json.dumps(["default"])}, 400, "SMN.0021"),
    ({"message_structure": json.dumps({"email": "e"})}, 400, "SMN.0021"),
    ({"message_structure": json.dumps({"default": ""})}, 400, "SMN.0021"),
    ({"message_structure": json.dumps({"default": "d", "sms": "s" * 491})}, 400, "SMN.0021"),
    ({"message_structure": json.dumps({"default": "d", "sms": "see [link]"})}, 400, "SMN.0021"),
    ({"message_structure": json.dumps({"default": "d", "sms": "【签名】text"})}, 400, "SMN.0021"),
]


@pytest.mark.parametrize(("body", "status", "code"), SMN_ERRORS)
def test_publish_rejections(cloud: FakeCloud, smn, body: dict, status: int, code: str) -> None:
    urn = cloud.add_topic("alerts")
    with pytest.raises(ClientRequestException) as info:
        publish(smn, urn, **body)
    assert (info.value.status_code, info.value.error_code) == (status, code)
    assert cloud.smn.messages == []


@pytest.mark.parametrize(
    ("urn", "status", "code"),
    [
        ("not-a-urn", 400, "SMN.0005"),
        (f"urn:smn:{h.REGION}:{h.PID}", 400, "SMN.0005"),
        (f"urn:smn:{h.REGION}:{h.PID}:bad name", 400, "SMN.0005"),
        (f"urn:smn:{h.REGION}:{h.PID}:unknown", 404, "SMN.0006"),
        (f"urn:smn:{h.REGION}:ffffffffffffffffffffffffffffffff:alerts", 404, "SMN.0006"),
    ],
)
def test_topic_urn_errors(cloud: FakeCloud, smn, urn: str, status: int, code: str) -> None:
    cloud.add_topic("alerts")
    with pytest.raises(ClientRequestException) as info:
        publish(smn, urn, message="m")
    assert (info.value.status_code, info.value.error_code) == (status, code)


def test_body_must_be_an_object(cloud: FakeCloud, mocked: None) -> None:
    urn = cloud.add_topic("alerts")
    path = f"/v2/{h.PID}/notifications/topics/{urn.replace(':', '%3A')}/publish"
    for body in (b"[]", b"{bad", b""):
        response = h.raw_call(cloud.endpoint("smn"), "POST", path, body)
        assert (response.status_code, response.json()["code"]) == (400, "SMN.0004")
    assert cloud.smn.messages == []


def test_unknown_project_is_403(cloud: FakeCloud, mocked: None) -> None:
    urn = cloud.add_topic("alerts")
    smn = h.smn_client(cloud.endpoint("smn"), project_id="ffffffffffffffffffffffffffffffff")
    with pytest.raises(ClientRequestException) as info:
        publish(smn, urn, message="m")
    assert (info.value.status_code, info.value.error_code) == (403, "SMN.0013")
