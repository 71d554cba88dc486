"""Transport-independent request handling: routing, host/auth/project checks, faults, call log.

The mock (`responses`) and the socket server both turn their input into a `Request` and hand
it to `Dispatcher.handle`, so both modes behave identically.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from fakecloud.core.auth import CredentialStore, authenticate
from fakecloud.core.errors import ServiceError
from fakecloud.core.faults import Fault, Faults

log = logging.getLogger(__name__)

_REAL_HOST_RE = re.compile(r"^(?P<service>[a-z0-9-]+)(?:\.(?P<region>[a-z0-9-]+))?\.myhuaweicloud\.(?:com|cn|eu)$")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_REDACTED = "***"
_SECRET_HEADERS = {"x-security-token", "x-obs-security-token"}


class Headers(Mapping[str, str]):
    """Case-insensitive, read-only header map; iterates lower-case names."""

    def __init__(self, items: Iterable[tuple[str, str]] | Mapping[str, str] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._data = {name.lower(): value for name, value in pairs}

    def __getitem__(self, name: str) -> str:
        return self._data[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Headers({sorted(self._data)})"


@dataclass(frozen=True)
class Request:
    """One HTTP request as it arrived; `path` is raw (still percent-encoded)."""

    method: str
    host: str
    path: str
    query: list[tuple[str, str]]
    headers: Headers
    body: bytes = b""

    @classmethod
    def from_url(cls, method: str, url: str, headers: Headers, body: bytes) -> Request:
        parts = urlsplit(url)
        host = headers.get("host") or parts.netloc
        query = parse_qsl(parts.query, keep_blank_values=True)
        return cls(method.upper(), host, parts.path or "/", query, headers, body)

    def param(self, name: str) -> str | None:
        """Last value of a query parameter, or None."""
        found = [v for k, v in self.query if k == name]
        return found[-1] if found else None

    def json(self) -> Any:
        """Parsed body; None when empty; ValueError when not JSON."""
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))


@dataclass(frozen=True)
class Response:
    """What to answer; `drop=True` means close the connection without answering.

    `error_code` is what the call log records; when None it is read from a JSON error body.
    A handler may set `X-Request-Id` itself (e.g. to match an id in its body); otherwise the
    dispatcher adds one, except to OBS's answers, whose id is `x-obs-request-id` alone.
    """

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    error_code: str | None = None


def json_response(status: int, payload: Any) -> Response:
    body = json.dumps(payload).encode("utf-8")
    return Response(status, body, {"Content-Type": "application/json;charset=UTF-8"})


def error_response(status: int, code: str, msg: str) -> Response:
    """The API gateway's JSON error body, `{"error_code", "error_msg"}`."""
    return replace(json_response(status, {"error_code": code, "error_msg": msg}), error_code=code)


def empty_response(status: int) -> Response:
    return Response(status, b"", {"Content-Type": "application/json;charset=UTF-8"})


def parse_json_body(request: Request, invalid_code: str) -> Any:
    """The parsed body, or ServiceError(400, invalid_code) if it is not JSON."""
    try:
        return request.json()
    except (ValueError, UnicodeDecodeError):
        raise ServiceError(400, invalid_code, "The request body is not valid JSON.") from None


class RequestHandler(Protocol):
    """What a transport hands requests to: one account's Dispatcher, or an organization's router."""

    def handle(self, request: Request) -> Response: ...


Handler = Callable[[Request, dict[str, str]], Response]
RequestTest = Callable[[Request], bool]
Authenticator = Callable[[CredentialStore, Request], None]
ErrorRenderer = Callable[[int, str, str], Response]


@dataclass(frozen=True)
class ServiceInfo:
    """Per-service error codes and hooks the dispatcher uses for its own rejections and faults.

    - `authenticate`: raises ServiceError unless the request is validly signed; None means the
      API gateway's SDK-HMAC-SHA256 check (`core.auth.authenticate`).
    - `render_error`: (status, code, message) -> Response; defaults to the gateway's JSON body.
      Gateway-level 404s (unknown path, host of another service) are always JSON.
    - `fault_codes`: status -> error code for injected faults, before the generic mapping.
    - `regional`: False for global services (IAM): a project in X-Project-Id may belong to
      any region, whatever the endpoint's region.
    """

    name: str
    forbidden_code: str
    read_error_code: str
    write_error_code: str
    authenticate: Authenticator | None = None
    render_error: ErrorRenderer = error_response
    fault_codes: Mapping[int, str] = field(default_factory=dict)
    regional: bool = True


@dataclass(frozen=True)
class Route:
    method: str
    regex: re.Pattern[str]
    service: str
    action: str
    handler: Handler
    when: RequestTest | None = None


class Router:
    """Path templates like `/v3/{project_id}/tracker` mapped to handlers."""

    def __init__(self) -> None:
        self._routes: list[Route] = []
        self.services: dict[str, ServiceInfo] = {}

    def add_service(self, info: ServiceInfo) -> None:
        self.services[info.name] = info

    def add(
        self, method: str, template: str, service: str, action: str, handler: Handler, when: RequestTest | None = None
    ) -> None:
        """`when` narrows a route by host or query (OBS tells its operations apart that way);
        routes are tried in the order added. `{name}` matches one path segment, `{name+}` the
        rest of the path (an OBS object key)."""
        escaped = re.escape(template.rstrip("/"))
        escaped = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", escaped)  # `{key+}`: the rest of the path
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", escaped)
        self._routes.append(Route(method.upper(), re.compile(f"^{pattern}/?$"), service, action, handler, when))

    def match(self, request: Request) -> tuple[Route, dict[str, str]] | None:
        for route in self._routes:
            found = route.regex.match(request.path)
            if found and route.method == request.method.upper() and (route.when is None or route.when(request)):
                return route, {k: unquote(v) for k, v in found.groupdict().items()}
        return None


@dataclass(frozen=True)
class Call:
    """One request the fake received, as recorded in `FakeCloud.calls`.

    `status` is 0 for a dropped connection; `headers` have lower-case names and the security
    token redacted.
    """

    service: str
    action: str
    method: str
    path: str
    query: dict[str, str]
    status: int
    request_json: Any
    headers: dict[str, str]
    error_code: str | None = None
    host: str = ""  # the host the request was sent to (an OBS bucket's, for object calls)


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[1 : host.find("]")].lower()
    return host.split(":", 1)[0].lower()


def _error_code_of(response: Response) -> str | None:
    if response.status < 400:
        return None
    if response.error_code is not None:
        return response.error_code
    if not response.body:
        return None
    try:
        code = json.loads(response.body).get("error_code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None


class Dispatcher:
    """Runs every check in the gateway's order, then the service handler; records each call."""

    def __init__(
        self,
        router: Router,
        credentials: CredentialStore,
        project_region: Callable[[str], str | None],
        faults: Faults,
        project_exists: Callable[[str], bool] | None = None,
        domain_id: str | None = None,
    ) -> None:
        """`project_exists` (default: has a region) decides whether an X-Project-Id is known
        on routes without a project in the path; projects without a region (MOS) count.
        `domain_id` is the account's: an X-Domain-Id naming another account is refused."""
        self.router = router
        self.credentials = credentials
        self.project_region = project_region
        self.faults = faults
        self.project_exists = project_exists or (lambda pid: project_region(pid) is not None)
        self.domain_id = domain_id
        self._lock = threading.Lock()
        self._calls: list[Call] = []

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def clear_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def handle(self, request: Request) -> Response:
        service, action = "unknown", "Unknown"
        matched = self.router.match(request)
        if matched is None:
            response = error_response(
                404, "APIGW.0101", "The API does not exist or has not been published in the environment"
            )
        else:
            route, params = matched
            service, action = route.service, route.action
            response = self._handle_routed(request, route, params)
        if not any(name.lower() in ("x-request-id", "x-obs-request-id") for name in response.headers):
            response = replace(response, headers={**response.headers, "X-Request-Id": uuid.uuid4().hex})
        self._record(request, service, action, response)
        self.faults.answered(action)
        if request.method == "HEAD" and response.body:  # a HEAD answer has headers only, errors too
            response = replace(response, body=b"")
        return response

    def _handle_routed(self, request: Request, route: Route, params: dict[str, str]) -> Response:
        delay = self.faults.delay(route.service, route.action)
        if delay:
            time.sleep(delay)
        self.faults.wait_held(route.service, route.action)
        info = self.router.services[route.service]
        try:
            host_region = self._check_host(request.host, route.service)
        except ServiceError as err:
            return error_response(err.status, err.code, err.msg)
        try:
            if info.authenticate is not None:
                info.authenticate(self.credentials, request)
            else:
                lowered = {name: request.headers[name] for name in request.headers}
                authenticate(self.credentials, request.method, request.path, request.query, lowered, request.body)
            domain = request.headers.get("x-domain-id")
            if domain is not None and self.domain_id is not None and domain != self.domain_id:
                raise ServiceError(403, info.forbidden_code, "X-Domain-Id is not the account of the credentials.")
            if "project_id" in params:
                self._check_project(params["project_id"], request, host_region, info)
            elif "x-project-id" in request.headers:
                self._check_header_project(request.headers["x-project-id"], host_region, info)
        except ServiceError as err:
            return info.render_error(err.status, err.code, err.msg)
        fault = self.faults.take(route.service, route.action)
        if fault is not None and not fault.after:
            return self._fault_response(fault, request, info)
        try:
            response = route.handler(request, params)
            if fault is not None:
                return self._fault_response(fault, request, info)
            return self._rewritten(route, response)
        except ServiceError as err:
            return info.render_error(err.status, err.code, err.msg)
        except Exception:  # a bug in the fake answers 500; details go to the log
            log.exception("fakecloud handler %s failed", route.action)
            return info.render_error(500, info.write_error_code, "fakecloud internal error")

    def _rewritten(self, route: Route, response: Response) -> Response:
        """A successful answer as a test's rewrite makes it (`Faults.rewrite`)."""
        change = self.faults.rewriting(route.service, route.action)
        if change is None or response.status >= 400 or not response.body:
            return response
        if "json" in next((v for k, v in response.headers.items() if k.lower() == "content-type"), ""):
            changed = change(json.loads(response.body))
            body = changed if isinstance(changed, bytes) else json.dumps(changed).encode("utf-8")
        else:
            changed = change(response.body.decode("utf-8"))
            body = changed if isinstance(changed, bytes) else str(changed).encode("utf-8")
        return replace(response, body=body)

    @staticmethod
    def _check_host(host: str, service: str) -> str | None:
        """404 when a real-form host names another service; returns the host's region."""
        name = _host_name(host)
        if name in _LOCAL_HOSTS:
            return None
        real = _REAL_HOST_RE.match(name)
        if real is None:
            return None
        if real["service"] != service:
            raise ServiceError(404, "APIGW.0101", "The API does not exist or has not been published in the environment")
        return real["region"]

    def _check_project(self, project_id: str, request: Request, host_region: str | None, info: ServiceInfo) -> None:
        region = self.project_region(project_id)
        if region is None:
            raise ServiceError(403, info.forbidden_code, "The project does not exist or is not authorized.")
        header = request.headers.get("x-project-id")
        if header is not None and header != project_id:
            raise ServiceError(403, info.forbidden_code, "X-Project-Id does not match the project in the URI.")
        if host_region is not None and host_region != region:
            raise ServiceError(403, info.forbidden_code, f"The project does not belong to region {host_region}.")

    def _check_header_project(self, project_id: str, host_region: str | None, info: ServiceInfo) -> None:
        """Routes without a project in the path: an X-Project-Id sent must name a known project."""
        if not self.project_exists(project_id):
            raise ServiceError(403, info.forbidden_code, "The project in X-Project-Id does not exist.")
        region = self.project_region(project_id)
        if info.regional and host_region is not None and region is not None and host_region != region:
            raise ServiceError(403, info.forbidden_code, f"The project does not belong to region {host_region}.")

    @staticmethod
    def _fault_response(fault: Fault, request: Request, info: ServiceInfo) -> Response:
        if fault.drop:
            return Response(0, drop=True)
        status = fault.status
        if fault.error_code:
            code = fault.error_code
        elif status in info.fault_codes:
            code = info.fault_codes[status]
        elif status == 429:
            code = "APIGW.0308"
        elif status >= 500:
            code = info.read_error_code if request.method == "GET" else info.write_error_code
        else:
            code = {401: "APIGW.0301", 403: "APIGW.0302", 404: "APIGW.0101"}.get(status, "APIGW.0201")
        messages = {429: "The throttling threshold has been reached."}
        return info.render_error(status, code, fault.message or messages.get(status, "Injected fault."))

    def _record(self, request: Request, service: str, action: str, response: Response) -> None:
        try:
            parsed = request.json()
        except (ValueError, UnicodeDecodeError):
            parsed = None
        headers = {name: (_REDACTED if name in _SECRET_HEADERS else request.headers[name]) for name in request.headers}
        call = Call(
            service=service,
            action=action,
            method=request.method,
            path=unquote(request.path),
            query=dict(request.query),
            status=0 if response.drop else response.status,
            request_json=parsed,
            headers=headers,
            error_code=_error_code_of(response),
            host=request.host,
        )
        with self._lock:
            self._calls.append(call)
