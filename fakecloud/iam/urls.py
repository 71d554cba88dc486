"""IAM v3 (Keystone) and v3.0 (agencies, custom policies, grants) paths -> handlers.

IAM is global: any region's project may be used.
"""

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


INHERIT = "/v3.0/OS-INHERIT/domains/{domain_id}/agencies/{agency_id}/roles"
GRANT = "AssociateAgencyWithAllProjectsPermission"
LIST_GRANTS = "ListAllProjectsPermissionsForAgency"


def register(router: Router, backend: IamBackend) -> None:
    handlers = IamResponses(backend)
    router.add_service(SERVICE)
    router.add("GET", "/v3/projects", "iam", "KeystoneListProjects", handlers.keystone_list_projects)
    router.add("POST", "/v3.0/OS-AGENCY/agencies", "iam", "CreateAgency", handlers.create_agency)
    router.add("GET", "/v3.0/OS-AGENCY/agencies", "iam", "ListAgencies", handlers.list_agencies)
    router.add("POST", "/v3.0/OS-ROLE/roles", "iam", "CreateCloudServiceCustomPolicy", handlers.create_custom_policy)
    router.add("GET", "/v3.0/OS-ROLE/roles", "iam", "ListCustomPolicies", handlers.list_custom_policies)
    router.add(
        "PATCH", "/v3.0/OS-ROLE/roles/{role_id}", "iam", "UpdateCloudServiceCustomPolicy", handlers.update_custom_policy
    )
    router.add("PUT", INHERIT + "/{role_id}/inherited_to_projects", "iam", GRANT, handlers.grant_all_projects)
    router.add("GET", INHERIT + "/inherited_to_projects", "iam", LIST_GRANTS, handlers.list_all_projects_grants)
    router.add(
        "DELETE",
        INHERIT + "/{role_id}/inherited_to_projects",
        "iam",
        "RemoveAllProjectsPermissionFromAgency",
        handlers.remove_all_projects_grant,
    )
    router.add("DELETE", "/v3.0/OS-AGENCY/agencies/{agency_id}", "iam", "DeleteAgency", handlers.delete_agency)
    router.add("DELETE", "/v3.0/OS-ROLE/roles/{role_id}", "iam", "DeleteCustomPolicy", handlers.delete_custom_policy)
