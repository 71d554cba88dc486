"""STS (IAM v5) paths -> handlers."""

from __future__ import annotations

from fakecloud.core.dispatch import Router, ServiceInfo
from fakecloud.sts.models import FORBIDDEN, StsBackend
from fakecloud.sts.responses import StsResponses

SERVICE = ServiceInfo(
    name="sts", forbidden_code=FORBIDDEN, read_error_code="STS.0500", write_error_code="STS.0500", regional=False
)


def register(router: Router, backend: StsBackend) -> None:
    handlers = StsResponses(backend)
    router.add_service(SERVICE)
    router.add("GET", "/v5/caller-identity", "sts", "GetCallerIdentity", handlers.get_caller_identity)
    router.add("POST", "/v5/agencies/assume", "sts", "AssumeAgency", handlers.assume_agency)
