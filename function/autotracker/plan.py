"""From intents to the CreateTracker requests to send, applying the configuration's exclusions.

Pure: no cloud calls. A request that breaks an API rule fails here, never on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence, Union

from pydantic import ValidationError

from .intents import Intent
from .naming import data_tracker_name
from .outcomes import TargetResult, failed, skipped
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


def _step(intent: Intent, settings: Settings) -> Step:
    target = intent.target
    try:
        if target.kind == "project":
            return CreateTracker(intent, system_tracker_body(settings))
        bucket = target.name or ""
        if bucket == settings.trace_bucket:
            return skipped(target, "this is the transfer bucket (TRACE_BUCKET); tracking it would log its own writes")
        pattern = settings.is_excluded(bucket)
        if pattern:
            return skipped(target, f"matches EXCLUDE_BUCKETS pattern {pattern!r}")
        return CreateTracker(intent, data_tracker_body(bucket, data_tracker_name(bucket), settings))
    except ValidationError as error:
        problems = "; ".join(str(item["msg"]).removeprefix("Value error, ") for item in error.errors())
        return failed(target, "InvalidRequest", f"the CreateTracker request would break the API rules: {problems}")
