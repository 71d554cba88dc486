"""The one planner: from wanted targets and what is known of their projects to the steps to take.

Every trigger comes here. An event names its targets and knows nothing of their projects
(state unknown): a missing tracker is planned as a create, and a conflict is looked up only if
CTS answers one, which keeps a new bucket at two HTTP calls. A sweep has listed each project
(state known): targets are compliant, drifted or missing, and the quota is known up front.

Pure: no cloud calls. A request that breaks an API rule fails here, never on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Dict, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from pydantic import ValidationError

from ..contract import (
    ErrorCode,
    ErrorInfo,
    Kind,
    Outcome,
    Target,
    TargetResult,
    TrackerRef,
    TrackerType,
    failed,
    skipped,
)
from ..settings import Settings
from .naming import data_tracker_name
from .tracker_request import CreateTrackerBody, UpdateTrackerBody, data_tracker_body, system_tracker_body

if TYPE_CHECKING:  # the baseline and records load only when a project was listed
    from ..cloud.errors import CloudError
    from ..cloud.records import TrackerRecord
    from .baseline import Assessment

DATA_TRACKER_QUOTA = 100  # per project, not raisable
# In an audit, the failures that leave a target uncovered by its project's listed trackers (the
# result names no tracker) and that the function cannot fix: quota full, a request CTS would
# refuse, a bucket another tracker writes its trace files to (CTS.0213: a transfer bucket cannot
# be tracked), or a bucket whose region has no project to hold a tracker. Such a target is
# verified uncovered, whatever keeps it from being fixed.
UNCOVERED = frozenset(
    {
        ErrorCode.QUOTA_EXHAUSTED,
        ErrorCode.INVALID_REQUEST,
        ErrorCode.TRANSFER_BUCKET_CONFLICT,
        ErrorCode.NO_PROJECT,
    }
)


class Wanted(NamedTuple):
    """A target that must be covered, and the trace that asked for it (None in a sweep)."""

    target: Target
    source: Optional[str] = None  # operation and trace id, for the report
    invitation: bool = False  # an account invited to the organization: no member until it accepts


class Mode(NamedTuple):
    mutate: bool  # False in dry runs and audits: no create or update is sent
    audit: bool = False


@dataclass
class ProjectState:
    """A project's trackers as listed; `trackers is None` when they were not listed (events)."""

    trackers: Optional[List[TrackerRecord]] = None
    error: Optional[CloudError] = None
    quota_full: bool = False  # CTS.0200 seen while executing: no more data trackers
    # the organization's management tracker for this project's region, owned by another account
    organization_tracker: Optional[TrackerRef] = None
    _by_bucket: Optional[Dict[str, List[TrackerRecord]]] = field(default=None, repr=False)

    def covering(self, bucket: str) -> List[TrackerRecord]:
        """The data trackers of `bucket`, from an index built once (a sweep asks for every bucket)."""
        if self._by_bucket is None:
            self._by_bucket = {}
            for tracker in self.trackers or ():
                if tracker.type == TrackerType.DATA and tracker.bucket:
                    self._by_bucket.setdefault(tracker.bucket, []).append(tracker)
        return self._by_bucket.get(bucket, [])


class Create(NamedTuple):
    wanted: Wanted
    body: CreateTrackerBody


class Update(NamedTuple):
    assessment: Assessment
    body: UpdateTrackerBody


Step = Union[Create, Update, TargetResult]  # a TargetResult is a target already decided


def plan(
    wanted: Sequence[Wanted], states: Mapping[str, ProjectState], mode: Mode, settings: Settings
) -> Iterator[Step]:
    """One step per wanted target (distinct targets: the callers see to that), in order, as each
    is made: a sweep's first creates are sent while its thousands of other targets are planned."""
    free = {pid: DATA_TRACKER_QUOTA - _data_trackers(s) for pid, s in states.items() if s.trackers is not None}
    writers = _transfer_writers(states)
    unknown = ProjectState()
    for item in wanted:
        yield _step(item, states.get(item.target.project_id or "", unknown), writers, free, mode, settings)


def _step(
    item: Wanted,
    state: ProjectState,
    writers: Dict[str, List[Tuple[str, str]]],
    free: Dict[str, int],
    mode: Mode,
    settings: Settings,
) -> Step:
    target = item.target
    if target.kind == Kind.BUCKET and state.trackers is None:  # a sweep's inventory has excluded them already
        reason = exclusion(target.name or "", settings)
        if reason:
            return skipped(target, reason)
    if state.error is not None:
        message = f"listing trackers failed: {state.error.message}"
        listing = state.error
        return TargetResult(target, Outcome.FAILED, message, error=listing.info(message), transient=listing.transient)
    if state.trackers is None:  # not listed: create, and look only if CTS reports a conflict
        return _create(item, mode, settings)
    if target.kind == Kind.PROJECT:
        from .baseline import assess_project

        judged = _judged(assess_project(target, state.trackers, settings), mode, settings)
        if judged is not None:
            return judged
        if state.organization_tracker is not None:
            org = state.organization_tracker
            reason = f"covered by the organization tracker {org.name!r} of account {org.account_id}"
            return TargetResult(target, Outcome.ALREADY_TRACKED, reason, org)
        return _create(item, mode, settings)
    covering = state.covering(target.name or "")
    if target.name in writers:
        return _transfer_bucket(target, writers[target.name or ""], covering)
    if covering:  # a bucket no tracker records is simply missing: nothing to assess
        from .baseline import assess_bucket

        judged = _judged(assess_bucket(target, covering, settings), mode, settings)
        if judged is not None:
            return judged
    project_id = target.project_id or ""
    if free[project_id] <= 0:
        message, error = _quota_full(project_id, DATA_TRACKER_QUOTA - free[project_id])
        return TargetResult(target, Outcome.FAILED, message, error=error)
    step = _create(item, mode, settings)
    if not (isinstance(step, TargetResult) and step.outcome == Outcome.FAILED):
        free[project_id] -= 1  # a slot only for what will (or would) be created
    return step


def _judged(assessment: Assessment, mode: Mode, settings: Settings) -> Optional[Step]:
    """The step for a target its trackers cover, compliant or drifted; None when it is missing."""
    from .baseline import State, ref

    if assessment.state == State.COMPLIANT:
        covering = ref(assessment.tracker) if assessment.tracker else None
        name = covering.name if covering else "?"
        return TargetResult(assessment.target, Outcome.ALREADY_TRACKED, f"compliant: covered by {name!r}", covering)
    if assessment.state == State.DRIFTED:
        return _drifted(assessment, mode, settings)
    return None


@lru_cache(maxsize=256)
def _quota_full(project_id: str, used: int) -> Tuple[str, ErrorInfo]:
    """One message and error per full project, shared by its thousands of refused buckets."""
    message = f"data tracker quota is full in project {project_id} ({used}/{DATA_TRACKER_QUOTA}, not raisable)"
    message += "; not created"
    return message, ErrorInfo(ErrorCode.QUOTA_EXHAUSTED, message)


def exclusion(bucket: str, settings: Settings) -> Optional[str]:
    """Why a bucket must never be tracked, or None."""
    if bucket == settings.trace_bucket:
        return "this is the transfer bucket (TRACE_BUCKET); tracking it would log its own writes"
    pattern = settings.is_excluded(bucket) if settings.exclude_buckets else None  # a sweep asks 10,000 times
    return f"matches EXCLUDE_BUCKETS pattern {pattern!r}" if pattern else None


def desired_body(target: Target, settings: Settings) -> CreateTrackerBody:
    """The tracker a target should have; raises ValidationError if the API rules forbid it."""
    if target.kind == Kind.PROJECT:
        return system_tracker_body(settings)
    bucket = target.name or ""
    return data_tracker_body(bucket, data_tracker_name(bucket), settings)


def planned(target: Target, body: CreateTrackerBody, reason: str = "dry run") -> TargetResult:
    what = f"would create {body.tracker_type} tracker {body.tracker_name!r}"
    return TargetResult(target, Outcome.PLANNED, f"{reason}: {what}", TrackerRef(body.tracker_name, body.tracker_type))


def _create(item: Wanted, mode: Mode, settings: Settings) -> Step:
    target = item.target
    try:
        body = desired_body(target, settings)
    except ValidationError as error:
        return _rule_failure(target, error)
    if mode.audit:
        result = planned(target, body, reason="not covered")
        return result._replace(error=ErrorInfo(ErrorCode.NOT_COVERED, f"{target.label} has no tracker"))
    if not mode.mutate:
        return planned(target, body)
    return Create(item, body)


def _drifted(assessment: Assessment, mode: Mode, settings: Settings) -> Step:
    from .baseline import ref, repair_body

    target = assessment.target
    covering = ref(assessment.tracker) if assessment.tracker else None
    drift = "; ".join(assessment.drift)
    if mode.audit or not settings.remediate_drift:
        why = "report only" if mode.audit else "REMEDIATE_DRIFT is off"
        error = ErrorInfo(ErrorCode.TRACKER_DRIFT, drift)
        return TargetResult(target, Outcome.ALREADY_TRACKED, f"drift ({why}): {drift}", covering, error)
    try:
        body = repair_body(assessment, settings)
    except ValidationError as error:
        return _rule_failure(target, error)
    if not mode.mutate:
        return TargetResult(target, Outcome.PLANNED, f"dry run: would repair drift: {drift}", covering)
    return Update(assessment, body)


def _rule_failure(target: Target, error: ValidationError) -> TargetResult:
    problems = "; ".join(str(item["msg"]).removeprefix("Value error, ") for item in error.errors())
    message = f"the CreateTracker request would break the API rules: {problems}"
    return failed(target, ErrorCode.INVALID_REQUEST, message)


def _data_trackers(state: ProjectState) -> int:
    return sum(tracker.type == TrackerType.DATA for tracker in state.trackers or ())


def _transfer_writers(states: Mapping[str, ProjectState]) -> Dict[str, List[Tuple[str, str]]]:
    """Every bucket a listed tracker writes its trace files to, with those trackers' (name, project);
    the name is "" for a tracker this function manages (named for its bucket)."""
    writers: Dict[str, List[Tuple[str, str]]] = {}
    for project_id, state in states.items():
        for tracker in state.trackers or ():
            if tracker.transfer_bucket:
                managed = tracker.bucket is not None and tracker.name == data_tracker_name(tracker.bucket)
                writers.setdefault(tracker.transfer_bucket, []).append(("" if managed else tracker.name, project_id))
    return writers


def _transfer_bucket(target: Target, writers: List[Tuple[str, str]], covering: List[TrackerRecord]) -> TargetResult:
    """Tracking a transfer bucket would record CTS's own deliveries, in a loop. The function's own
    trackers' buckets are skipped quietly; another tracker's is for a human to decide. The result
    names a tracker recording the bucket, if one does: without one it is verified uncovered."""
    others = [(name, project_id) for name, project_id in writers if name]
    if not others:
        return skipped(target, "trackers this function manages write their trace files here; never tracked")
    named = ", ".join(f"{name!r} (project {project_id})" for name, project_id in others[:3])
    message = (
        f"tracker {named} writes its trace files to this bucket: tracking it would record those writes "
        "in a loop. Decide, and add it to EXCLUDE_BUCKETS if it should stay untracked"
    )
    from .baseline import ref

    error = ErrorInfo(ErrorCode.TRANSFER_BUCKET_CONFLICT, message)
    return TargetResult(target, Outcome.FAILED, message, ref(covering[0]) if covering else None, error)
