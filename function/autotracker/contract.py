"""The function's public contract as types: outcomes, target kinds, our own error codes, and
the per-target result that flows to the invocation's JSON and report.

Enums are string-valued, so the JSON is the plain strings the README documents (a test holds
the README's tables to these enums).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Dict, Optional


class _Text(str, Enum):
    """A string-valued enum that reads as its value everywhere (JSON, f-strings, comparisons)."""

    def __str__(self) -> str:
        return str(self.value)


class Outcome(_Text):
    CREATED = "created"
    ALREADY_TRACKED = "already_tracked"
    UPDATED = "updated"
    PLANNED = "planned"  # dry run
    SKIPPED = "skipped"
    FAILED = "failed"


class Kind(_Text):
    BUCKET = "bucket"
    PROJECT = "project"


class ErrorCode(_Text):
    """The function's own codes; a failed cloud call carries the service's code instead (`CTS.0200`)."""

    INVALID_EVENT = "InvalidEvent"
    UNAUTHENTICATED = "Unauthenticated"
    INVALID_CONFIGURATION = "InvalidConfiguration"
    MISSING_CREDENTIALS = "MissingCredentials"
    INTERNAL_ERROR = "InternalError"
    INVALID_REQUEST = "InvalidRequest"
    NOT_FOUND = "NotFound"
    NOT_REACHED = "NotReached"
    DEADLINE_EXCEEDED = "DeadlineExceeded"
    QUOTA_EXHAUSTED = "QuotaExhausted"
    TRACKER_DRIFT = "TrackerDrift"
    NOT_COVERED = "NotCovered"
    COVERAGE_UNVERIFIED = "CoverageUnverified"
    LOCATION_UNKNOWN = "LocationUnknown"
    UNKNOWN_REGION = "UnknownRegion"
    TRANSFER_BUCKET_CONFLICT = "TransferBucketConflict"


@dataclass(frozen=True)
class Target:
    """A bucket or project that must be covered by a tracker."""

    kind: Kind
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
    code: str  # an ErrorCode, or the service's own code
    message: str


@dataclass(frozen=True)
class TargetResult:
    """One line of the result; target is None for a trace about neither a bucket nor a project."""

    target: Optional[Target]
    outcome: Outcome
    reason: str
    tracker: Optional[TrackerRef] = None
    error: Optional[ErrorInfo] = None
    transient: bool = False  # failed on throttling/5xx/timeouts after retries: a later retry may succeed

    def to_dict(self) -> Dict[str, Any]:
        """Plain dicts by hand: `dataclasses.asdict` deep-copies, which a 10,000-bucket sweep feels."""
        target, tracker, error = self.target, self.tracker, self.error
        return {
            "target": _target_dict(target) if target else None,
            "outcome": self.outcome.value,
            "tracker": {"name": tracker.name, "type": tracker.type, "id": tracker.id} if tracker else None,
            "reason": self.reason,
            "error": {"code": str(error.code), "message": error.message} if error else None,
        }


def _target_dict(target: Target) -> Dict[str, Any]:
    return {"kind": target.kind.value, "name": target.name, "project_id": target.project_id, "region": target.region}


def skipped(target: Optional[Target], reason: str) -> TargetResult:
    return TargetResult(target=target, outcome=Outcome.SKIPPED, reason=reason)


def failed(target: Optional[Target], code: str, message: str, reason: Optional[str] = None) -> TargetResult:
    return TargetResult(
        target=target, outcome=Outcome.FAILED, reason=reason or message, error=ErrorInfo(code=code, message=message)
    )
