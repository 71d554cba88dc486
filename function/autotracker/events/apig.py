"""The APIG trigger: a manual request in an HTTP body from an authenticated caller, answered as
an HTTP response.

Who may call: the API must use IAM authentication (the deployer never creates it with `NONE`);
APIG then checks the caller's token or AK/SK signature before the function runs. The function
refuses (401, nothing done, no report) a request that shows no authenticated caller: neither an
identity in `requestContext` (`authorizer` / `identity`, with a user or domain id) nor the IAM
credentials APIG verified (`X-Auth-Token`, or an `SDK-HMAC-SHA256` Authorization header). The
caller id used for rate limiting is that identity, or a hash of the credential (never the
credential itself).
"""

import base64
import binascii
import hashlib
import json
import re
import threading
import time
from typing import Any, Dict, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from ..contract import ErrorCode
from ..untrusted import UntrustedJsonError, parse_json
from .envelopes import EventError, Unauthenticated

MAX_BODY_BYTES = 64 * 1024


class ApigEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    httpMethod: str
    body: Optional[str] = None
    isBase64Encoded: bool = False


_ACCESS = re.compile(r"SDK-HMAC-SHA256\s+Access=([A-Za-z0-9]{1,128})")
_IDENTITY_KEYS = ("user_id", "userId", "user", "domain_id", "domainId", "principalId", "caller")


def caller_of(event: Dict[str, Any]) -> str:
    """The authenticated caller's id; Unauthenticated when the request shows none."""
    context = event.get("requestContext")
    if isinstance(context, dict):
        for section in ("authorizer", "identity"):
            found = context.get(section)
            if isinstance(found, dict):
                for key in _IDENTITY_KEYS:
                    value = found.get(key)
                    if isinstance(value, str) and value.strip():
                        return f"{key}:{value.strip()[:128]}"
    headers = event.get("headers")
    lowered = {str(k).lower(): v for k, v in headers.items()} if isinstance(headers, dict) else {}
    token = lowered.get("x-auth-token")
    if isinstance(token, str) and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode("utf-8")).hexdigest()[:16]
    authorization = lowered.get("authorization")
    signed = _ACCESS.match(authorization.strip()) if isinstance(authorization, str) else None
    if signed:
        return "access-key:" + hashlib.sha256(signed.group(1).encode("utf-8")).hexdigest()[:16]
    raise Unauthenticated(
        "authentication required: call this API with IAM authentication (a token or an AK/SK signature)"
    )


class ReportLimiter:
    """At most one SMN report per caller per `interval` seconds, in this function instance (a
    warm container); the other answers carry their result only. Bounded: the oldest callers go."""

    def __init__(self, interval: float = 60.0, size: int = 1024):
        self._interval = interval
        self._size = size
        self._last: Dict[str, float] = {}
        self._lock = threading.Lock()

    def allow(self, caller: str) -> bool:
        now = time.monotonic()
        with self._lock:
            last = self._last.get(caller)
            if last is not None and now - last < self._interval:
                return False
            self._last.pop(caller, None)
            self._last[caller] = now
            while len(self._last) > self._size:
                self._last.pop(next(iter(self._last)))
            return True


REPORTS = ReportLimiter()


def request_body(event: Dict[str, Any]) -> Dict[str, Any]:
    """The JSON object in the HTTP body; EventError says why it is not one."""
    try:
        apig = ApigEvent.model_validate(event)
    except ValidationError as error:
        fields = ", ".join(sorted({str(item["loc"][0]) for item in error.errors() if item.get("loc")}))
        raise EventError(f"invalid APIG event: bad {fields}") from None
    if apig.httpMethod.upper() != "POST":
        raise EventError("use POST with a JSON body")
    raw = apig.body or ""
    if apig.isBase64Encoded:
        try:
            raw = base64.b64decode(raw, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise EventError("body is marked base64 but is not valid base64 UTF-8") from None
    if len(raw.encode("utf-8")) > MAX_BODY_BYTES:
        raise EventError(f"body larger than {MAX_BODY_BYTES} bytes")
    try:
        payload = parse_json(raw)
    except UntrustedJsonError as error:
        raise EventError(f"body is {error}") from None
    if not isinstance(payload, dict):
        raise EventError("body must be a JSON object")
    return payload


def _refused(results: Any) -> bool:
    """Every entry an OutOfScope refusal: the request named an account this function may not act in."""
    codes = [(entry.get("error") or {}).get("code") if isinstance(entry, dict) else None for entry in results]
    return bool(codes) and all(code == ErrorCode.OUT_OF_SCOPE for code in codes)


def http_response(result: Dict[str, Any]) -> Dict[str, Any]:
    error = result.get("error") or {}
    if result.get("ok"):
        status = 200
    elif error.get("code") == ErrorCode.UNAUTHENTICATED:
        status = 401
    elif error.get("code") == ErrorCode.INVALID_EVENT:
        status = 400
    elif error:
        status = 500
    elif _refused(result.get("results") or []):
        status = 403  # the account named may not be acted in: refused, nothing done
    else:
        status = 207  # the request was valid; some targets need attention (see results)
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(result),
        "isBase64Encoded": False,
    }
