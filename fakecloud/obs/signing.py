"""OBS V2-style signing, exactly as huaweicloudsdkobs/v1/obs_signer.py does it.

`Authorization: OBS {ak}:{base64(hmac-sha1(sk, StringToSign))}` where StringToSign is

    METHOD\\n
    Content-MD5\\n  Content-Type\\n  Date\\n   (with x-obs-* headers, sorted by lower-case name:
    x-obs-name:value\\n ...               Date is empty when x-obs-date is sent; a missing
    /bucket/key?subresources              Content-MD5/Content-Type signs as empty, a missing
                                          Date (without x-obs-date) contributes no line)

The SDK takes the bucket from the first label of the endpoint's host (port included when
the host has no dot) unless that label is `obs`: `obs.{region}.myhuaweicloud.com` signs `/`,
`127.0.0.1:8080` signs `/127/`, `localhost:9000` signs `/localhost:9000/`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

HEADER_PREFIX = "x-obs-"
META_PREFIX = "x-obs-meta-"
SECURITY_TOKEN_HEADER = "x-obs-security-token"
DATE_HEADER = "x-obs-date"
SDK_DATE_FORMAT = "%a %b %d %Y %H:%M:%S GMT"  # what ObsCredentials puts in `Date`

# Query parameters that are part of the canonical resource: obs_signer's list. The SDK
# compares `key.lower()` against it as written, so its camel-case `bucketStatus` entry can
# never match; dropping it here mirrors that.
SUB_RESOURCES = frozenset(
    name
    for name in (
        "acl backtosource policy torrent logging location storageinfo quota storageclass storagepolicy "
        "requestpayment versions versioning versionid uploads uploadid partnumber website notification "
        "lifecycle deletebucket delete cors restore tagging replication metadata encryption dispolicy "
        "object-lock retention bucketStatus policystatus publicaccessblock append position truncate modify "
        "rename length name fileinterface response-content-type response-content-language response-expires "
        "response-cache-control response-content-disposition response-content-encoding x-image-save-bucket "
        "x-image-save-object x-image-process x-oss-process x-workflow-prefix x-workflow-start x-workflow-limit "
        "x-workflow-template-name x-workflow-graph-name x-workflow-execution-state x-workflow-execution-type "
        "x-workflow-next-marker obsworkflowtriggerpolicy obsbucketalias obsalias"
    ).split()
    if name == name.lower()
)

_AUTH_RE = re.compile(r"^OBS (?P<access>[^:\s]+):(?P<signature>[A-Za-z0-9+/=]+)$")


@dataclass(frozen=True)
class Authorization:
    access: str
    signature: str


def parse_authorization(value: str) -> Authorization:
    """Parse `OBS {ak}:{signature}`; ValueError if malformed."""
    match = _AUTH_RE.match(value.strip())
    if match is None:
        raise ValueError("malformed Authorization header")
    return Authorization(match["access"], match["signature"])


def bucket_from_host(host: str) -> str | None:
    """The bucket the SDK signs for this Host: its first label, unless that is `obs`."""
    label = host.split(".")[0]
    return None if label == "obs" else label


def key_from_path(path: str) -> str:
    """The SDK's object key: the raw (still encoded) first path segment."""
    parts = path.split("/")
    return parts[1] if len(parts) > 1 else ""


def canonical_string(
    method: str,
    bucket: str | None,
    key: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
) -> str:
    interesting: dict[str, str] = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower in ("content-type", "content-md5", "date") or lower.startswith(HEADER_PREFIX):
            interesting[lower] = value
    if DATE_HEADER in interesting:
        interesting["date"] = ""
    interesting.setdefault("content-type", "")
    interesting.setdefault("content-md5", "")
    lines = [method + "\n"]
    for name in sorted(interesting):
        value = interesting[name]
        if name.startswith(META_PREFIX):
            lines.append(f"{name}:{value.strip()}")
        elif name.startswith(HEADER_PREFIX):
            lines.append(f"{name}:{value}")
        else:
            lines.append(value)
        lines.append("\n")
    uri = f"/{bucket}/" if bucket else ""
    if key:
        uri = (uri if uri.endswith("/") else uri + "/") + key
    lines.append(uri or "/")
    sub = ""
    for name, value in sorted(query, key=lambda pair: pair[0]):
        if name.lower() in SUB_RESOURCES or name.lower().startswith(HEADER_PREFIX):
            encoded = quote(name, safe="/")
            sub += f"{encoded}&" if value in ("", " ") else f"{encoded}={value}&"
    if sub:
        lines.append("?" + sub[:-1])
    return "".join(lines)


def sign(canonical: str, sk: str) -> str:
    digest = hmac.new(sk.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def authorization_header(canonical: str, ak: str, sk: str) -> str:
    return f"OBS {ak}:{sign(canonical, sk)}"


def verify(canonical: str, auth: Authorization, sk: str) -> bool:
    return hmac.compare_digest(sign(canonical, sk).encode("ascii"), auth.signature.encode("ascii"))
