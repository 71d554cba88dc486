"""cloud/smn.py: PublishMessage through the SDK to the fake topic."""

from __future__ import annotations

import json

from helpers.world import PROJECT_ID, REGION, TOPIC_URN

from autotracker.cloud.gateway import Gateway
from autotracker.cloud.smn import Smn


def test_a_published_message_reaches_the_topic(cloud, gateway: Gateway) -> None:
    body = {"subject": "s", "message_structure": json.dumps({"default": "d", "email": "e", "sms": "m"})}
    with cloud.mock():
        answer = gateway.publish(TOPIC_URN, REGION, PROJECT_ID, body)
    assert answer.get("message_id")
    assert len(cloud.calls_of("PublishMessage")) == 1


def test_the_gateway_takes_these_calls_from_the_smn_class() -> None:
    assert issubclass(Gateway, Smn)
