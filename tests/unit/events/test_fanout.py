"""The fan-out request is one type on both sides: what the coordinator builds and signs is what
the member verifies and reads back, byte for byte as docs/organization.md specifies it."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict

import pytest
from helpers.fanout import FANOUT_KEY, signed_fanout

from autotracker.events.envelopes import EventError, Unauthenticated
from autotracker.events.fanout import MAX_EVENT_AGE_SECONDS, FanoutRequest, verify

NOW = 1_790_000_000.0


def built(**options: Any) -> FanoutRequest:
    values: Dict[str, Any] = {"action": "backfill", "account_id": "acc001", "run_id": "run-1", "now": NOW}
    return FanoutRequest.build(**{**values, **options})


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"action": "audit"},
        {"dry_run": True, "regions": ["ap-southeast-1", "eu-west-101"]},
        {"new_account": True},
    ],
    ids=["backfill", "audit", "dry-run-regions", "new-account"],
)
def test_build_payload_verify_gives_back_the_same_request(options: Dict[str, Any]) -> None:
    request = built(**options).signed(FANOUT_KEY)
    payload = json.loads(json.dumps(request.to_payload()))  # as FunctionGraph delivers it
    assert verify(payload, FANOUT_KEY, NOW + 60) == request
    assert request.run_id == "run-1" and request.issued == int(NOW)
    assert request.fanout.expires == int(NOW) + MAX_EVENT_AGE_SECONDS


@pytest.mark.parametrize("action", ["backfill", "audit"])
def test_the_payload_and_signature_are_the_readmes(action: str) -> None:
    """The spec's independent signer (tests/helpers/fanout.py) gives the same bytes and signature."""
    request = built(action=action, new_account=True).signed(FANOUT_KEY)
    wire = {"action": action, "account_id": "acc001", **({"all": True} if action == "backfill" else {})}
    expected = signed_fanout(wire, run_id="run-1", issued=int(NOW), new_account=True)
    assert request.to_payload() == expected


def test_an_unsigned_request_carries_no_signature_and_is_refused() -> None:
    payload = built().to_payload()
    assert "signature" not in payload["fanout"]
    with pytest.raises(Unauthenticated, match="unsigned"):
        verify(payload, FANOUT_KEY, NOW)


def resigned(change: Callable[[Dict[str, Any]], None]) -> Dict[str, Any]:
    """A genuine request changed, then signed again with the right key: only the shape can refuse it."""
    payload = built().to_payload()
    change(payload)
    payload["fanout"].pop("signature", None)
    return signed_fanout(
        {k: v for k, v in payload.items() if k != "fanout"},
        run_id=payload["fanout"]["run_id"],
        issued=payload["fanout"]["issued"],
        new_account=payload["fanout"]["new_account"],
    )


SHAPES: Dict[str, Callable[[Dict[str, Any]], None]] = {
    "unknown field": lambda p: p.update(buckets=["b"]),
    "no account": lambda p: p.pop("account_id"),
    "bad account": lambda p: p.update(account_id="../x"),
    "backfill without all": lambda p: p.pop("all"),
    "action unknown": lambda p: p.update(action="delete"),
    "string for a boolean": lambda p: p.update(dry_run="true"),
    "bad region": lambda p: p.update(regions=["not a region"]),
    "bad run id": lambda p: p["fanout"].update(run_id="run 1"),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_signed_request_of_another_shape_is_refused(shape: str) -> None:
    with pytest.raises(EventError, match="invalid fan-out request") as raised:
        verify(resigned(SHAPES[shape]), FANOUT_KEY, NOW)
    assert not isinstance(raised.value, Unauthenticated)


def test_an_altered_field_breaks_the_signature() -> None:
    payload = built().signed(FANOUT_KEY).to_payload()
    payload["account_id"] = "acc002"
    with pytest.raises(Unauthenticated, match="does not match"):
        verify(payload, FANOUT_KEY, NOW)


def test_an_expired_request_is_refused() -> None:
    payload = built().signed(FANOUT_KEY).to_payload()
    with pytest.raises(Unauthenticated, match="expired"):
        verify(payload, FANOUT_KEY, NOW + MAX_EVENT_AGE_SECONDS + 1)


def test_the_model_is_frozen() -> None:
    request = built()
    with pytest.raises(ValueError):
        request.account_id = "acc002"  # type: ignore[misc]
