"""What the function decided and did, per target: the plain data that flows to the result.

Outcomes: created, already_tracked, updated, planned, skipped, failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

CREATED = "created"
ALREADY_TRACKED = "already_tracked"
UPDATED = "updated"
PLANNED = "planned"
SKIPPED = "skipped"
FAILED = "failed"
OUTCOMES = (CREATED, ALREADY_TRACKED, UPDATED, PLANNED, SKIPPED, FAILED)


@dataclass(frozen=True)
class Target:
    """A bucket or project that must be covered by a tracker."""

    kind: str  # "bucket" | "project"
    name: Optional[str]
    project_id: Optional[str]
    region: Optional[str]

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name or self.project_id or '?'}"


@dataclass(frozen=True)
class TrackerRef:
    name: str
    type: str
    id: Optional[str] = None


@dataclass(frozen=True)
class ErrorInfo:
    code: str
    message: str


@dataclass(frozen=True)
class TargetResult:
    """One line of the result; target is None for a trace about neither a bucket nor a project."""

    target: Optional[Target]
    outcome: str
    reason: str
    tracker: Optional[TrackerRef] = None
    error: Optional[ErrorInfo] = None
    transient: bool = False  # failed on throttling/5xx/timeouts after retries: a later retry may succeed

    def to_dict(self) -> Dict[str, Any]:
        """Plain dicts by hand: `dataclasses.asdict` deep-copies, which a 10,000-bucket sweep feels."""
        target, tracker, error = self.target, self.tracker, self.error
        return {
            "target": _target_dict(target) if target else None,
            "outcome": self.outcome,
            "tracker": {"name": tracker.name, "type": tracker.type, "id": tracker.id} if tracker else None,
            "reason": self.reason,
            "error": {"code": error.code, "message": error.message} if error else None,
        }


def _target_dict(target: Target) -> Dict[str, Any]:
    return {"kind": target.kind, "name": target.name, "project_id": target.project_id, "region": target.region}


def skipped(target: Optional[Target], reason: str) -> TargetResult:
    return TargetResult(target=target, outcome=SKIPPED, reason=reason)


def failed(target: Optional[Target], code: str, message: str, reason: Optional[str] = None) -> TargetResult:
    return TargetResult(
        target=target, outcome=FAILED, reason=reason or message, error=ErrorInfo(code=code, message=message)
    )
