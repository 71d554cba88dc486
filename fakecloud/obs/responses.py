"""OBS wire layer: ListBuckets (`GET /`), GetBucketLocation (`GET /?location` on a bucket's
host), GetBucketMetadata (`HEAD /` on a bucket's host), ListObjects (`GET /` on a bucket's host:
`prefix`, `marker`, `max-keys` at most 1000, `<ListBucketResult>` with `IsTruncated` and
`NextMarker`), GetObject (`GET /{key}`: the body, its Content-Type and ETag; `NoSuchKey`)
and OBS's XML error bodies.

ListBuckets answers `<Location>` per bucket only when asked with `x-obs-location: true`, as the
OBS API does (the official SDKs' `isQueryLocation`); `huaweicloudsdkobs` does not ask by itself.

Responses are `Content-Type: application/xml` exactly: the SDK only parses XML bodies when
the header is that string. Every OBS response carries `x-obs-request-id` and `x-obs-id-2`, and
no `X-Request-Id` (OBS's common response headers).

An OBS error is OBS's documented XML body (`<Error><Code/><Message/><RequestId/><HostId/>`,
the ids matching the headers). The SDK's DefaultExceptionHandler reads JSON and `X-Request-Id`
only: with it an OBS error surfaces as `error_code == str(status)` (e.g. "403"), the whole XML as
`error_msg` and no request id, so a client must read the XML itself.
"""

from __future__ import annotations

import base64
import uuid
from urllib.parse import unquote
from xml.sax.saxutils import escape

from fakecloud.core.dispatch import Request, Response
from fakecloud.core.errors import ServiceError
from fakecloud.obs.models import ObsBackend

XMLNS = "http://obs.myhwclouds.com/doc/2015-06-30/"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
BUCKET_TYPE = "OBJECT"  # POSIX (parallel file systems) is not modelled
_LOCAL_SUFFIXES = (".localhost", ".127.0.0.1")


def bucket_of_host(host: str) -> str | None:
    """The bucket a virtual-hosted request names: `{bucket}.obs.{region}.myhuaweicloud.com`, or
    `{bucket}.localhost` / `{bucket}.127.0.0.1` for a local endpoint; None for the service host."""
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if ".obs." in name:
        return name.split(".obs.", 1)[0] or None
    for suffix in _LOCAL_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)] or None
    return None


def wants_location(request: Request) -> bool:
    return request.headers.get("x-obs-location", "").strip().lower() == "true"


def _ids() -> dict[str, str]:
    request_id = uuid.uuid4().hex.upper()
    id2 = base64.b64encode(uuid.uuid4().bytes * 2).decode("ascii")
    return {"x-obs-request-id": request_id, "x-obs-id-2": id2}


def xml_response(status: int, body: str, error_code: str | None = None) -> Response:
    return Response(status, body.encode("utf-8"), {"Content-Type": "application/xml", **_ids()}, error_code=error_code)


def obs_error(status: int, code: str, msg: str) -> Response:
    """`<Error><Code/><Message/><RequestId/><HostId/></Error>`, the ids matching the headers."""
    headers = {"Content-Type": "application/xml", **_ids()}
    body = (
        f"{_XML_HEAD}<Error><Code>{escape(code)}</Code><Message>{escape(msg)}</Message>"
        f"<RequestId>{headers['x-obs-request-id']}</RequestId><HostId>{headers['x-obs-id-2']}</HostId></Error>"
    )
    return Response(status, body.encode("utf-8"), headers, error_code=code)


class ObsResponses:
    def __init__(self, backend: ObsBackend, domain_id: str) -> None:
        self.backend = backend
        self.domain_id = domain_id

    def list_buckets(self, request: Request, params: dict[str, str]) -> Response:
        with_location = wants_location(request) and not self.backend.listing_omits_location
        parts = [
            f'{_XML_HEAD}<ListAllMyBucketsResult xmlns="{XMLNS}">',
            f"<Owner><ID>{escape(self.domain_id)}</ID></Owner><Buckets>",
        ]
        parts.extend(
            f"<Bucket><Name>{escape(name)}</Name><CreationDate>{created}</CreationDate>"
            + (f"<Location>{escape(location)}</Location>" if with_location else "")
            + f"<BucketType>{BUCKET_TYPE}</BucketType></Bucket>"
            for name, created, location in self.backend.list_buckets()
        )
        parts.append("</Buckets></ListAllMyBucketsResult>")
        return xml_response(200, "".join(parts))

    def get_bucket_location(self, request: Request, params: dict[str, str]) -> Response:
        region = self._region_of_host_bucket(request)
        return xml_response(200, f'{_XML_HEAD}<Location xmlns="{XMLNS}">{escape(region)}</Location>')

    def get_bucket_metadata(self, request: Request, params: dict[str, str]) -> Response:
        """HEAD bucket: no body; the region is in `x-obs-bucket-location`."""
        region = self._region_of_host_bucket(request)
        response = xml_response(200, "")
        headers = {**response.headers, "x-obs-bucket-location": region, "x-obs-version": "3.0"}
        headers.pop("Content-Type", None)
        name = bucket_of_host(request.host) or ""
        redirect = self.backend.head_redirect(name)
        if redirect is None:
            return Response(200, b"", headers)
        headers["Location"] = f"https://{name}.obs.{region}.myhuaweicloud.com/"
        if not redirect:
            headers.pop("x-obs-bucket-location")
        return Response(301, b"", headers)

    def _region_of_host_bucket(self, request: Request) -> str:
        name = bucket_of_host(request.host) or ""
        region = self.backend.region_of(name)
        if region is None:
            raise ServiceError(404, "NoSuchBucket", "The specified bucket does not exist.")
        return region

    def put_object(self, request: Request, params: dict[str, str]) -> Response:
        """PutObject on the bucket's host: the object key is the path; answers 200 with an ETag."""
        bucket = bucket_of_host(request.host) or ""
        key = unquote(params["key"])
        etag = self.backend.put_object(bucket, key, request.body, request.headers.get("content-type"))
        return Response(200, b"", {**_ids(), "ETag": etag})

    def list_objects(self, request: Request, params: dict[str, str]) -> Response:
        """`<ListBucketResult>`: Name, Prefix, Marker, MaxKeys, IsTruncated, NextMarker (when
        truncated) and one `<Contents>` (Key, LastModified, ETag, Size, StorageClass) per object."""
        bucket = bucket_of_host(request.host) or ""
        query = dict(request.query)
        prefix, marker = query.get("prefix", ""), query.get("marker", "")
        try:
            max_keys = int(query.get("max-keys", "1000"))
        except ValueError:
            raise ServiceError(400, "InvalidArgument", "max-keys must be an integer.") from None
        if not 1 <= max_keys <= 1000:
            max_keys = 1000  # OBS answers at most 1,000 keys per page
        found, truncated = self.backend.list_objects(bucket, prefix, marker, max_keys)
        parts = [
            f'{_XML_HEAD}<ListBucketResult xmlns="{XMLNS}"><Name>{escape(bucket)}</Name>',
            f"<Prefix>{escape(prefix)}</Prefix><Marker>{escape(marker)}</Marker><MaxKeys>{max_keys}</MaxKeys>",
            f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>",
        ]
        if truncated and found:
            parts.append(f"<NextMarker>{escape(found[-1][0])}</NextMarker>")
        parts.extend(
            f"<Contents><Key>{escape(key)}</Key><LastModified>{record['last_modified']}</LastModified>"
            f"<ETag>{escape(record['etag'])}</ETag><Size>{len(record['body'])}</Size>"
            "<StorageClass>STANDARD</StorageClass></Contents>"
            for key, record in found
        )
        parts.append("</ListBucketResult>")
        return xml_response(200, "".join(parts))

    def get_object(self, request: Request, params: dict[str, str]) -> Response:
        bucket = bucket_of_host(request.host) or ""
        if not self.backend.exists(bucket):
            raise ServiceError(404, "NoSuchBucket", "The specified bucket does not exist.")
        found = self.backend.object(bucket, unquote(params["key"]))
        if found is None:
            raise ServiceError(404, "NoSuchKey", "The specified key does not exist.")
        headers = {**_ids(), "Content-Type": found["content_type"], "ETag": found["etag"]}
        return Response(200, found["body"], headers)
