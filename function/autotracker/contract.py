"""The function's public contract as types: outcomes, target kinds, our own error codes, and
the per-target result that flows to the invocation's JSON and report.

Enums are string-valued, so the JSON is the plain strings docs/results.md documents (a test holds
its tables to these enums).
"""

from __future__ import annotations

from collections import Counter
from enum import Enum
from typing import Any, Dict, NamedTuple, Optional, Sequence

from .version import __version__


class _Text(str, Enum):
    """A string-valued enum that reads as its value everywhere (JSON, f-strings, comparisons).
    Hashing is str's (C), not Enum's (Python): sweeps count and key thousands of these."""

    __hash__ = str.__hash__

    def __str__(self) -> str:
        return _plain(self)


_plain = str.__str__  # the member's own text, without Enum's slower `.value` descriptor


class Outcome(_Text):
    CREATED = "created"
    ALREADY_TRACKED = "already_tracked"
    UPDATED = "updated"
    PLANNED = "planned"  # dry run
    DISPATCHED = "dispatched"  # an account's sweep was handed to FunctionGraph (organization sweeps)
    JUDGED = "judged"  # Config's account record: judged from the resources in scope, never itself covered
    SKIPPED = "skipped"
    FAILED = "failed"


class TrackerStatus(_Text):
    """A tracker's status as CTS lists it (compared case-insensitively) and as UpdateTracker sets it.
    Only ENABLED means recording; anything else, or no status, never counts as coverage."""

    ENABLED = "enabled"
    DISABLED = "disabled"
    ERROR = "error"


QUIET = frozenset({Outcome.ALREADY_TRACKED, Outcome.SKIPPED, Outcome.JUDGED})  # nothing done and nothing wrong


class Trigger(_Text):
    CTS = "cts"
    EVENTGRID = "eventgrid"
    TIMER = "timer"
    MANUAL = "manual"
    APIG = "apig"
    CONFIG = "config"  # a Config (RMS) custom-rule evaluation
    REMEDIATION = "remediation"  # Config's remediation of one noncompliant resource (answered, not retried)
    FANOUT = "fanout"  # an organization run's member sweep, queued by the coordinator (async invoke)
    UNKNOWN = "unknown"


# FunctionGraph retries these (Config invokes its rule functions asynchronously too; the
# coordinator queues FANOUT with AsyncInvokeFunction). MANUAL and APIG callers wait for the answer,
# and so does Config's remediation (it counts attempts and reports a failed execution: docs/config-rule.md).
ASYNC_TRIGGERS = frozenset({Trigger.CTS, Trigger.EVENTGRID, Trigger.TIMER, Trigger.CONFIG, Trigger.FANOUT})


class Kind(_Text):
    BUCKET = "bucket"
    PROJECT = "project"
    ACCOUNT = "account"  # a member account of the organization


class ErrorCode(_Text):
    """The function's own codes; a failed cloud call carries the service's code instead (`CTS.0200`)."""

    INVALID_EVENT = "InvalidEvent"
    UNAUTHENTICATED = "Unauthenticated"
    INVALID_CONFIGURATION = "InvalidConfiguration"
    MISSING_CREDENTIALS = "MissingCredentials"
    INTERNAL_ERROR = "InternalError"
    INVALID_RESPONSE = "InvalidResponse"  # a service answered what cannot be read (no id, a looping marker)
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
    NO_PROJECT = "NoProject"  # the bucket exists, but its region has no project to hold a tracker
    TRANSFER_BUCKET_CONFLICT = "TransferBucketConflict"
    AGENCY_UNAVAILABLE = "AgencyUnavailable"
    OUT_OF_SCOPE = "OutOfScope"  # an account this function may not act in now (organization checks)
    NOT_IN_SCOPE = "NotInScope"  # a Config remediation named a resource this function does not cover
    QUOTA_NEARLY_FULL = "QuotaNearlyFull"  # a project's data trackers at or above QUOTA_WARN_PERCENT (a warning)


class Target(NamedTuple):
    """A bucket or project that must be covered by a tracker."""

    kind: Kind
    name: Optional[str]
    project_id: Optional[str]
    region: Optional[str]
    account_id: Optional[str] = None  # set in organization sweeps: the member account it lives in

    @property
    def label(self) -> str:
        where = f" in account {self.account_id}" if self.account_id and self.kind != Kind.ACCOUNT else ""
        return f"{self.kind} {self.name or self.project_id or self.account_id or '?'}{where}"


class TrackerType(_Text):
    SYSTEM = "system"  # a management tracker: the project's management events
    DATA = "data"  # a data tracker: one bucket's object events


class TrackerRef(NamedTuple):
    name: str
    type: str  # a TrackerType
    id: Optional[str] = None
    account_id: Optional[str] = None  # only when another account owns it (the organization tracker)


class ErrorInfo(NamedTuple):
    code: str  # an ErrorCode, or the service's own code
    message: str
    request_id: Optional[str] = None  # the service's request id of the failed call, to quote to support

    def to_dict(self) -> Dict[str, Any]:
        return {"code": _plain(self.code), "message": self.message, "request_id": self.request_id}


class TargetResult(NamedTuple):
    """One line of the result; target is None for a trace about neither a bucket nor a project."""

    target: Optional[Target]
    outcome: Outcome
    reason: str
    tracker: Optional[TrackerRef] = None
    error: Optional[ErrorInfo] = None
    transient: bool = False  # failed on throttling/5xx/timeouts after retries: a later retry may succeed
    queued_request_id: Optional[str] = None  # an organization run: FunctionGraph's id of the queued member sweep

    def to_dict(self) -> Dict[str, Any]:
        """Plain dicts by hand: `dataclasses.asdict` deep-copies, which a 10,000-bucket sweep feels."""
        target, tracker, error = self.target, self.tracker, self.error
        out = {
            "target": _target_dict(target) if target else None,
            "outcome": _plain(self.outcome),
            "tracker": _tracker_dict(tracker) if tracker else None,
            "reason": self.reason,
            "error": error.to_dict() if error else None,
        }
        if self.queued_request_id is not None:
            out["queued_request_id"] = self.queued_request_id
        return out


def _target_dict(target: Target) -> Dict[str, Any]:
    out = {"kind": _plain(target.kind), "name": target.name, "project_id": target.project_id, "region": target.region}
    if target.account_id is not None:
        out["account_id"] = target.account_id
    return out


def _tracker_dict(tracker: TrackerRef) -> Dict[str, Any]:
    out = {"name": tracker.name, "type": tracker.type, "id": tracker.id}
    if tracker.account_id is not None:
        out["account_id"] = tracker.account_id
    return out


def skipped(target: Optional[Target], reason: str) -> TargetResult:
    return TargetResult(target=target, outcome=Outcome.SKIPPED, reason=reason)


def failed(target: Optional[Target], code: str, message: str, reason: Optional[str] = None) -> TargetResult:
    return TargetResult(
        target=target, outcome=Outcome.FAILED, reason=reason or message, error=ErrorInfo(code=code, message=message)
    )


def needs_attention(result: TargetResult) -> bool:
    """Created, repaired, planned, failed or flagged: what a reader of a sweep report must see."""
    return result.error is not None or result.outcome not in QUIET


def summarise(results: Sequence[TargetResult]) -> Dict[str, int]:
    """How many targets ended in each outcome (outcomes with none are left out)."""
    tally = Counter(result.outcome for result in results)
    return {_plain(outcome): tally[outcome] for outcome in Outcome if tally[outcome]}


class Notification(NamedTuple):
    """What became of the SMN report."""

    sent: bool
    reason: str
    topic_urn: Optional[str] = None
    message_id: Optional[str] = None
    error: Optional[ErrorInfo] = None
    publish_failed: bool = False  # SMN refused or lost it (a retry may send it), not a message that could not be built

    def to_dict(self) -> Dict[str, Any]:
        return {
            "sent": self.sent,
            "topic_urn": self.topic_urn,
            "message_id": self.message_id,
            "error": self.error.to_dict() if self.error else None,
            "reason": self.reason,
        }


NOTHING_DONE = Notification(False, "nothing was done")


class InvocationResult(NamedTuple):
    """The invocation's answer (FunctionGraph returns `to_dict()`; APIG wraps it in HTTP)."""

    trigger: Trigger
    dry_run: bool
    results: Sequence[TargetResult]
    notification: Notification
    error: Optional[ErrorInfo] = None  # the invocation as a whole failed (bad event, inventory unreadable)
    request_id: Optional[str] = None  # FunctionGraph's, for the logs
    report: Optional[Any] = None  # reports.ReportObjects: where the auditor's report was written
    quota: Sequence[Dict[str, Any]] = ()  # per project: data trackers in use (pipeline/quota.py QuotaUse.to_dict)

    def to_dict(self) -> Dict[str, Any]:
        summary = summarise(self.results)
        # not ok when anything needs attention: a failure, an error on a target, a failed publish
        attention = bool(summary.get(Outcome.FAILED.value)) or any(r.error is not None for r in self.results)
        report_failed = self.report is not None and self.report.error is not None
        return {
            "ok": not attention and self.notification.error is None and self.error is None and not report_failed,
            "version": __version__,
            "trigger": _plain(self.trigger),
            "dry_run": self.dry_run,
            "request_id": self.request_id,
            "summary": summary,
            "results": [result.to_dict() for result in self.results],
            "notification": self.notification.to_dict(),
            "report": self.report.to_dict() if self.report is not None else None,
            "quota": list(self.quota),
            "error": self.error.to_dict() if self.error else None,
        }
