"""The coordinator's queued member sweep, signed with FANOUT_KEY and verified before it is read.

FunctionGraph's context does not say how an invocation was delivered, so anyone who may invoke
the function could send the coordinator's payload. Only this function holds FANOUT_KEY (an
encrypted variable): the coordinator signs each queued request, and a member invocation acts as
a fan-out (files under the coordinator's run, may raise for FunctionGraph's async retry) only
when the signature holds and has not expired. The request is

    {"action": ..., "all": true, "account_id": "<id>", "dry_run"?, "regions"?,
     "fanout": {"run_id", "issued", "expires", "new_account", "signature"}}

`signature` is the hex HMAC-SHA256, keyed with FANOUT_KEY, of the whole request without
`fanout.signature` as canonical JSON (keys sorted, no blanks, ASCII): every field is bound,
so nothing can be added, dropped or changed. `issued` and `expires` are Unix seconds; a request
is good for at most MAX_EVENT_AGE_SECONDS, the longest FunctionGraph keeps an async event.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any, Dict, NamedTuple, Optional, Tuple

from .envelopes import EventError, Unauthenticated

FANOUT = "fanout"  # the request's field holding the fan-out envelope (and the trigger's name)
SIGNATURE = "signature"
MAX_EVENT_AGE_SECONDS = 86_400  # FunctionGraph's max_async_event_age_in_seconds is at most this
CLOCK_SKEW_SECONDS = 300  # a coordinator's clock a little ahead of the member's is not a forgery
_RUN_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}\Z")
_HEX = re.compile(r"[0-9a-f]{64}\Z")
_ENVELOPE = {"run_id", "issued", "expires", "new_account", SIGNATURE}


class FanOut(NamedTuple):
    """A verified fan-out: the run it belongs to, when the coordinator queued it, and whether the
    account has just joined the organization."""

    run_id: str
    issued: int
    new_account: bool


def canonical(event: Dict[str, Any]) -> bytes:
    """The signed bytes: the request without `fanout.signature`, as canonical JSON."""
    envelope = {key: value for key, value in event[FANOUT].items() if key != SIGNATURE}
    unsigned = {**event, FANOUT: envelope}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _mac(key: str, event: Dict[str, Any]) -> str:
    return hmac.new(key.encode("utf-8"), canonical(event), hashlib.sha256).hexdigest()


def sign(request: Dict[str, Any], run_id: str, new_account: bool, key: str, now: float) -> Dict[str, Any]:
    """`request` (one account's) as the coordinator queues it: with the signed envelope."""
    issued = int(now)
    envelope = {"run_id": run_id, "issued": issued, "expires": issued + MAX_EVENT_AGE_SECONDS}
    envelope["new_account"] = new_account
    event = {**request, FANOUT: envelope}
    envelope[SIGNATURE] = _mac(key, event)
    return event


def verify(event: Dict[str, Any], key: str, now: float) -> Tuple[FanOut, Dict[str, Any]]:
    """The verified fan-out and the request it carries; Unauthenticated when the signature is
    missing, wrong or expired (nothing is read from the request then), EventError when the
    envelope is not one."""
    envelope = event.get(FANOUT)
    if not isinstance(envelope, dict) or set(envelope) - _ENVELOPE:
        raise EventError(f'"{FANOUT}" holds the coordinator\'s signed envelope: {", ".join(sorted(_ENVELOPE))}')
    signature = envelope.get(SIGNATURE)
    if not isinstance(signature, str) or not _HEX.match(signature):
        raise Unauthenticated("unsigned fan-out request: only this function's coordinator queues member sweeps")
    if not key:
        raise Unauthenticated("fan-out request refused: FANOUT_KEY is not set, so no signature can be verified")
    try:
        expected = _mac(key, event)
    except (TypeError, ValueError):  # a value JSON cannot encode: not what the coordinator signed
        expected = ""
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii")):
        raise Unauthenticated(
            "fan-out request refused: its signature does not match (not queued by this function's "
            "coordinator, altered since, or signed with another FANOUT_KEY)"
        )
    issued, expires = _seconds(envelope.get("issued")), _seconds(envelope.get("expires"))
    if issued is None or expires is None:
        raise EventError("fan-out request: issued and expires must be Unix seconds")
    if issued > now + CLOCK_SKEW_SECONDS or expires - issued > MAX_EVENT_AGE_SECONDS:
        raise Unauthenticated("fan-out request refused: its validity is not one the coordinator gives")
    if now > expires:
        raise Unauthenticated(f"fan-out request refused: it expired {int(now - expires)} s ago")
    run_id, new_account = envelope.get("run_id"), envelope.get("new_account", False)
    if not isinstance(run_id, str) or not _RUN_ID.match(run_id) or not isinstance(new_account, bool):
        raise EventError("fan-out request: run_id must be 1-128 letters, digits or _.:- and new_account a boolean")
    request = {name: value for name, value in event.items() if name != FANOUT}
    return FanOut(run_id, issued, new_account), request


def _seconds(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
