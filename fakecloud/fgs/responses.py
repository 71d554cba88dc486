"""FunctionGraph wire layer: parse JSON, call FgsBackend, render the real response shapes."""

from __future__ import annotations

from fakecloud.core.dispatch import Request, Response, empty_response, json_response, parse_json_body
from fakecloud.core.errors import ServiceError
from fakecloud.fgs.models import FgsBackend
from fakecloud.iam.models import IamBackend


class FgsResponses:
    def __init__(self, backend: FgsBackend, iam: IamBackend) -> None:
        self.backend = backend
        self.iam = iam

    def create_function(self, request: Request, params: dict[str, str]) -> Response:
        project_id = params["project_id"]
        region = self.iam.region_of(project_id)
        if region is None:  # the dispatcher admits only known projects; MOS has no region
            raise ServiceError(403, "FSS.0403", "Forbidden: the project has no region.")
        body = parse_json_body(request, "FSS.0406")
        return json_response(200, self.backend.create_function(project_id, region, body))

    def show_function_config(self, request: Request, params: dict[str, str]) -> Response:
        return json_response(200, self.backend.show_config(params["project_id"], params["function_urn"]))

    def update_function_config(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, "FSS.0406")
        return json_response(200, self.backend.update_config(params["project_id"], params["function_urn"], body))

    def update_function_code(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, "FSS.0406")
        return json_response(200, self.backend.update_code(params["project_id"], params["function_urn"], body))

    def create_function_trigger(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, "FSS.0406")
        return json_response(201, self.backend.create_trigger(params["project_id"], params["function_urn"], body))

    def list_function_triggers(self, request: Request, params: dict[str, str]) -> Response:
        return json_response(200, self.backend.list_triggers(params["project_id"], params["function_urn"]))

    def delete_function_trigger(self, request: Request, params: dict[str, str]) -> Response:
        self.backend.delete_trigger(
            params["project_id"], params["function_urn"], params["trigger_type_code"], params["trigger_id"]
        )
        return empty_response(204)

    def update_async_invoke_config(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_json_body(request, "FSS.0406")
        return json_response(200, self.backend.put_async_config(params["project_id"], params["function_urn"], body))

    def show_async_invoke_config(self, request: Request, params: dict[str, str]) -> Response:
        return json_response(200, self.backend.show_async_config(params["project_id"], params["function_urn"]))

    def async_invoke_function(self, request: Request, params: dict[str, str]) -> Response:
        request_id = self.backend.invoke_async(params["project_id"], params["function_urn"], request.body)
        return json_response(202, {"request_id": request_id})

    def delete_function(self, request: Request, params: dict[str, str]) -> Response:
        self.backend.delete_function(params["project_id"], params["function_urn"])
        return empty_response(204)
