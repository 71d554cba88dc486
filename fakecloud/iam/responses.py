"""IAM wire layer: KeystoneListProjects (`GET /v3/projects`) and IAM's error bodies.

Errors carry both forms: the SDK reads the top-level `error_code`/`error_msg` (so the
exception's `error_code` is e.g. `IAM.0001`), while Keystone clients read `error`.
Choices where the docs are silent: `page` and `per_page` must come together (IAM.0001
otherwise); with neither, every project is returned on one page; `enabled`/`is_domain`
accept true/false in any case.
"""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlencode

from fakecloud.core.dispatch import Request, Response, json_response
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
            project["links"] = {"self": f"{base}/{project['id']}"}
        return json_response(200, {"links": links, "projects": projects})
