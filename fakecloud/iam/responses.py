"""IAM wire layer: KeystoneListProjects (`GET /v3/projects`), the agency, custom-policy and
all-projects grant calls the deployer makes, and IAM's error bodies.

Errors carry both forms: the SDK reads the top-level `error_code`/`error_msg` (so the
exception's `error_code` is e.g. `IAM.0001`), while Keystone clients read `error`.
Choices where the docs are silent: `page` and `per_page` must come together (IAM.0001
otherwise); with neither, every project is returned on one page; `enabled`/`is_domain`
accept true/false in any case.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from fakecloud.core.dispatch import Request, Response, json_response, parse_json_body
from fakecloud.core.errors import ServiceError
from fakecloud.iam.models import IamBackend

MAX_PER_PAGE = 5000
BAD_REQUEST = "IAM.0001"


def iam_error(status: int, code: str, msg: str) -> Response:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    payload = {"error_code": code, "error_msg": msg, "error": {"code": status, "message": msg, "title": title}}
    response = json_response(status, payload)
    return Response(response.status, response.body, response.headers, error_code=code)


def _bad(msg: str) -> ServiceError:
    return ServiceError(400, BAD_REQUEST, msg)


def _int_param(request: Request, name: str, low: int, high: int | None) -> int | None:
    raw = request.param(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise _bad(f"Invalid input for field '{name}': {raw!r} is not an integer.") from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise _bad(f"Invalid input for field '{name}': must be {bound}.")
    return value


def _bool_param(request: Request, name: str) -> bool | None:
    raw = request.param(name)
    if raw is None or raw == "":
        return None
    if raw.lower() not in ("true", "false"):
        raise _bad(f"Invalid input for field '{name}': {raw!r} is not a boolean.")
    return raw.lower() == "true"


def _base_url(host: str) -> str:
    local = host.split(":", 1)[0] in ("localhost", "127.0.0.1") or host.startswith("[")
    return f"{'http' if local else 'https'}://{host}"


class IamResponses:
    def __init__(self, backend: IamBackend) -> None:
        self.backend = backend

    def keystone_list_projects(self, request: Request, params: dict[str, str]) -> Response:
        page = _int_param(request, "page", 1, None)
        per_page = _int_param(request, "per_page", 1, MAX_PER_PAGE)
        if (page is None) != (per_page is None):
            raise _bad("Invalid input: page and per_page must be given together.")
        projects = self.backend.list_projects(
            domain_id=request.param("domain_id") or None,
            name=request.param("name") or None,
            parent_id=request.param("parent_id") or None,
            enabled=_bool_param(request, "enabled"),
            is_domain=_bool_param(request, "is_domain"),
        )
        base = _base_url(request.host) + "/v3/projects"
        own = f"{base}?{urlencode(request.query)}" if request.query else base
        links: dict[str, str | None] = {"self": own, "previous": None, "next": None}
        if page is not None and per_page is not None:
            start = (page - 1) * per_page
            more = len(projects) > start + per_page
            projects = projects[start : start + per_page]
            others = [(k, v) for k, v in request.query if k not in ("page", "per_page")]

            def link(number: int) -> str:
                return f"{base}?{urlencode([*others, ('page', str(number)), ('per_page', str(per_page))])}"

            links = {
                "self": link(page),
                "previous": link(page - 1) if page > 1 else None,
                "next": link(page + 1) if more else None,
            }
        for project in projects:
            project["links"] = {"self": f"{base}/{project['id']}", "previous": None, "next": None}
        return json_response(200, {"links": links, "projects": projects})

    # ----- agencies, custom policies, grants (the deployer's calls) ------------------------
    def _domain_header(self, request: Request) -> None:
        """IAM clients built with GlobalCredentials send X-Domain-Id: it must be this account."""
        if "x-domain-id" in request.headers:
            self.backend.check_domain(request.headers["x-domain-id"])

    def create_agency(self, request: Request, params: dict[str, str]) -> Response:
        self._domain_header(request)
        body = parse_json_body(request, BAD_REQUEST)
        return json_response(201, {"agency": _agency_view(self.backend.create_agency(body))})

    def list_agencies(self, request: Request, params: dict[str, str]) -> Response:
        self._domain_header(request)
        agencies = self.backend.list_agencies(request.param("domain_id") or None, request.param("name") or None)
        return json_response(200, {"agencies": [_agency_view(agency) for agency in agencies]})

    def create_custom_policy(self, request: Request, params: dict[str, str]) -> Response:
        self._domain_header(request)
        body = parse_json_body(request, BAD_REQUEST)
        role = self.backend.create_custom_policy(body)
        return json_response(201, {"role": _role_view(role, request.host)})

    def list_custom_policies(self, request: Request, params: dict[str, str]) -> Response:
        self._domain_header(request)
        page = _int_param(request, "page", 1, None)
        per_page = _int_param(request, "per_page", 1, 300)
        if (page is None) != (per_page is None):
            raise _bad("Invalid input: page and per_page must be given together.")
        roles = self.backend.custom_policies
        total = len(roles)
        if page is not None and per_page is not None:
            roles = roles[(page - 1) * per_page : page * per_page]
        base = _base_url(request.host) + "/v3.0/OS-ROLE/roles"
        links = {"self": base, "previous": None, "next": None}
        return json_response(
            200, {"links": links, "roles": [_role_view(role, request.host) for role in roles], "total_number": total}
        )

    def update_custom_policy(self, request: Request, params: dict[str, str]) -> Response:
        self._domain_header(request)
        body = parse_json_body(request, BAD_REQUEST)
        role = self.backend.update_custom_policy(params["role_id"], body)
        return json_response(200, {"role": _role_view(role, request.host)})

    def grant_all_projects(self, request: Request, params: dict[str, str]) -> Response:
        self._domain_header(request)
        self.backend.grant_all_projects(params["domain_id"], params["agency_id"], params["role_id"])
        return Response(204, b"")

    def remove_all_projects_grant(self, request: Request, params: dict[str, str]) -> Response:
        self._domain_header(request)
        self.backend.remove_all_projects_grant(params["domain_id"], params["agency_id"], params["role_id"])
        return Response(204, b"")

    def delete_agency(self, request: Request, params: dict[str, str]) -> Response:
        self._domain_header(request)
        self.backend.delete_agency(params["agency_id"])
        return Response(204, b"")

    def delete_custom_policy(self, request: Request, params: dict[str, str]) -> Response:
        self._domain_header(request)
        self.backend.delete_custom_policy(params["role_id"])
        return json_response(200, {})

    def list_all_projects_grants(self, request: Request, params: dict[str, str]) -> Response:
        self._domain_header(request)
        base = _base_url(request.host)
        roles = self.backend.all_projects_grants(params["domain_id"], params["agency_id"])
        for role in roles:
            role["links"] = {"self": f"{base}/v3/roles/{role['id']}"}
        own = (
            f"{base}/v3.0/OS-INHERIT/domains/{params['domain_id']}/agencies/{params['agency_id']}"
            "/roles/inherited_to_projects"
        )
        return json_response(200, {"roles": roles, "links": {"self": own}})


_AGENCY_FIELDS = (
    "id",
    "name",
    "domain_id",
    "trust_domain_id",
    "trust_domain_name",
    "description",
    "duration",
    "expire_time",
    "create_time",
)


def _agency_view(agency: dict[str, Any]) -> dict[str, Any]:
    return {key: agency.get(key) for key in _AGENCY_FIELDS}


def _role_view(role: dict[str, Any], host: str) -> dict[str, Any]:
    return {**role, "links": {"self": f"{_base_url(host)}/v3/roles/{role['id']}"}}
