"""The agency's custom policies: the template's actions split by IAM scope.

IAM requires a custom policy to hold actions of one scope only: global services (type AX) or
region-specific projects (type XA). The function needs both (IAM and OBS are global; CTS, SMN,
LTS and KMS are per project), so the deployer makes up to two policies from the one action list
and grants each to the agency on all resources (OS-INHERIT `inherited_to_projects`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

GLOBAL_SERVICES: Tuple[str, ...] = ("iam", "obs")
POLICY_VERSION = "1.1"
MAX_ACTIONS_PER_STATEMENT = 100


@dataclass(frozen=True)
class CustomPolicy:
    """One custom policy as the deployer wants it."""

    display_name: str
    type: str  # AX: global services, XA: region-specific projects
    actions: Tuple[str, ...]

    @property
    def description(self) -> str:
        scope = "global services" if self.type == "AX" else "region-specific projects"
        return f"cts-autotracker least-privilege policy ({scope}); managed by scripts/deploy.py"

    def document(self) -> Dict[str, Any]:
        """The policy body (`Version`/`Statement`), one Allow statement."""
        return {"Version": POLICY_VERSION, "Statement": [{"Effect": "Allow", "Action": list(self.actions)}]}


def scope_of(action: str) -> str:
    return "AX" if action.split(":", 1)[0] in GLOBAL_SERVICES else "XA"


def custom_policies(agency_name: str, actions: List[str]) -> List[CustomPolicy]:
    """`<agency>-project` (XA) and `<agency>-global` (AX), each only when it has actions."""
    out = []
    for type_, suffix in (("XA", "project"), ("AX", "global")):
        chosen = tuple(sorted(action for action in actions if scope_of(action) == type_))
        if len(chosen) > MAX_ACTIONS_PER_STATEMENT:
            raise ValueError(f"agency.actions: more than {MAX_ACTIONS_PER_STATEMENT} {type_} actions")
        if chosen:
            out.append(CustomPolicy(f"{agency_name}-{suffix}", type_, chosen))
    return out
