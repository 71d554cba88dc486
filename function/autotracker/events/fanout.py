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

Both sides hold it as one type, `FanoutRequest`: the coordinator builds, signs and queues its
`to_payload()`; the member checks the signature on the JSON as it came, then reads that JSON
strictly into the same model (a field not listed above, or of another type, is refused).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any, Dict, List, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..settings import ACCOUNT_ID, REGION
from .envelopes import EventError, Unauthenticated, describe

FANOUT = "fanout"  # the request's field holding the fan-out envelope (and the trigger's name)
SIGNATURE = "signature"
MAX_EVENT_AGE_SECONDS = 86_400  # FunctionGraph's max_async_event_age_in_seconds is at most this
CLOCK_SKEW_SECONDS = 300  # a coordinator's clock a little ahead of the member's is not a forgery
_RUN_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}\Z")
_HEX = re.compile(r"[0-9a-f]{64}\Z")
_ENVELOPE = {"run_id", "issued", "expires", "new_account", SIGNATURE}
_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)  # built on the first fan-out


class Envelope(BaseModel):
    """The coordinator's run, when it queued the request, whether the account has just joined
    the organization, and the signature over all of it ("" until signed)."""

    model_config = _STRICT

    run_id: str
    issued: int = Field(ge=0)
    expires: int = Field(ge=0)
    new_account: bool = False
    signature: str = ""

    @field_validator("run_id")
    @classmethod
    def _run_id(cls, value: str) -> str:
        if not _RUN_ID.match(value):
            raise ValueError("run_id must be 1-128 letters, digits or _.:-")
        return value


class FanoutRequest(BaseModel):
    """One member account's sweep as the coordinator queues it and the member reads it: the one
    description of the request on both sides."""

    model_config = _STRICT

    action: Literal["backfill", "audit"]
    account_id: str
    all: bool = False
    dry_run: bool = False
    regions: Optional[List[str]] = Field(default=None, min_length=1, max_length=64)
    fanout: Envelope

    @field_validator("account_id")
    @classmethod
    def _account(cls, value: str) -> str:
        if not ACCOUNT_ID.match(value):
            raise ValueError(f"account id {value[:80]!r} must be 1-64 letters or digits")
        return value

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: Optional[List[str]]) -> Optional[List[str]]:
        for region in value or []:
            if not REGION.match(region):
                raise ValueError(f"{region[:80]!r} is not a region id")
        return value

    @model_validator(mode="after")
    def _scope(self) -> "FanoutRequest":
        if self.action == "backfill" and not self.all:
            raise ValueError('a fan-out backfill sweeps the whole account: "all": true')
        return self

    @classmethod
    def build(
        cls,
        action: str,
        account_id: str,
        run_id: str,
        now: float,
        new_account: bool = False,
        dry_run: bool = False,
        regions: Optional[List[str]] = None,
    ) -> "FanoutRequest":
        """An unsigned request issued `now`, good for MAX_EVENT_AGE_SECONDS."""
        issued = int(now)
        envelope = Envelope(
            run_id=run_id, issued=issued, expires=issued + MAX_EVENT_AGE_SECONDS, new_account=new_account
        )
        return cls.model_validate(
            {
                "action": action,
                "account_id": account_id,
                "all": action == "backfill",
                "dry_run": dry_run,
                "regions": list(regions) if regions else None,
                FANOUT: envelope,
            }
        )

    def to_payload(self) -> Dict[str, Any]:
        """The request as queued: `all`, `dry_run` and `regions` only when set, the whole envelope
        (the signature only once signed)."""
        payload = self.model_dump(exclude_defaults=True, exclude={FANOUT})
        envelope = self.fanout.model_dump(exclude={SIGNATURE} if not self.fanout.signature else None)
        return {**payload, FANOUT: envelope}

    def signed(self, key: str) -> "FanoutRequest":
        """The same request with its signature, keyed with FANOUT_KEY."""
        envelope = self.fanout.model_copy(update={SIGNATURE: _mac(key, self.to_payload())})
        return self.model_copy(update={FANOUT: envelope})

    @property
    def run_id(self) -> str:
        return self.fanout.run_id

    @property
    def issued(self) -> int:
        return self.fanout.issued

    @property
    def new_account(self) -> bool:
        return self.fanout.new_account


def canonical(event: Dict[str, Any]) -> bytes:
    """The signed bytes: the request without `fanout.signature`, as canonical JSON."""
    envelope = {key: value for key, value in event[FANOUT].items() if key != SIGNATURE}
    unsigned = {**event, FANOUT: envelope}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _mac(key: str, event: Dict[str, Any]) -> str:
    return hmac.new(key.encode("utf-8"), canonical(event), hashlib.sha256).hexdigest()


def verify(event: Dict[str, Any], key: str, now: float) -> FanoutRequest:
    """The verified request; Unauthenticated when the signature is missing, wrong or expired
    (nothing is read from the request then), EventError when it is not the coordinator's shape.
    The signature is checked on the event as it came, then the same event becomes the model."""
    envelope = event.get(FANOUT)
    if not isinstance(envelope, dict) or set(envelope) - _ENVELOPE:
        raise EventError(f'"{FANOUT}" holds the coordinator\'s signed envelope: {", ".join(sorted(_ENVELOPE))}')
    signature = envelope.get(SIGNATURE)
    if not isinstance(signature, str) or not _HEX.match(signature):
        raise Unauthenticated("unsigned fan-out request: only this function's coordinator queues member sweeps")
    if not key:
        raise Unauthenticated("fan-out request refused: FANOUT_KEY is not set, so no signature can be verified")
    try:
        body = canonical(event)
    except (TypeError, ValueError):  # a value JSON cannot encode: not what the coordinator signed
        body = b""
    expected = hmac.new(key.encode("utf-8"), body, hashlib.sha256).hexdigest() if body else ""
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii")):
        raise Unauthenticated(
            "fan-out request refused: its signature does not match (not queued by this function's "
            "coordinator, altered since, or signed with another FANOUT_KEY)"
        )
    request = parse(event)
    issued, expires = request.fanout.issued, request.fanout.expires
    if issued > now + CLOCK_SKEW_SECONDS or expires - issued > MAX_EVENT_AGE_SECONDS:
        raise Unauthenticated("fan-out request refused: its validity is not one the coordinator gives")
    if now > expires:
        raise Unauthenticated(f"fan-out request refused: it expired {int(now - expires)} s ago")
    return request


def parse(event: Dict[str, Any]) -> FanoutRequest:
    """The event as the model (strict, unknown fields refused); EventError names the problem."""
    try:
        return FanoutRequest.model_validate_json(json.dumps(event))
    except ValidationError as error:
        raise EventError("invalid fan-out request: " + "; ".join(describe(item) for item in error.errors())) from None
