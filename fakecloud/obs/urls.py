"""OBS paths -> handlers. OBS tells its operations apart by host and query, not path: `GET /`
on a bucket's host with `?location` is GetBucketLocation, `HEAD /` on a bucket's host is
GetBucketMetadata, `GET /` on the service host is ListBuckets, and `PUT /{key}` on a bucket's
host is PutObject, `GET /{key}` on a bucket's host is GetObject and `GET /` on a bucket's host
without `?location` is ListObjects. Root routes cannot clash with the `/v{n}/...` routes of the other services;
on another service's real-form host they are a 404."""

from __future__ import annotations

from fakecloud.core.dispatch import Request, Router, ServiceInfo
from fakecloud.obs.auth import authenticate
from fakecloud.obs.models import ObsBackend
from fakecloud.obs.responses import ObsResponses, bucket_of_host, obs_error

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
    router.add("GET", "/", "obs", "GetBucketLocation", handlers.get_bucket_location, when=_bucket_location)
    router.add("HEAD", "/", "obs", "GetBucketMetadata", handlers.get_bucket_metadata, when=_on_bucket)
    router.add("GET", "/", "obs", "ListBuckets", handlers.list_buckets, when=_on_service)
    router.add("GET", "/", "obs", "ListObjects", handlers.list_objects, when=_on_bucket)
    router.add("GET", "/{key+}", "obs", "GetObject", handlers.get_object, when=_on_bucket)
    router.add("PUT", "/{key+}", "obs", "PutObject", handlers.put_object, when=_on_bucket)


def _on_bucket(request: Request) -> bool:
    return bucket_of_host(request.host) is not None


def _on_service(request: Request) -> bool:
    return not _on_bucket(request)


def _bucket_location(request: Request) -> bool:
    return _on_bucket(request) and any(name == "location" for name, _ in request.query)
