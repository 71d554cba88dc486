"""CTS wire layer: parse query/JSON, call CtsBackend, render the real response shapes."""

from __future__ import annotations

from fakecloud.core.dispatch import (
    Request,
    Response,
    empty_response,
    json_response,
    parse_json_body,
)
from fakecloud.cts.models import CtsBackend


def _opt(request: Request, name: str) -> str | None:
    """A query parameter, with an empty value treated as absent."""
    return request.param(name) or None


class CtsResponses:
    def __init__(self, backend: CtsBackend) -> None:
        self.backend = backend

    def create_tracker(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, "CTS.0003")
        return json_response(201, self.backend.create_tracker(params["project_id"], body))

    def update_tracker(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, "CTS.0003")
        self.backend.update_tracker(params["project_id"], body)
        return empty_response(200)

    def list_trackers(self, request: Request, params: dict[str, str]) -> Response:
        trackers = self.backend.list_trackers(
            params["project_id"], _opt(request, "tracker_name"), _opt(request, "tracker_type")
        )
        return json_response(200, {"trackers": trackers})

    def delete_tracker(self, request: Request, params: dict[str, str]) -> Response:
        self.backend.delete_tracker(params["project_id"], _opt(request, "tracker_name"), _opt(request, "tracker_type"))
        return empty_response(204)

    def list_quotas(self, request: Request, params: dict[str, str]) -> Response:
        return json_response(200, self.backend.quotas(params["project_id"]))
