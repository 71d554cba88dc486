"""SMN CreateTopic (idempotent) and ListTopics in the fake, through the real SmnClient."""

from __future__ import annotations

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdksmn.v2 import (
    CreateTopicRequest,
    CreateTopicRequestBody,
    ListTopicsRequest,
    PublishMessageRequest,
    PublishMessageRequestBody,
)

from fakecloud import FakeCloud


def create(smn, name: str = "reports", display_name: str = "Reports"):
    return smn.create_topic(CreateTopicRequest(body=CreateTopicRequestBody(name=name, display_name=display_name)))


def test_create_is_idempotent_and_the_topic_is_usable(cloud: FakeCloud, endpoint) -> None:
    smn = h.smn_client(endpoint("smn"))
    first = create(smn)
    assert first.status_code == 201 and first.topic_urn == f"urn:smn:{h.REGION}:{h.PID}:reports"
    again = create(smn)
    assert again.status_code == 200 and again.topic_urn == first.topic_urn
    assert len(cloud.smn.topics) == 1
    body = PublishMessageRequestBody(message="hello")
    smn.publish_message(PublishMessageRequest(topic_urn=first.topic_urn, body=body))
    assert cloud.smn.messages[0]["topic_urn"] == first.topic_urn
    assert [(c.action, c.status) for c in cloud.calls] == [
        ("CreateTopic", 201),
        ("CreateTopic", 200),
        ("PublishMessage", 200),
    ]


def test_list_topics_filters_by_exact_name_and_pages(cloud: FakeCloud, endpoint) -> None:
    smn = h.smn_client(endpoint("smn"))
    for name in ("reports", "reports-old", "alerts"):
        create(smn, name)
    other = cloud.add_project("eu-west-101")
    cloud.add_topic("reports", region="eu-west-101", project_id=other)
    listed = smn.list_topics(ListTopicsRequest(name="reports"))
    assert listed.topic_count == 1
    [topic] = listed.topics
    assert (topic.name, topic.display_name, topic.topic_urn) == (
        "reports",
        "Reports",
        f"urn:smn:{h.REGION}:{h.PID}:reports",
    )
    assert topic.topic_id and topic.create_time
    everything = smn.list_topics(ListTopicsRequest())
    assert everything.topic_count == 3 and len(everything.topics) == 3
    page = smn.list_topics(ListTopicsRequest(offset=1, limit=1))
    assert page.topic_count == 3 and len(page.topics) == 1
    with pytest.raises(ClientRequestException) as info:
        smn.list_topics(ListTopicsRequest(limit=101))
    assert (info.value.status_code, info.value.error_code) == (400, "SMN.0004")


@pytest.mark.parametrize(
    ("name", "display_name", "code"),
    [
        ("-reports", "Reports", "SMN.0002"),
        ("r" * 256, "Reports", "SMN.0002"),
        ("bad name", "Reports", "SMN.0002"),
        ("reports", "", "SMN.0003"),
        ("reports", "é" * 97, "SMN.0003"),
    ],
)
def test_create_rejections(cloud: FakeCloud, smn, name: str, display_name: str, code: str) -> None:
    with pytest.raises(ClientRequestException) as info:
        create(smn, name, display_name)
    assert (info.value.status_code, info.value.error_code) == (400, code)
    assert cloud.smn.topics == []


def test_create_in_another_region_s_project_is_refused(cloud: FakeCloud, mocked) -> None:
    other = cloud.add_project("eu-west-101")
    smn = h.smn_client(cloud.endpoint("smn"), project_id=other)  # right project, wrong regional endpoint
    with pytest.raises(ClientRequestException) as info:
        create(smn)
    assert (info.value.status_code, info.value.error_code) == (403, "SMN.0013")
    smn = h.smn_client(cloud.endpoint("smn", "eu-west-101"), project_id=other)
    assert create(smn).topic_urn == f"urn:smn:eu-west-101:{other}:reports"
