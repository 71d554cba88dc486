"""IAM v3 (Keystone) paths -> handlers. IAM is global: any region's project may be used."""

from __future__ import annotations

from fakecloud.core.dispatch import Router, ServiceInfo
from fakecloud.iam.models import IamBackend
from fakecloud.iam.responses import IamResponses, iam_error

SERVICE = ServiceInfo(
    name="iam",
    forbidden_code="IAM.0002",
    read_error_code="IAM.0006",
    write_error_code="IAM.0006",
    render_error=iam_error,
    regional=False,
)


def register(router: Router, backend: IamBackend) -> None:
    handlers = IamResponses(backend)
    router.add_service(SERVICE)
    router.add("GET", "/v3/projects", "iam", "KeystoneListProjects", handlers.keystone_list_projects)
