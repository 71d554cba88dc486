"""SMN wire layer: PublishMessage, CreateTopic and ListTopics."""

from __future__ import annotations

import uuid
from typing import Callable, Optional

from fakecloud.core.dispatch import Request, Response, json_response, parse_json_body
from fakecloud.core.errors import ServiceError
from fakecloud.smn.models import SmnBackend


def smn_error(status: int, code: str, msg: str) -> Response:
    """SMN's own error body, `{"request_id", "code", "message"}` (not `error_code`/`error_msg`)."""
    response = json_response(status, {"request_id": uuid.uuid4().hex, "code": code, "message": msg})
    return Response(response.status, response.body, response.headers, error_code=code)


def _int(request: Request, name: str, default: int, low: int, high: Optional[int]) -> int:
    raw = request.param(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ServiceError(400, "SMN.0004", f"Invalid {name}: not an integer.") from None
    if value < low or (high is not None and value > high):
        raise ServiceError(400, "SMN.0004", f"Invalid {name}: out of range.")
    return value


class SmnResponses:
    def __init__(self, backend: SmnBackend, region_of: Callable[[str], Optional[str]]) -> None:
        self.backend = backend
        self.region_of = region_of

    def create_topic(self, request: Request, params: dict[str, str]) -> Response:
        project_id = params["project_id"]
        region = self.region_of(project_id)
        if region is None:
            raise ServiceError(403, "SMN.0013", "The project has no region.")
        body = parse_json_body(request, "SMN.0004")
        created, result = self.backend.create_topic(project_id, region, body)
        return json_response(201 if created else 200, result)

    def list_topics(self, request: Request, params: dict[str, str]) -> Response:
        offset = _int(request, "offset", 0, 0, None)
        limit = _int(request, "limit", 100, 1, 100)
        count, topics = self.backend.list_topics(params["project_id"], offset, limit, request.param("name") or None)
        return json_response(200, {"request_id": uuid.uuid4().hex, "topic_count": count, "topics": topics})

    def delete_topic(self, request: Request, params: dict[str, str]) -> Response:
        self.backend.delete_topic(params["project_id"], params["topic_urn"])
        return json_response(200, {"request_id": uuid.uuid4().hex})

    def publish_message(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, "SMN.0004")
        result = self.backend.publish(params["project_id"], params["topic_urn"], body)
        return json_response(200, result)
