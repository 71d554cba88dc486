"""Carry out planned CreateTracker steps and turn each answer into an outcome.

Idempotency comes from the service: CTS.0201 / CTS.0208 / CTS.0209 mean the
target is already covered. Only then is one ListTrackers call made, to report
which tracker covers it, so a new target costs exactly one call.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

from .baseline import trackers_of_bucket
from .gateway import CloudError, Gateway, is_transient, service_code
from .intents import Intent
from .outcomes import (
    ALREADY_TRACKED,
    CREATED,
    FAILED,
    ErrorInfo,
    TargetResult,
    TrackerRef,
)
from .plan import CreateTracker, Step, planned
from .tracker_request import CreateTrackerBody

ALREADY_COVERED = {
    "CTS.0201": "the project already has its management tracker",
    "CTS.0208": "a tracker with this name already exists",
    "CTS.0209": "the bucket's operations are already tracked by another tracker",
}
BUCKET_NOT_VISIBLE_YET = "CTS.0211"


def apply(steps: Sequence[Step], gateway: Gateway, dry_run: bool) -> List[TargetResult]:
    return [step if isinstance(step, TargetResult) else create(step, gateway, dry_run) for step in steps]


def create(step: CreateTracker, gateway: Gateway, dry_run: bool = False) -> TargetResult:
    """One CreateTracker step, whatever the service answers (the sweep runs these in its pool)."""
    target, body = step.intent.target, step.body
    ours = TrackerRef(name=body.tracker_name, type=body.tracker_type)
    if dry_run:
        return planned(target, body)
    region, project_id = target.region or "", target.project_id or ""
    try:
        record = gateway.create_tracker(region, project_id, body.to_wire(), retry_on=_retry_on(body.tracker_type))
    except CloudError as error:
        if error.code in ALREADY_COVERED:
            return _already_covered(step.intent, body, ours, error, gateway)
        # a bucket still invisible after the retries may appear later: let a later retry try again
        transient = error.transient or (body.tracker_type == "data" and error.code == BUCKET_NOT_VISIBLE_YET)
        error_info = ErrorInfo(error.code, error.message)
        return TargetResult(target, FAILED, _failure_reason(error), ours, error_info, transient=transient)
    created = TrackerRef(name=str(record.get("tracker_name") or ours.name), type=ours.type, id=record.get("id"))
    return TargetResult(
        target, CREATED, f"created {created.type} tracker {created.name!r} ({step.intent.source})", created
    )


def _retry_on(tracker_type: str) -> Any:
    """A bucket may not be visible to CTS for a few seconds after creation: retry CTS.0211 too."""

    def retry(error: BaseException) -> bool:
        return is_transient(error) or (tracker_type == "data" and service_code(error) == BUCKET_NOT_VISIBLE_YET)

    return retry


def _failure_reason(error: CloudError) -> str:
    if error.transient:
        return f"transient failure persisted after retries: {error.code} {error.message}".strip()
    if error.status in (401, 403):
        return f"not authorised ({error.code}); check the agency's permissions"
    return f"CreateTracker refused: {error.code} {error.message}".strip()


def _already_covered(
    intent: Intent, body: CreateTrackerBody, ours: TrackerRef, error: CloudError, gateway: Gateway
) -> TargetResult:
    target = intent.target
    why = ALREADY_COVERED[error.code]
    try:
        trackers = gateway.list_trackers(target.region or "", target.project_id or "", tracker_type=body.tracker_type)
    except CloudError as lookup:
        if error.code == "CTS.0208":  # only the name is known to be taken: by what cannot be told
            message = f"tracker {ours.name!r} exists but could not be checked: {lookup.code} {lookup.message}"
            return TargetResult(target, FAILED, message, ours, ErrorInfo(lookup.code, message), lookup.transient)
        # covered by something, but whether that tracker is enabled and complete is unknown: say so,
        # and let an async retry look again
        message = f"{why} ({error.code}), but the covering tracker could not be checked: {lookup.code} {lookup.message}"
        return TargetResult(
            target, ALREADY_TRACKED, message, ours, ErrorInfo("CoverageUnverified", message), transient=True
        )
    covering = trackers if body.tracker_type == "system" else trackers_of_bucket(target.name or "", trackers)
    if not covering:
        if error.code == "CTS.0208":
            message = f"tracker {ours.name!r} exists but does not track {target.label}"
            return TargetResult(target, FAILED, message, ours, ErrorInfo(error.code, message))
        return TargetResult(target, ALREADY_TRACKED, f"{why} ({error.code})", ours)
    primary = next((t for t in covering if t.get("tracker_name") == ours.name), covering[0])
    found = TrackerRef(name=str(primary.get("tracker_name")), type=body.tracker_type, id=primary.get("id"))
    gaps = _gaps(covering, body)
    drift = ErrorInfo("TrackerDrift", "; ".join(gaps)) if gaps else None
    reason = f"{why} ({error.code}): {found.name!r}{_events_note(primary)}"
    if _made_for(intent, primary, ours):  # the outcome stays already_tracked; the report says who made it
        reason = f"{found.name!r} was created for this event by an earlier attempt or delivery ({error.code})"
    return TargetResult(target, ALREADY_TRACKED, reason, found, drift)


def _made_for(intent: Intent, tracker: Dict[str, Any], ours: TrackerRef) -> bool:
    """Our tracker, made at or after the traced creation: an earlier attempt at this event made it
    (its answer was lost, or its report was), and the retry's report says so."""
    made = tracker.get("create_time")
    return (
        intent.since_ms is not None
        and tracker.get("tracker_name") == ours.name
        and isinstance(made, int)
        and not isinstance(made, bool)
        and made >= intent.since_ms
    )


def _gaps(covering: List[Dict[str, Any]], body: CreateTrackerBody) -> List[str]:
    """What the existing trackers leave uncovered: disabled or failing trackers, missing events."""
    gaps = [
        f"tracker {t.get('tracker_name')!r} is {t.get('status')}" + (f" ({t['detail']})" if t.get("detail") else "")
        for t in covering
        if t.get("status") not in (None, "enabled")
    ]
    if body.data_bucket is not None:
        live = [t for t in covering if t.get("status") in (None, "enabled")]
        tracked = {event for t in live for event in (t.get("data_bucket") or {}).get("data_event") or []}
        missing = [event for event in body.data_bucket.data_event if event not in tracked]
        if missing:
            gaps.append("events not tracked: " + ",".join(missing) + " (the baseline sweep repairs this)")
    return gaps


def _events_note(tracker: Dict[str, Any]) -> str:
    events = (tracker.get("data_bucket") or {}).get("data_event")
    return f" (events {','.join(events)})" if events else ""
