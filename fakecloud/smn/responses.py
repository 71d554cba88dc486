"""SMN wire layer: PublishMessage."""

from __future__ import annotations

from fakecloud.core.dispatch import Request, Response, json_response, parse_json_body
from fakecloud.smn.models import SmnBackend


class SmnResponses:
    def __init__(self, backend: SmnBackend) -> None:
        self.backend = backend

    def publish_message(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, "SMN.0004")
        result = self.backend.publish(params["project_id"], params["topic_urn"], body)
        return json_response(200, result)
