"""The OBS signature check (`Authorization: OBS ak:signature`), answered with OBS error codes.

Order: Authorization present and well-formed (403 AccessDenied) -> access key known
(403 InvalidAccessKeyId) -> Date/x-obs-date present and parseable (403 AccessDenied) and within
15 minutes (403 RequestTimeTooSkewed) -> x-obs-security-token sent exactly for temporary keys
and equal to the registered one (403 InvalidSecurity) -> signature (403 SignatureDoesNotMatch).
No message contains the SK or the token.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from fakecloud.core.auth import MAX_CLOCK_SKEW, CredentialStore
from fakecloud.core.dispatch import Request
from fakecloud.core.errors import ServiceError
from fakecloud.obs import signing


def _denied(code: str, msg: str) -> ServiceError:
    return ServiceError(403, code, msg)


def _parse_date(value: str) -> datetime | None:
    """The SDK's `Wed Nov 25 2026 03:17:18 GMT` form or RFC 1123; None if neither."""
    try:
        return datetime.strptime(value.strip(), signing.SDK_DATE_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        pass
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _check_date(request: Request, now: datetime) -> None:
    raw = request.headers.get(signing.DATE_HEADER) or request.headers.get("date")
    if not raw:
        raise _denied("AccessDenied", "Date or x-obs-date header missing.")
    sent = _parse_date(raw)
    if sent is None:
        raise _denied("AccessDenied", "The Date header is not in a recognised format.")
    if abs(now - sent) > MAX_CLOCK_SKEW:
        raise _denied(
            "RequestTimeTooSkewed", "The difference between the request time and the server's time is too large."
        )


def authenticate(store: CredentialStore, request: Request, now: datetime | None = None) -> None:
    """Raise ServiceError(403, OBS code) unless the request is validly signed by a known key."""
    raw = request.headers.get("authorization")
    if raw is None:
        raise _denied("AccessDenied", "Anonymous access is not allowed: Authorization header missing.")
    try:
        auth = signing.parse_authorization(raw)
    except ValueError:
        raise _denied("AccessDenied", "The Authorization header is malformed.") from None
    secret = store.get(auth.access)
    if secret is None:
        raise _denied("InvalidAccessKeyId", "The access key Id you provided does not exist in our records.")
    _check_date(request, now or datetime.now(timezone.utc))
    token = request.headers.get(signing.SECURITY_TOKEN_HEADER)
    if secret.token is None and token is not None:
        raise _denied("InvalidSecurity", "A security token was sent for a permanent access key.")
    if secret.token is not None:
        if token is None:
            raise _denied("InvalidSecurity", "The security token is missing for a temporary access key.")
        if not hmac.compare_digest(token.encode("utf-8"), secret.token.encode("utf-8")):
            raise _denied("InvalidSecurity", "The provided security token is not valid.")
    canonical = signing.canonical_string(
        request.method,
        signing.bucket_from_host(request.host),
        signing.key_from_path(request.path),
        request.query,
        {name: request.headers[name] for name in request.headers},
    )
    if not signing.verify(canonical, auth, secret.sk):
        raise _denied(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.",
        )
