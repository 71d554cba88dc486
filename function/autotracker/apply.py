"""Carry out planned CreateTracker steps and turn each answer into an outcome.

Idempotency comes from the service: CTS.0201 / CTS.0208 / CTS.0209 mean the
target is already covered. Only then is one ListTrackers call made, to report
which tracker covers it, so a new target costs exactly one call.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from .gateway import CloudError, Gateway, is_transient
from .outcomes import (
    ALREADY_TRACKED,
    CREATED,
    FAILED,
    ErrorInfo,
    Target,
    TargetResult,
    TrackerRef,
)
from .plan import CreateTracker, Step, planned

ALREADY_COVERED = {
    "CTS.0201": "the project already has its management tracker",
    "CTS.0208": "a tracker with this name already exists",
    "CTS.0209": "the bucket's operations are already tracked by another tracker",
}
BUCKET_NOT_VISIBLE_YET = "CTS.0211"


def apply(steps: Sequence[Step], gateway: Gateway, dry_run: bool) -> List[TargetResult]:
    return [step if isinstance(step, TargetResult) else _run(step, gateway, dry_run) for step in steps]


def _run(step: CreateTracker, gateway: Gateway, dry_run: bool) -> TargetResult:
    target, body = step.intent.target, step.body
    ours = TrackerRef(name=body.tracker_name, type=body.tracker_type)
    if dry_run:
        return planned(target, body)
    region, project_id = target.region or "", target.project_id or ""
    try:
        record = gateway.create_tracker(region, project_id, body.to_wire(), retry_on=_retry_on(body.tracker_type))
    except CloudError as error:
        if error.code in ALREADY_COVERED:
            return _already_covered(target, body.tracker_type, ours, error, gateway)
        error_info = ErrorInfo(error.code, error.message)
        return TargetResult(target, FAILED, _failure_reason(error), ours, error_info, transient=error.transient)
    created = TrackerRef(name=str(record.get("tracker_name") or ours.name), type=ours.type, id=record.get("id"))
    return TargetResult(
        target, CREATED, f"created {created.type} tracker {created.name!r} ({step.intent.source})", created
    )


def _retry_on(tracker_type: str) -> Any:
    """A bucket may not be visible to CTS for a few seconds after creation: retry CTS.0211 too."""

    def retry(error: BaseException) -> bool:
        code = getattr(error, "error_code", None)
        return is_transient(error) or (tracker_type == "data" and code == BUCKET_NOT_VISIBLE_YET)

    return retry


def _failure_reason(error: CloudError) -> str:
    if error.transient:
        return f"transient failure persisted after retries: {error.code} {error.message}".strip()
    if error.status in (401, 403):
        return f"not authorised ({error.code}); check the agency's permissions"
    return f"CreateTracker refused: {error.code} {error.message}".strip()


def _already_covered(
    target: Target, tracker_type: str, ours: TrackerRef, error: CloudError, gateway: Gateway
) -> TargetResult:
    why = ALREADY_COVERED[error.code]
    try:
        trackers = gateway.list_trackers(target.region or "", target.project_id or "", tracker_type=tracker_type)
    except CloudError as lookup_error:
        return TargetResult(target, ALREADY_TRACKED, f"{why} ({error.code}); lookup failed: {lookup_error.code}", ours)
    covering = _covering(target, tracker_type, ours, trackers)
    if covering is None:
        if error.code == "CTS.0208":
            message = f"tracker {ours.name!r} exists but does not track {target.label}"
            return TargetResult(target, FAILED, message, ours, ErrorInfo(error.code, message))
        return TargetResult(target, ALREADY_TRACKED, f"{why} ({error.code})", ours)
    found = TrackerRef(name=str(covering.get("tracker_name")), type=tracker_type, id=covering.get("id"))
    return TargetResult(target, ALREADY_TRACKED, f"{why} ({error.code}): {found.name!r}{_events_note(covering)}", found)


def _covering(
    target: Target, tracker_type: str, ours: TrackerRef, trackers: List[Dict[str, Any]]
) -> Optional[Dict[str, Any]]:
    if tracker_type == "system":
        return next(iter(trackers), None)
    mine = [t for t in trackers if (t.get("data_bucket") or {}).get("data_bucket_name") == target.name]
    return next((t for t in mine if t.get("tracker_name") == ours.name), next(iter(mine), None))


def _events_note(tracker: Dict[str, Any]) -> str:
    events = (tracker.get("data_bucket") or {}).get("data_event")
    status = tracker.get("status")
    notes = []
    if events:
        notes.append("events " + ",".join(events))
    if status and status != "enabled":
        notes.append(f"status {status}")
    return f" ({'; '.join(notes)})" if notes else ""
