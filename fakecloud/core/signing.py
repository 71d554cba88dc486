"""SDK-HMAC-SHA256 request signing, exactly as huaweicloudsdkcore/signer/signer.py does it.

Pure functions, so the server side can recompute a signature from the bytes on the wire and
tests can check the published test vector.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_HASH = hashlib.sha256(b"").hexdigest()
CONTENT_HASH_HEADER = "x-sdk-content-sha256"

_AUTH_RE = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=(?P<access>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-fA-F]+)\s*$"
)


def url_encode(value: str) -> str:
    """Percent-encode with only '~' safe beyond alphanumerics and '-._' (the SDK's rule)."""
    return quote(value, safe="~")


def canonical_uri(path: str) -> str:
    """URL-decode the path, re-encode each segment, and always end with '/'."""
    encoded = "/".join(url_encode(segment) for segment in unquote(path).split("/"))
    return encoded if encoded.endswith("/") else encoded + "/"


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Sorted (key, value) pairs, each side encoded, '&'-joined."""
    return "&".join(f"{url_encode(k)}={url_encode(v)}" for k, v in sorted(pairs))


def canonical_headers(headers: Mapping[str, str], signed_headers: Sequence[str]) -> str:
    """`name:value.strip()` lines for the signed headers, each ending in a newline."""
    lowered = {name.lower(): value for name, value in headers.items()}
    return "".join(f"{name}:{lowered[name].strip()}\n" for name in signed_headers)


def payload_hash(body: bytes, headers: Mapping[str, str]) -> str:
    """sha256 hex of the body; the empty hash for no body; X-Sdk-Content-Sha256 when sent."""
    if not body:
        return EMPTY_HASH
    for name, value in headers.items():
        if name.lower() == CONTENT_HASH_HEADER:
            return value
    return hashlib.sha256(body).hexdigest()


def canonical_request(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    body: bytes,
) -> str:
    """METHOD, URI, query, headers, signed header list and payload hash, newline-joined."""
    return "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(query),
            canonical_headers(headers, signed_headers),
            ";".join(signed_headers),
            payload_hash(body, headers),
        ]
    )


def string_to_sign(canonical: str, sdk_date: str) -> str:
    """`SDK-HMAC-SHA256\\n{X-Sdk-Date}\\n{sha256hex(canonical request)}`."""
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{sdk_date}\n{digest}"


def sign(to_sign: str, sk: str) -> str:
    """Hex HMAC-SHA256 of the string to sign, keyed with the secret key."""
    return hmac.new(sk.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def signed_header_names(headers: Mapping[str, str]) -> list[str]:
    """What the SDK signs: every header whose name has no '_', lower-cased and sorted."""
    return sorted(name.lower() for name in headers if "_" not in name)


@dataclass(frozen=True)
class Authorization:
    """The parsed `Authorization` header."""

    access: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(value: str) -> Authorization:
    """Parse `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`; ValueError if not."""
    match = _AUTH_RE.match(value.strip())
    if match is None:
        raise ValueError("malformed Authorization header")
    signed = tuple(match["signed"].split(";"))
    if any(not name or name != name.lower() for name in signed):
        raise ValueError("malformed SignedHeaders")
    return Authorization(match["access"], signed, match["signature"].lower())


def authorization_header(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    body: bytes,
    ak: str,
    sk: str,
) -> str:
    """Client side: sign like the SDK (headers must already hold Host and X-Sdk-Date)."""
    names = signed_header_names(headers)
    sdk_date = next(v for k, v in headers.items() if k.lower() == "x-sdk-date")
    canonical = canonical_request(method, path, query, headers, names, body)
    signature = sign(string_to_sign(canonical, sdk_date), sk)
    return f"{ALGORITHM} Access={ak}, SignedHeaders={';'.join(names)}, Signature={signature}"


def verify(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    body: bytes,
    auth: Authorization,
    sk: str,
) -> bool:
    """Recompute the signature over the signed headers and compare in constant time."""
    lowered = {name.lower(): value for name, value in headers.items()}
    if any(name not in lowered for name in auth.signed_headers) or "x-sdk-date" not in lowered:
        return False
    canonical = canonical_request(method, path, query, lowered, auth.signed_headers, body)
    expected = sign(string_to_sign(canonical, lowered["x-sdk-date"]), sk)
    return hmac.compare_digest(expected, auth.signature)
