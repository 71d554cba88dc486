"""STS wire layer."""

from __future__ import annotations

from fakecloud.core.dispatch import Request, Response, json_response, parse_json_body
from fakecloud.sts.models import INVALID, StsBackend


class StsResponses:
    def __init__(self, backend: StsBackend) -> None:
        self.backend = backend

    def get_caller_identity(self, request: Request, params: dict[str, str]) -> Response:
        return json_response(200, self.backend.caller_identity())

    def assume_agency(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, INVALID)
        return json_response(200, self.backend.assume_agency(body, "x-security-token" in request.headers))
