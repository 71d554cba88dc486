"""cloud/sts.py: the account the credentials act in, from GetCallerIdentity through the SDK to the fake."""

from __future__ import annotations

from autotracker.cloud.gateway import Gateway
from autotracker.cloud.sts import Sts


def test_the_caller_account_is_the_signing_accounts(cloud, gateway: Gateway) -> None:
    with cloud.mock():
        assert gateway.caller_account() == cloud.domain_id
    assert len(cloud.calls_of("GetCallerIdentity")) == 1


def test_the_gateway_takes_these_calls_from_the_sts_class() -> None:
    assert issubclass(Gateway, Sts)
