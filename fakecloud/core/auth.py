"""Credential store and the per-request AK/SK check the API gateway performs.

Failures carry only generic messages: neither the SK nor the security token ever appears in
a response, a log line or an exception.
"""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from fakecloud.core import signing
from fakecloud.core.errors import ServiceError

MAX_CLOCK_SKEW = timedelta(minutes=15)
_AUTH_FAILED = "APIGW.0301"
_BAD_DATE = "APIGW.0303"


@dataclass(frozen=True)
class _Secret:
    """A known key pair; repr hides the secrets."""

    sk: str = field(repr=False)
    token: str | None = field(default=None, repr=False)


class CredentialStore:
    """Access keys the fake accepts, each with its SK and optional security token."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, _Secret] = {}

    def add(self, ak: str, sk: str, security_token: str | None = None) -> None:
        if not ak or not sk:
            raise ValueError("ak and sk must be non-empty")
        with self._lock:
            self._keys[ak] = _Secret(sk, security_token)

    def get(self, ak: str) -> _Secret | None:
        with self._lock:
            return self._keys.get(ak)


def _fail(msg: str, code: str = _AUTH_FAILED) -> ServiceError:
    return ServiceError(401, code, f"Incorrect IAM authentication information: {msg}")


def _check_date(value: str | None, now: datetime) -> None:
    if value is None:
        raise _fail("X-Sdk-Date header missing", _BAD_DATE)
    try:
        sent = datetime.strptime(value, signing.DATE_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        raise _fail("X-Sdk-Date is not in %Y%m%dT%H%M%SZ format", _BAD_DATE) from None
    if abs(now - sent) > MAX_CLOCK_SKEW:
        raise _fail("X-Sdk-Date differs from server time by more than 15 minutes", _BAD_DATE)


def authenticate(
    store: CredentialStore,
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: dict[str, str],
    body: bytes,
    now: datetime | None = None,
) -> None:
    """Raise ServiceError(401) unless the request is validly signed by a known key.

    `headers` must have lower-case names.
    """
    raw = headers.get("authorization")
    if raw is None:
        raise _fail("Authorization header missing")
    try:
        auth = signing.parse_authorization(raw)
    except ValueError:
        raise _fail("Authorization header malformed") from None
    secret = store.get(auth.access)
    if secret is None:
        raise _fail("access key unknown")
    if "host" not in auth.signed_headers or "x-sdk-date" not in auth.signed_headers:
        raise _fail("SignedHeaders must include host and x-sdk-date")
    _check_date(headers.get("x-sdk-date"), now or datetime.now(timezone.utc))
    token = headers.get("x-security-token")
    if secret.token is None and token is not None:
        raise _fail("security token sent for a permanent access key")
    if secret.token is not None:
        if token is None or "x-security-token" not in auth.signed_headers:
            raise _fail("security token missing or not signed")
        if not hmac.compare_digest(token.encode("utf-8"), secret.token.encode("utf-8")):
            raise _fail("security token invalid")
    if not signing.verify(method, path, query, headers, body, auth, secret.sk):
        raise _fail("verify aksk signature fail")
