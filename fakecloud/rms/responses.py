"""Config (RMS) wire layer."""

from __future__ import annotations

from fakecloud.core.dispatch import Request, Response, empty_response, json_response, parse_json_body
from fakecloud.rms.models import INVALID, RmsBackend


class RmsResponses:
    def __init__(self, backend: RmsBackend) -> None:
        self.backend = backend

    def create_policy_assignments(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, INVALID)
        return json_response(200, self.backend.create_assignment(params["domain_id"], body))

    def list_policy_assignments(self, request: Request, params: dict[str, str]) -> Response:
        items = self.backend.list_assignments(params["domain_id"])
        return json_response(200, {"value": items, "page_info": {"current_count": len(items), "next_marker": None}})

    def update_policy_assignment(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, INVALID)
        answer = self.backend.update_assignment(params["domain_id"], params["policy_assignment_id"], body)
        return json_response(200, answer)

    def delete_policy_assignment(self, request: Request, params: dict[str, str]) -> Response:
        self.backend.delete_assignment(params["domain_id"], params["policy_assignment_id"])
        return json_response(200, {})

    def put_remediation_configuration(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, INVALID)
        answer = self.backend.put_remediation(params["domain_id"], params["policy_assignment_id"], body)
        return json_response(200, answer)

    def show_remediation_configuration(self, request: Request, params: dict[str, str]) -> Response:
        return json_response(200, self.backend.show_remediation(params["domain_id"], params["policy_assignment_id"]))

    def delete_remediation_configuration(self, request: Request, params: dict[str, str]) -> Response:
        self.backend.delete_remediation(params["domain_id"], params["policy_assignment_id"])
        return empty_response(202)

    def update_policy_state(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, INVALID)
        return json_response(200, self.backend.update_policy_state(params["domain_id"], body))
