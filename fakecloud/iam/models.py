"""IAM projects and agencies: what CTS/SMN consult to resolve a project's region or a trust.

Projects are `{region}` (the region's main project), `{region}_{suffix}` (a sub-project whose
parent is the main project when that exists) or the special `MOS` project, which has no
region. KeystoneListProjects lists them sorted by name.
"""

from __future__ import annotations

import copy
import re
import threading
import uuid
from typing import Any

_PROJECT_NAME_RE = re.compile(r"^[a-z]{2,}-[a-z0-9-]+(_[A-Za-z0-9_-]+)?$")
SPECIAL_PROJECTS = ("MOS",)  # real accounts have it; it belongs to no region


class IamBackend:
    """Projects (id -> name/region) and agencies (name -> record); thread-safe."""

    def __init__(self, domain_id: str) -> None:
        self.domain_id = domain_id
        self._lock = threading.Lock()
        self._projects: dict[str, dict[str, Any]] = {}
        self._agencies: dict[str, dict[str, Any]] = {}

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
                self._agencies[name] = {
                    "id": uuid.uuid4().hex,
                    "name": name,
                    "domain_id": self.domain_id,
                    "trust_domain_name": trust_domain,
                }
            return copy.deepcopy(self._agencies[name])

    def has_agency(self, name: str) -> bool:
        with self._lock:
            return name in self._agencies

    @property
    def agencies(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._agencies.values()))
