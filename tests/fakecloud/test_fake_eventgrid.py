"""EventGrid's delivery in the fake: a CTS trace reaches a function only through an ACTIVE
EVENTGRID trigger subscribed to its source and `{service}:CloudTrace:{trace_type}` type."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from fc_fgs import URN, create, fgs_client, trigger
from fc_fixtures import *  # noqa: F403 - pytest fixtures

from fakecloud import FakeCloud

TYPES = ("ApiCall", "ObsSDK", "ConsoleAction", "SystemAction", "Others")


def subscribe(cloud: FakeCloud, *types: str, source: str = "HC.OBS") -> None:
    cloud.iam.add_agency("fgs_agency", trust_domain="op_svc_cff")
    client = fgs_client(cloud.endpoint("functiongraph"))
    create(client)
    trigger(
        client,
        "EVENTGRID",
        name="eg",
        trigger_name="eg",
        channel_id="0c4a6e8f-1b2d-4e3f-9a8b-7c6d5e4f3a2b",
        channel_name="default",
        source_name=source,
        event_types=[f"OBS:CloudTrace:{kind}" for kind in types],
    )


def trace(kind: str, **overrides: Any) -> Dict[str, Any]:
    fields = {"service_type": "OBS", "resource_type": "bucket", "trace_name": "createBucket", "trace_type": kind}
    return {**fields, "resource_name": "photos", "code": "200", **overrides}


def test_a_trace_is_delivered_as_a_cloudevent_of_its_type_to_the_subscribed_function(cloud: FakeCloud, mocked) -> None:
    subscribe(cloud, *TYPES)
    for kind in TYPES:
        (queued,) = cloud.fgs.deliver_cloudtrace(trace(kind))
        event = queued.payload
        assert queued.function_urn == URN and (event["source"], event["type"]) == ("HC.OBS", f"OBS:CloudTrace:{kind}")
        assert event["specversion"] == "1.0" and event["data"] == trace(kind) and event["subject"] == "createBucket"
    assert [invocation.payload["type"] for invocation in cloud.fgs.take_async_invocations()] == [
        f"OBS:CloudTrace:{kind}" for kind in TYPES
    ]


@pytest.mark.parametrize(
    ("types", "sent"),
    [
        (("ApiCall", "ConsoleAction"), trace("Others")),  # a type not subscribed to
        (("Others",), trace("Others", read_only=True)),  # cloud-service sources deliver write events only
        (("Others",), trace("Others", service_type="IAM")),  # another source
    ],
)
def test_what_is_not_subscribed_to_is_not_delivered(cloud: FakeCloud, mocked, types, sent) -> None:
    subscribe(cloud, *types)
    assert cloud.fgs.deliver_cloudtrace(sent) == []
    assert cloud.fgs.take_async_invocations() == []


def test_a_trace_without_its_type_is_a_mistake_of_the_test(cloud: FakeCloud) -> None:
    with pytest.raises(ValueError, match="trace_type"):
        cloud.fgs.deliver_cloudtrace({"service_type": "OBS"})
