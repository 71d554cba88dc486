"""OBS wire layer: ListBuckets (`GET /`) and OBS's XML error bodies.

Responses are `Content-Type: application/xml` exactly: the SDK only parses XML bodies when
the header is that string. Every OBS response carries `x-obs-request-id` (the same id as
`X-Request-Id`, which is where the SDK reads a request id from) and `x-obs-id-2`.

The SDK cannot parse XML error bodies: its DefaultExceptionHandler only reads JSON, so an OBS
error surfaces as `error_code == str(status)` (e.g. "403") with the whole XML as `error_msg`.
"""

from __future__ import annotations

import base64
import uuid
from xml.sax.saxutils import escape

from fakecloud.core.dispatch import Request, Response
from fakecloud.obs.models import ObsBackend

XMLNS = "http://obs.myhwclouds.com/doc/2015-06-30/"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'


def _ids() -> dict[str, str]:
    request_id = uuid.uuid4().hex.upper()
    id2 = base64.b64encode(uuid.uuid4().bytes * 2).decode("ascii")
    return {"X-Request-Id": request_id, "x-obs-request-id": request_id, "x-obs-id-2": id2}


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
        parts = [
            f'{_XML_HEAD}<ListAllMyBucketsResult xmlns="{XMLNS}">',
            f"<Owner><ID>{escape(self.domain_id)}</ID></Owner><Buckets>",
        ]
        parts.extend(
            f"<Bucket><Name>{escape(name)}</Name><CreationDate>{created}</CreationDate>"
            f"<Location>{escape(location)}</Location></Bucket>"
            for name, created, location in self.backend.list_buckets()
        )
        parts.append("</Buckets></ListAllMyBucketsResult>")
        return xml_response(200, "".join(parts))
