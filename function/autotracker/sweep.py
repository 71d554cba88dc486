"""Baseline sweep: inventory -> current state -> plan -> apply, for the whole scope or named targets.

Listing cost does not grow with the number of buckets: one OBS ListBuckets,
IAM project pages, and one ListTrackers per project in scope. Creates and
updates run with bounded concurrency and stop starting new work before the
invocation's time runs out; what was not reached is reported as such.
"""

from __future__ import annotations

import fnmatch
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from pydantic import ValidationError

from .apply import create
from .baseline import COMPLIANT, DRIFTED, Assessment, assess_bucket, assess_project, repair_body
from .gateway import CloudError, Gateway
from .intents import Intent
from .naming import data_tracker_name
from .outcomes import (
    ALREADY_TRACKED,
    FAILED,
    PLANNED,
    UPDATED,
    ErrorInfo,
    Target,
    TargetResult,
    TrackerRef,
    failed,
    skipped,
)
from .plan import CreateTracker, desired_body, exclusion, planned, rule_failure
from .retry import Deadline
from .settings import REGION, Settings
from .tracker_request import UpdateTrackerBody

DATA_TRACKER_QUOTA = 100  # per project, not raisable
START_RESERVE_SECONDS = 5.0  # no new create/update with less time left (the report still needs to go out)


class SweepError(Exception):
    """The inventory could not be read, so nothing can be judged."""

    def __init__(self, error: CloudError, what: str):
        super().__init__(f"{what} failed: {error.code} {error.message}")
        self.code = error.code
        self.transient = error.transient


@dataclass(frozen=True)
class Scope:
    regions: Tuple[str, ...]
    buckets: Tuple[str, ...] = ()
    projects: Tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        return not (self.buckets or self.projects)


@dataclass(frozen=True)
class Mode:
    mutate: bool  # False in dry runs and audits: no create or update is sent
    audit: bool = False


@dataclass(frozen=True)
class Update:
    assessment: Assessment
    body: UpdateTrackerBody


@dataclass
class _ProjectState:
    trackers: List[Dict[str, Any]] = field(default_factory=list)
    error: Optional[CloudError] = None
    quota_full: bool = False


Step = Union[CreateTracker, Update, TargetResult]


def sweep(
    scope: Scope,
    mode: Mode,
    settings: Settings,
    gateway: Gateway,
    deadline: Deadline,
    default_project_id: str,
) -> List[TargetResult]:
    buckets, projects = _inventory(scope, settings, gateway, default_project_id)
    buckets = _locate(buckets, scope, settings, gateway)
    targets, early = _targets(scope, settings, buckets, projects)
    states = _current_state(targets, settings, gateway)
    steps = early + _plan(targets, states, mode, settings)
    return _apply(steps, states, gateway, deadline, settings.sweep_concurrency)


# -- 1. inventory -------------------------------------------------------------------------------


def _inventory(
    scope: Scope, settings: Settings, gateway: Gateway, default_project_id: str
) -> Tuple[List[Dict[str, Optional[str]]], List[Dict[str, Any]]]:
    need_buckets = scope.everything or bool(scope.buckets)
    with ThreadPoolExecutor(max_workers=2) as pool:
        projects = pool.submit(gateway.list_projects, settings.region, default_project_id)
        buckets = pool.submit(gateway.list_buckets, settings.region) if need_buckets else None
        try:
            project_list = projects.result()
        except CloudError as error:
            raise SweepError(error, "listing projects (IAM)") from None
        try:
            bucket_list = buckets.result() if buckets else []
        except CloudError as error:
            raise SweepError(error, "listing buckets (OBS)") from None
    return bucket_list, project_list


def _locate(
    buckets: List[Dict[str, Optional[str]]], scope: Scope, settings: Settings, gateway: Gateway
) -> List[Dict[str, Optional[str]]]:
    """Ask OBS (HEAD bucket) where each in-scope bucket without a listed location is; one that
    still cannot be placed keeps `None` and is reported, never guessed: a data tracker created in
    the wrong region would be refused (CTS.0211) on every run."""
    wanted = set(scope.buckets)
    unknown = [
        b["name"]
        for b in buckets
        if b["location"] is None
        and (scope.everything or b["name"] in wanted)
        and not exclusion(b["name"] or "", settings)
    ]
    if not unknown:
        return buckets

    def locate(name: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
        try:
            return name, gateway.bucket_location(settings.region, name or "")
        except CloudError:
            return name, None

    with ThreadPoolExecutor(max_workers=min(settings.sweep_concurrency, len(unknown))) as pool:
        found = dict(pool.map(locate, unknown))
    return [{**b, "location": found[b["name"]]} if b["name"] in found else b for b in buckets]


def _project_region(name: str) -> Optional[str]:
    region = name.split("_", 1)[0]
    return region if REGION.match(region) else None


def _targets(
    scope: Scope, settings: Settings, buckets: List[Dict[str, Optional[str]]], projects: List[Dict[str, Any]]
) -> Tuple[List[Target], List[Step]]:
    main_project = {p["name"]: str(p["id"]) for p in projects if p.get("name") and p.get("id")}
    early: List[Step] = []
    targets: List[Target] = []

    if scope.everything:
        early.extend(_unknown_region(region) for region in scope.regions if region not in main_project)
    wanted_projects = set(scope.projects)
    for project in sorted(projects, key=lambda p: str(p.get("name"))):
        name, project_id = str(project.get("name") or ""), str(project.get("id") or "")
        region = _project_region(name)
        if not project_id or (not scope.everything and project_id not in wanted_projects):
            continue
        wanted_projects.discard(project_id)
        target = Target("project", name, project_id, region)
        if region is None:
            if not scope.everything:
                early.append(skipped(target, f"project {name!r} is not a regional project"))
            continue
        if scope.everything and region not in scope.regions:
            continue
        targets.append(target)
    for project_id in sorted(wanted_projects):
        early.append(failed(Target("project", None, project_id, None), "NotFound", "no such project in the account"))

    wanted_buckets = set(scope.buckets)
    for bucket in _by_priority(buckets, settings.priority_buckets):
        name, region = bucket["name"] or "", bucket["location"]
        if not scope.everything and name not in wanted_buckets:
            continue
        wanted_buckets.discard(name)
        reason = exclusion(name, settings)
        if region is None:
            early.append(
                skipped(Target("bucket", name, None, None), reason)
                if reason
                else failed(
                    Target("bucket", name, None, None),
                    "LocationUnknown",
                    "OBS did not say which region the bucket is in (listing and HEAD bucket); not guessed",
                )
            )
            continue
        if scope.everything and region not in scope.regions:
            continue
        target = Target("bucket", name, main_project.get(region), region)
        if reason:
            early.append(skipped(target, reason))
        elif target.project_id is None:
            early.append(failed(target, "NotFound", f"no project named {region!r} to hold the bucket's tracker"))
        else:
            targets.append(target)
    for name in sorted(wanted_buckets):
        early.append(failed(Target("bucket", name, None, None), "NotFound", "no such bucket in the account"))
    return targets, early


def _unknown_region(region: str) -> TargetResult:
    """A region in scope with no project: a typo or a region the account does not use. An error,
    so that a sweep of nothing never reads as "all covered"."""
    message = (
        f"no project of the account is in region {region!r} (no project named {region!r}): "
        "check BASELINE_REGIONS, REGION or the request's regions"
    )
    return failed(Target("project", region, None, region), "UnknownRegion", message)


def _by_priority(buckets: List[Dict[str, Optional[str]]], patterns: Sequence[str]) -> List[Dict[str, Optional[str]]]:
    """PRIORITY_BUCKETS globs first (in pattern order), then by name: who gets the last quota slots."""

    def rank(bucket: Dict[str, Optional[str]]) -> Tuple[int, str]:
        name = bucket["name"] or ""
        first = next((i for i, glob in enumerate(patterns) if fnmatch.fnmatchcase(name, glob)), len(patterns))
        return first, name

    return sorted(buckets, key=rank)


# -- 2. current state ---------------------------------------------------------------------------


def _current_state(targets: List[Target], settings: Settings, gateway: Gateway) -> Dict[str, _ProjectState]:
    """One ListTrackers per project in scope, never one per bucket; projects listed concurrently."""
    regions = {t.project_id: t.region for t in targets if t.project_id and t.region}
    states: Dict[str, _ProjectState] = {}

    def load(project_id: str) -> Tuple[str, _ProjectState]:
        try:
            return project_id, _ProjectState(trackers=gateway.list_trackers(regions[project_id], project_id))
        except CloudError as error:
            return project_id, _ProjectState(error=error)

    if regions:
        with ThreadPoolExecutor(max_workers=min(settings.sweep_concurrency, len(regions))) as pool:
            states.update(pool.map(load, sorted(regions)))
    return states


# -- 3. plan ------------------------------------------------------------------------------------


def _plan(targets: List[Target], states: Dict[str, _ProjectState], mode: Mode, settings: Settings) -> List[Step]:
    steps: List[Step] = []
    free = {pid: DATA_TRACKER_QUOTA - _data_trackers(state) for pid, state in states.items()}
    transfer = _transfer_buckets(states)
    for target in targets:
        state = states[target.project_id or ""]
        if state.error is not None:
            listing_failed = failed(target, state.error.code, f"listing trackers failed: {state.error.message}")
            steps.append(replace(listing_failed, transient=state.error.transient))
            continue
        if target.kind == "bucket" and target.name in transfer:
            steps.append(_transfer_bucket_step(target, transfer[target.name]))
            continue
        if target.kind == "project":
            assessment = assess_project(target, state.trackers, settings)
        else:
            assessment = assess_bucket(target, state.trackers, settings)
        if assessment.state == COMPLIANT:
            steps.append(_compliant(assessment))
        elif assessment.state == DRIFTED:
            steps.append(_drifted(assessment, mode, settings))
        elif target.kind == "bucket" and free[target.project_id or ""] <= 0:
            used = DATA_TRACKER_QUOTA - free[target.project_id or ""]
            message = (
                f"data tracker quota is full in project {target.project_id} "
                f"({used}/{DATA_TRACKER_QUOTA}, not raisable); not created"
            )
            steps.append(failed(target, "QuotaExhausted", message))
        else:
            step = _missing(target, mode, settings)
            if target.kind == "bucket" and not (isinstance(step, TargetResult) and step.outcome == FAILED):
                free[target.project_id or ""] -= 1  # a slot only for what will (or would) be created
            steps.append(step)
    return steps


def _data_trackers(state: _ProjectState) -> int:
    return sum(tracker.get("tracker_type") == "data" for tracker in state.trackers)


def _transfer_buckets(states: Dict[str, _ProjectState]) -> Dict[str, List[Tuple[str, str]]]:
    """Every bucket some listed tracker writes its trace files to, with those trackers
    (name, project id)."""
    writers: Dict[str, List[Tuple[str, str]]] = {}
    for project_id, state in states.items():
        for tracker in state.trackers:
            bucket = (tracker.get("obs_info") or {}).get("bucket_name")
            if bucket:
                writers.setdefault(str(bucket), []).append((_managed_name(tracker), project_id))
    return writers


def _managed_name(tracker: Dict[str, Any]) -> str:
    """The tracker's name, or "" when it is one this function manages (named for its bucket)."""
    name = str(tracker.get("tracker_name"))
    tracked = (tracker.get("data_bucket") or {}).get("data_bucket_name")
    return "" if tracked and name == data_tracker_name(str(tracked)) else name


def _transfer_bucket_step(target: Target, writers: List[Tuple[str, str]]) -> TargetResult:
    """Tracking a transfer bucket would record CTS's own deliveries, in a loop. The function's own
    trackers' buckets are skipped quietly; another tracker's is for a human to decide."""
    others = [(name, project_id) for name, project_id in writers if name]
    if not others:
        return skipped(target, "trackers this function manages write their trace files here; never tracked")
    named = ", ".join(f"{name!r} (project {project_id})" for name, project_id in others[:3])
    message = (
        f"tracker {named} writes its trace files to this bucket: tracking it would record those writes "
        "in a loop. Decide, and add it to EXCLUDE_BUCKETS if it should stay untracked"
    )
    return failed(target, "TransferBucketConflict", message)


def _ref(tracker: Optional[Dict[str, Any]], kind: str) -> Optional[TrackerRef]:
    if not tracker:
        return None
    return TrackerRef(str(tracker.get("tracker_name")), "system" if kind == "project" else "data", tracker.get("id"))


def _compliant(assessment: Assessment) -> TargetResult:
    ref = _ref(assessment.tracker, assessment.target.kind)
    return TargetResult(assessment.target, ALREADY_TRACKED, f"compliant: covered by {ref.name if ref else '?'!r}", ref)


def _drifted(assessment: Assessment, mode: Mode, settings: Settings) -> Step:
    ref = _ref(assessment.tracker, assessment.target.kind)
    drift = "; ".join(assessment.drift)
    if mode.audit or not settings.remediate_drift:
        why = "report only" if mode.audit else "REMEDIATE_DRIFT is off"
        return TargetResult(
            assessment.target, ALREADY_TRACKED, f"drift ({why}): {drift}", ref, ErrorInfo("TrackerDrift", drift)
        )
    try:
        body = repair_body(assessment, settings)
    except ValidationError as error:
        return rule_failure(assessment.target, error)
    if not mode.mutate:
        return TargetResult(assessment.target, PLANNED, f"dry run: would repair drift: {drift}", ref)
    return Update(assessment, body)


def _missing(target: Target, mode: Mode, settings: Settings) -> Step:
    try:
        body = desired_body(target, settings)
    except ValidationError as error:
        return rule_failure(target, error)
    if mode.audit:
        result = planned(target, body, reason="not covered")
        return replace(result, error=ErrorInfo("NotCovered", f"{target.label} has no tracker"))
    if not mode.mutate:
        return planned(target, body)
    return CreateTracker(Intent(target, "baseline sweep"), body)


# -- 4. apply -----------------------------------------------------------------------------------


def _apply(
    steps: List[Step], states: Dict[str, _ProjectState], gateway: Gateway, deadline: Deadline, concurrency: int
) -> List[TargetResult]:
    lock = threading.Lock()

    def run(step: Union[CreateTracker, Update]) -> TargetResult:
        target = step.intent.target if isinstance(step, CreateTracker) else step.assessment.target
        if deadline.remaining() < START_RESERVE_SECONDS:
            return failed(target, "NotReached", "not reached: the invocation's time budget ran out; the next run will")
        if isinstance(step, Update):
            return _update(step, gateway)
        state = states[target.project_id or ""]
        if target.kind == "bucket":
            with lock:
                if state.quota_full:
                    return failed(
                        target, "QuotaExhausted", "data tracker quota filled up during the sweep; not created"
                    )
        result = create(step, gateway)
        if result.error is not None and result.error.code == "CTS.0200":
            with lock:
                state.quota_full = True
        return result

    work = [step for step in steps if not isinstance(step, TargetResult)]
    done: Dict[int, TargetResult] = {}
    if work:  # only creates and updates go to the pool: decided targets need no thread
        with ThreadPoolExecutor(max_workers=min(concurrency, len(work))) as pool:
            done = dict(zip(map(id, work), pool.map(run, work)))
    return [step if isinstance(step, TargetResult) else done[id(step)] for step in steps]


def _update(step: Update, gateway: Gateway) -> TargetResult:
    assessment, body = step.assessment, step.body
    target = assessment.target
    ref = _ref(assessment.tracker, target.kind)
    try:
        gateway.update_tracker(target.region or "", target.project_id or "", body.to_wire())
    except CloudError as error:
        reason = f"UpdateTracker refused: {error.code} {error.message}"
        return TargetResult(target, FAILED, reason, ref, ErrorInfo(error.code, error.message), error.transient)
    return TargetResult(target, UPDATED, "repaired drift: " + "; ".join(assessment.drift), ref)
