"""OBS paths -> handlers. `GET /` is the only root route, so it cannot clash with the
`/v{n}/...` routes of the other services; on another service's real-form host it is a 404."""

from __future__ import annotations

from fakecloud.core.dispatch import Router, ServiceInfo
from fakecloud.obs.auth import authenticate
from fakecloud.obs.models import ObsBackend
from fakecloud.obs.responses import ObsResponses, obs_error

SERVICE = ServiceInfo(
    name="obs",
    forbidden_code="AccessDenied",
    read_error_code="InternalError",
    write_error_code="InternalError",
    authenticate=authenticate,
    render_error=obs_error,
    regional=False,  # ListBuckets answers for every region from any endpoint
    fault_codes={
        400: "InvalidArgument",
        401: "AccessDenied",
        403: "AccessDenied",
        404: "NoSuchBucket",
        429: "TooManyRequests",
        500: "InternalError",
        503: "ServiceUnavailable",
    },
)


def register(router: Router, backend: ObsBackend, domain_id: str) -> None:
    handlers = ObsResponses(backend, domain_id)
    router.add_service(SERVICE)
    router.add("GET", "/", "obs", "ListBuckets", handlers.list_buckets)
