"""Config (RMS) paths -> handlers (a global service: rms.myhuaweicloud.com)."""

from __future__ import annotations

from fakecloud.core.dispatch import Router, ServiceInfo
from fakecloud.rms.models import FORBIDDEN, RmsBackend
from fakecloud.rms.responses import RmsResponses

SERVICE = ServiceInfo(
    name="rms",
    forbidden_code=FORBIDDEN,
    read_error_code="RMS.00010500",
    write_error_code="RMS.00010500",
    regional=False,
)
DOMAIN = "/v1/resource-manager/domains/{domain_id}"


def register(router: Router, backend: RmsBackend) -> None:
    h = RmsResponses(backend)
    router.add_service(SERVICE)
    router.add("PUT", DOMAIN + "/policy-assignments", "rms", "CreatePolicyAssignments", h.create_policy_assignments)
    router.add("GET", DOMAIN + "/policy-assignments", "rms", "ListPolicyAssignments", h.list_policy_assignments)
    router.add(
        "PUT",
        DOMAIN + "/policy-assignments/{policy_assignment_id}",
        "rms",
        "UpdatePolicyAssignment",
        h.update_policy_assignment,
    )
    router.add(
        "DELETE",
        DOMAIN + "/policy-assignments/{policy_assignment_id}",
        "rms",
        "DeletePolicyAssignment",
        h.delete_policy_assignment,
    )
    remediation = DOMAIN + "/policy-assignments/{policy_assignment_id}/remediation-configuration"
    router.add(
        "PUT",
        remediation,
        "rms",
        "CreateOrUpdateRemediationConfiguration",
        h.put_remediation_configuration,
    )
    router.add("GET", remediation, "rms", "ShowRemediationConfiguration", h.show_remediation_configuration)
    router.add("DELETE", remediation, "rms", "DeleteRemediationConfiguration", h.delete_remediation_configuration)
    router.add("PUT", DOMAIN + "/policy-states", "rms", "UpdatePolicyState", h.update_policy_state)
