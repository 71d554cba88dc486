"""From intents to the CreateTracker requests to send, applying the configuration's exclusions.

Pure: no cloud calls. A request that breaks an API rule fails here, never on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Union

from pydantic import ValidationError

from .intents import Intent
from .naming import data_tracker_name
from .outcomes import PLANNED, Target, TargetResult, TrackerRef, failed, skipped
from .settings import Settings
from .tracker_request import CreateTrackerBody, data_tracker_body, system_tracker_body


@dataclass(frozen=True)
class CreateTracker:
    intent: Intent
    body: CreateTrackerBody


Step = Union[CreateTracker, TargetResult]


def plan(intents: Sequence[Intent], settings: Settings) -> List[Step]:
    """One step per distinct target: repeated targets in one delivery are planned once."""
    steps: List[Step] = []
    seen = set()
    for intent in intents:
        if intent.target in seen:
            continue
        seen.add(intent.target)
        steps.append(_step(intent, settings))
    return steps


def exclusion(bucket: str, settings: Settings) -> Optional[str]:
    """Why a bucket must never be tracked, or None."""
    if bucket == settings.trace_bucket:
        return "this is the transfer bucket (TRACE_BUCKET); tracking it would log its own writes"
    pattern = settings.is_excluded(bucket)
    return f"matches EXCLUDE_BUCKETS pattern {pattern!r}" if pattern else None


def desired_body(target: Target, settings: Settings) -> CreateTrackerBody:
    """The tracker a target should have; raises ValidationError if the API rules forbid it."""
    if target.kind == "project":
        return system_tracker_body(settings)
    bucket = target.name or ""
    return data_tracker_body(bucket, data_tracker_name(bucket), settings)


def rule_failure(target: Target, error: ValidationError) -> TargetResult:
    problems = "; ".join(str(item["msg"]).removeprefix("Value error, ") for item in error.errors())
    return failed(target, "InvalidRequest", f"the CreateTracker request would break the API rules: {problems}")


def planned(target: Target, body: CreateTrackerBody, reason: str = "dry run") -> TargetResult:
    what = f"would create {body.tracker_type} tracker {body.tracker_name!r}"
    return TargetResult(target, PLANNED, f"{reason}: {what}", TrackerRef(body.tracker_name, body.tracker_type))


def _step(intent: Intent, settings: Settings) -> Step:
    target = intent.target
    reason = exclusion(target.name or "", settings) if target.kind == "bucket" else None
    if reason:
        return skipped(target, reason)
    try:
        return CreateTracker(intent, desired_body(target, settings))
    except ValidationError as error:
        return rule_failure(target, error)
