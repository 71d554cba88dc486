"""IAM projects, agencies, custom policies and grants: what CTS/SMN/FunctionGraph consult, and
what the deployer manages.

Projects are `{region}` (the region's main project), `{region}_{suffix}` (a sub-project whose
parent is the main project when that exists) or the special `MOS` project, which has no
region. KeystoneListProjects lists them sorted by name.
"""

from __future__ import annotations

import copy
import re
import threading
import uuid
from datetime import datetime, timezone
from typing import Any

from fakecloud.core.errors import ServiceError

_PROJECT_NAME_RE = re.compile(r"^[a-z]{2,}-[a-z0-9-]+(_[A-Za-z0-9_-]+)?$")
_AGENCY_NAME_RE = re.compile(r"^[A-Za-z0-9 ._+=,@-]{1,64}$")
_ACTION_RE = re.compile(r"^[a-z0-9]+:[A-Za-z0-9*]+:[A-Za-z0-9*]+$")
SPECIAL_PROJECTS = ("MOS",)  # real accounts have it; it belongs to no region
BAD_REQUEST, FORBIDDEN, CONFLICT, NOT_FOUND = "IAM.0001", "IAM.0002", "IAM.0003", "IAM.0004"
MAX_STATEMENTS, MAX_ACTIONS = 8, 100


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _bad(msg: str) -> ServiceError:
    return ServiceError(400, BAD_REQUEST, msg)


def _check_role(body: Any) -> dict[str, Any]:
    """A custom policy for cloud services: display_name, type AX|XA, description, policy 1.1."""
    role = body.get("role") if isinstance(body, dict) else None
    if not isinstance(role, dict):
        raise _bad("The request body must hold a 'role' object.")
    display_name, type_, description = role.get("display_name"), role.get("type"), role.get("description")
    if not isinstance(display_name, str) or not 1 <= len(display_name) <= 128:
        raise _bad("Invalid input for field 'display_name': 1-128 characters.")
    if type_ not in ("AX", "XA"):
        raise _bad("Invalid input for field 'type': AX (global services) or XA (projects).")
    if not isinstance(description, str) or len(description) > 256:
        raise _bad("Invalid input for field 'description': required, at most 256 characters.")
    policy = role.get("policy")
    if not isinstance(policy, dict) or policy.get("Version") != "1.1":
        raise _bad("Invalid input for field 'policy': Version must be 1.1.")
    statements = policy.get("Statement")
    if not isinstance(statements, list) or not 1 <= len(statements) <= MAX_STATEMENTS:
        raise _bad(f"Invalid input for field 'Statement': 1 to {MAX_STATEMENTS} statements.")
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
            raise _bad("Invalid input for field 'Effect': Allow or Deny.")
        actions = statement.get("Action")
        if not isinstance(actions, list) or not 1 <= len(actions) <= MAX_ACTIONS:
            raise _bad(f"Invalid input for field 'Action': 1 to {MAX_ACTIONS} actions.")
        bad = [a for a in actions if not isinstance(a, str) or not _ACTION_RE.match(a)]
        if bad:
            raise _bad(f"Invalid input for field 'Action': {bad[0]!r} is not service:resource:action.")
        _check_resources(statement, actions)
    return {
        "display_name": display_name,
        "type": type_,
        "description": description,
        "policy": copy.deepcopy(policy),
    }


def _check_resources(statement: dict[str, Any], actions: list[str]) -> None:
    """`Resource` (optional): `service:region:account:type:path` strings of the actions' own service."""
    if "Resource" not in statement:
        return
    resources = statement["Resource"]
    if not isinstance(resources, list) or not 1 <= len(resources) <= MAX_ACTIONS:
        raise _bad("Invalid input for field 'Resource': 1 to 100 resources.")
    services = {action.split(":", 1)[0] for action in actions}
    for resource in resources:
        parts = resource.split(":", 4) if isinstance(resource, str) else []
        if len(parts) != 5 or not all(parts) or parts[0] not in services:
            raise _bad(f"Invalid input for field 'Resource': {resource!r} is not service:region:account:type:path.")


class IamBackend:
    """Projects (id -> name/region) and agencies (name -> record); thread-safe."""

    def __init__(self, domain_id: str) -> None:
        self.domain_id = domain_id
        self._lock = threading.Lock()
        self._projects: dict[str, dict[str, Any]] = {}
        self._agencies: dict[str, dict[str, Any]] = {}
        self._roles: dict[str, dict[str, Any]] = {}
        self._inherited: set[tuple[str, str]] = set()

    def add_project(self, name: str, project_id: str | None = None) -> str:
        """Register `{region}`, `{region}_{suffix}` or `MOS`; the region is the part before the
        first '_' (None for MOS)."""
        if name not in SPECIAL_PROJECTS and not _PROJECT_NAME_RE.match(name):
            raise ValueError(f"project name {name!r} is not '{{region}}', '{{region}}_{{suffix}}' or 'MOS'")
        with self._lock:
            for existing in self._projects.values():
                if existing["name"] == name:
                    if project_id not in (None, existing["id"]):
                        raise ValueError(f"project {name!r} already exists with another id")
                    return str(existing["id"])
            pid = project_id or uuid.uuid4().hex
            if pid in self._projects:
                raise ValueError(f"project id {pid!r} already registered")
            self._projects[pid] = {
                "id": pid,
                "name": name,
                "region": None if name in SPECIAL_PROJECTS else name.split("_", 1)[0],
                "domain_id": self.domain_id,
                "enabled": True,
            }
            return pid

    def project(self, project_id: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._projects.get(project_id)
            return copy.deepcopy(found) if found else None

    def project_by_name(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            for record in self._projects.values():
                if record["name"] == name:
                    return copy.deepcopy(record)
        return None

    def region_of(self, project_id: str) -> str | None:
        """The project's region; None for an unknown project and for MOS."""
        with self._lock:
            found = self._projects.get(project_id)
            return str(found["region"]) if found and found["region"] is not None else None

    def has_project(self, project_id: str) -> bool:
        with self._lock:
            return project_id in self._projects

    def set_project_enabled(self, project_id: str, enabled: bool) -> None:
        with self._lock:
            if project_id not in self._projects:
                raise KeyError(f"no project {project_id!r}")
            self._projects[project_id]["enabled"] = bool(enabled)

    def list_projects(
        self,
        domain_id: str | None = None,
        name: str | None = None,
        parent_id: str | None = None,
        enabled: bool | None = None,
        is_domain: bool | None = None,
    ) -> list[dict[str, Any]]:
        """Keystone project records (id, name, domain_id, parent_id, enabled, is_domain,
        description) matching every given filter, sorted by name."""
        with self._lock:
            ids_by_name = {record["name"]: pid for pid, record in self._projects.items()}
            out = []
            for record in self._projects.values():
                parent = self.domain_id
                if "_" in record["name"]:
                    parent = ids_by_name.get(record["name"].split("_", 1)[0], self.domain_id)
                project = {
                    "id": record["id"],
                    "name": record["name"],
                    "domain_id": record["domain_id"],
                    "parent_id": parent,
                    "enabled": record["enabled"],
                    "is_domain": False,
                    "description": "",
                }
                if (
                    domain_id in (None, project["domain_id"])
                    and name in (None, project["name"])
                    and parent_id in (None, project["parent_id"])
                    and enabled in (None, project["enabled"])
                    and is_domain in (None, False)
                ):
                    out.append(project)
        out.sort(key=lambda project: str(project["name"]))
        return out

    @property
    def projects(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._projects.values()))

    def add_agency(self, name: str, trust_domain: str = "op_svc_cts") -> dict[str, Any]:
        """Create the agency if missing (idempotent) and return it."""
        with self._lock:
            if name not in self._agencies:
                self._agencies[name] = self._agency_record(name, trust_domain, "", "FOREVER")
            return copy.deepcopy(self._agencies[name])

    def _agency_record(self, name: str, trust_domain: str, description: str, duration: str) -> dict[str, Any]:
        return {
            "id": uuid.uuid4().hex,
            "name": name,
            "domain_id": self.domain_id,
            "trust_domain_name": trust_domain,
            "trust_domain_id": uuid.uuid5(uuid.NAMESPACE_DNS, trust_domain).hex,
            "description": description,
            "duration": duration,
            "expire_time": None,
            "create_time": _now(),
        }

    # ----- agencies, custom policies and grants (API) ------------------------------------
    def create_agency(self, body: Any) -> dict[str, Any]:
        """CreateAgency: name, domain_id (this account), trust_domain_name, description, duration."""
        agency = body.get("agency") if isinstance(body, dict) else None
        if not isinstance(agency, dict):
            raise _bad("The request body must hold an 'agency' object.")
        name = agency.get("name")
        if not isinstance(name, str) or not _AGENCY_NAME_RE.match(name):
            raise _bad("Invalid input for field 'name': 1-64 characters.")
        self.check_domain(agency.get("domain_id"))
        trust = agency.get("trust_domain_name")
        if not isinstance(trust, str) or not trust:
            raise _bad("Invalid input: trust_domain_name (or trust_domain_id) is required.")
        description = agency.get("description") or ""
        if not isinstance(description, str) or len(description) > 255 or any(ch in description for ch in "@#$%^&*<>\\"):
            raise _bad("Invalid input for field 'description'.")
        duration = agency.get("duration", "FOREVER")
        if duration not in ("FOREVER", "ONEDAY") and not (isinstance(duration, (int, str)) and str(duration).isdigit()):
            raise _bad("Invalid input for field 'duration'.")
        with self._lock:
            if name in self._agencies:
                raise ServiceError(409, CONFLICT, f"The agency {name} already exists.")
            self._agencies[name] = self._agency_record(name, trust, description, str(duration))
            return copy.deepcopy(self._agencies[name])

    def list_agencies(self, domain_id: str | None, name: str | None = None) -> list[dict[str, Any]]:
        if not domain_id:
            raise _bad("Invalid input: domain_id is required.")
        self.check_domain(domain_id)
        with self._lock:
            found = [a for a in self._agencies.values() if name in (None, a["name"])]
            return copy.deepcopy(sorted(found, key=lambda a: str(a["name"])))

    def create_custom_policy(self, body: Any) -> dict[str, Any]:
        role = _check_role(body)
        with self._lock:
            if any(r["display_name"] == role["display_name"] for r in self._roles.values()):
                raise ServiceError(409, CONFLICT, f"The policy {role['display_name']} already exists.")
            now = _now()
            role_id = uuid.uuid4().hex
            record = {
                **role,
                "id": role_id,
                "name": f"custom_{self.domain_id[:8]}_{len(self._roles)}",
                "catalog": "CUSTOMED",
                "domain_id": self.domain_id,
                "description_cn": None,
                "created_time": now,
                "updated_time": now,
            }
            self._roles[role_id] = record
            return copy.deepcopy(record)

    def update_custom_policy(self, role_id: str, body: Any) -> dict[str, Any]:
        role = _check_role(body)
        with self._lock:
            record = self._roles.get(role_id)
            if record is None:
                raise ServiceError(404, NOT_FOUND, "The policy does not exist.")
            if any(r["display_name"] == role["display_name"] and r["id"] != role_id for r in self._roles.values()):
                raise ServiceError(409, CONFLICT, f"The policy {role['display_name']} already exists.")
            record.update(role, updated_time=_now())
            return copy.deepcopy(record)

    @property
    def custom_policies(self) -> list[dict[str, Any]]:
        """Custom policies in creation order."""
        with self._lock:
            return copy.deepcopy(list(self._roles.values()))

    def grant_all_projects(self, domain_id: str, agency_id: str, role_id: str) -> None:
        """OS-INHERIT: the role on every project of the account, present and future (idempotent)."""
        self.check_domain(domain_id)
        with self._lock:
            if not any(a["id"] == agency_id for a in self._agencies.values()):
                raise ServiceError(404, NOT_FOUND, "The agency does not exist.")
            if role_id not in self._roles:
                raise ServiceError(404, NOT_FOUND, "The role does not exist.")
            self._inherited.add((agency_id, role_id))

    def all_projects_grants(self, domain_id: str, agency_id: str) -> list[dict[str, Any]]:
        self.check_domain(domain_id)
        with self._lock:
            if not any(a["id"] == agency_id for a in self._agencies.values()):
                raise ServiceError(404, NOT_FOUND, "The agency does not exist.")
            ids = [role_id for agency, role_id in sorted(self._inherited) if agency == agency_id]
            return [{"id": rid, "name": self._roles[rid]["name"]} for rid in ids]

    def remove_all_projects_grant(self, domain_id: str, agency_id: str, role_id: str) -> None:
        self.check_domain(domain_id)
        with self._lock:
            if (agency_id, role_id) not in self._inherited:
                raise ServiceError(404, NOT_FOUND, "The agency does not have this role on all projects.")
            self._inherited.discard((agency_id, role_id))

    def delete_agency(self, agency_id: str) -> None:
        """An agency is deleted with its grants (IAM removes them)."""
        with self._lock:
            name = next((n for n, a in self._agencies.items() if a["id"] == agency_id), None)
            if name is None:
                raise ServiceError(404, NOT_FOUND, "The agency does not exist.")
            del self._agencies[name]
            self._inherited = {(a, r) for a, r in self._inherited if a != agency_id}

    def delete_custom_policy(self, role_id: str) -> None:
        """Refused while an agency still holds the role, as IAM refuses it."""
        with self._lock:
            if role_id not in self._roles:
                raise ServiceError(404, NOT_FOUND, "The role does not exist.")
            if any(role == role_id for _, role in self._inherited):
                raise ServiceError(409, CONFLICT, "The role is still granted; remove the grant first.")
            del self._roles[role_id]

    def check_domain(self, domain_id: Any) -> None:
        if domain_id != self.domain_id:
            raise ServiceError(403, FORBIDDEN, "The domain_id is not this account's.")

    def has_agency(self, name: str) -> bool:
        with self._lock:
            return name in self._agencies

    @property
    def agencies(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._agencies.values()))
