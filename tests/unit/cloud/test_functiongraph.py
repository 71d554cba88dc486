"""cloud/functiongraph.py: AsyncInvokeFunction queues the payload on the URN's function; retried
only when the invocation surely was not queued."""

from __future__ import annotations

import pytest

from autotracker.cloud.errors import CloudError
from autotracker.cloud.functiongraph import FunctionGraph
from autotracker.cloud.gateway import Gateway
from fakecloud import FakeCloud


def test_the_payload_is_queued_on_the_function_the_urn_names(cloud: FakeCloud, gateway: Gateway) -> None:
    urn = cloud.add_function("cts-autotracker")
    with cloud.mock():
        request_id = gateway.invoke_async(urn, {"fanout": {"account_id": "a" * 32}})
    (queued,) = cloud.fgs.take_async_invocations()
    assert queued.function_urn == urn and queued.payload == {"fanout": {"account_id": "a" * 32}}
    assert request_id == queued.request_id
    (call,) = cloud.calls_of("AsyncInvokeFunction")
    assert call.request_json == {"fanout": {"account_id": "a" * 32}}


def test_a_throttled_invocation_is_retried_and_queued_once(cloud: FakeCloud, gateway: Gateway) -> None:
    urn = cloud.add_function("cts-autotracker")
    cloud.faults.inject(429, action="AsyncInvokeFunction")
    with cloud.mock():
        gateway.invoke_async(urn, {"n": 1})
    assert [call.status for call in cloud.calls_of("AsyncInvokeFunction")] == [429, 202]
    assert len(cloud.fgs.take_async_invocations()) == 1


def test_a_lost_answer_is_not_repeated_since_it_may_have_been_queued(cloud: FakeCloud, gateway: Gateway) -> None:
    urn = cloud.add_function("cts-autotracker")
    cloud.faults.inject(drop=True, action="AsyncInvokeFunction", after=True)
    with cloud.mock(), pytest.raises(CloudError):
        gateway.invoke_async(urn, {"n": 1})
    assert len(cloud.calls_of("AsyncInvokeFunction")) == 1
    assert len(cloud.fgs.take_async_invocations()) == 1  # it was queued: a retry would have run it twice


def test_an_oversized_payload_is_refused_permanently(cloud: FakeCloud, gateway: Gateway) -> None:
    urn = cloud.add_function("cts-autotracker")
    with cloud.mock(), pytest.raises(CloudError) as refused:
        gateway.invoke_async(urn, {"blob": "x" * 300_000})
    assert refused.value.status == 413 and not refused.value.transient
    assert len(cloud.calls_of("AsyncInvokeFunction")) == 1
    assert cloud.fgs.take_async_invocations() == []


def test_the_gateway_takes_these_calls_from_the_functiongraph_class() -> None:
    assert issubclass(Gateway, FunctionGraph)
