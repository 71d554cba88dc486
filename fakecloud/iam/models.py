"""IAM projects and agencies: what CTS/SMN consult to resolve a project's region or a trust."""

from __future__ import annotations

import copy
import re
import threading
import uuid
from typing import Any

_PROJECT_NAME_RE = re.compile(r"^[a-z]{2,}-[a-z0-9-]+(_[A-Za-z0-9_-]+)?$")


class IamBackend:
    """Projects (id -> name/region) and agencies (name -> record); thread-safe."""

    def __init__(self, domain_id: str) -> None:
        self.domain_id = domain_id
        self._lock = threading.Lock()
        self._projects: dict[str, dict[str, Any]] = {}
        self._agencies: dict[str, dict[str, Any]] = {}

    def add_project(self, name: str, project_id: str | None = None) -> str:
        """Register `{region}` or `{region}_{suffix}`; the region is the part before the first '_'."""
        if not _PROJECT_NAME_RE.match(name):
            raise ValueError(f"project name {name!r} is not '{{region}}' or '{{region}}_{{suffix}}'")
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
                "region": name.split("_", 1)[0],
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
        with self._lock:
            found = self._projects.get(project_id)
            return str(found["region"]) if found else None

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
