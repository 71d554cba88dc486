"""What a sweep looks at: the account's buckets and projects in scope, and their trackers.

Listing cost does not grow with the number of buckets: one OBS ListBuckets, IAM project
pages, HEAD bucket only for a bucket the listing did not place, and one ListTrackers per
project in scope. The result is the planner's input: the wanted targets (with their projects'
listed state), and the targets already decided here (not found, not placed, unknown region).
"""

from __future__ import annotations

import fnmatch
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, TypeVar

from ..cloud.errors import CloudError, Unjudged
from ..cloud.gateway import Gateway
from ..contract import ErrorCode, Kind, Outcome, Target, TargetResult, failed, skipped
from ..settings import REGION, Settings
from .plan import ProjectState, Wanted, exclusion

_T = TypeVar("_T")


class SweepError(Unjudged):
    """The inventory could not be read, so nothing can be judged."""

    def __init__(self, error: CloudError, what: str):
        super().__init__(error.code, f"{what} failed: {error.code} {error.message}", error.transient)


@dataclass(frozen=True)
class Scope:
    regions: Tuple[str, ...]
    buckets: Tuple[str, ...] = ()
    projects: Tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        return not (self.buckets or self.projects)


@dataclass(frozen=True)
class Inventory:
    wanted: List[Wanted]
    decided: List[TargetResult]  # targets decided before planning (not found, not placed, ...)
    states: Dict[str, ProjectState]  # every project of a wanted target, listed


def take_inventory(scope: Scope, settings: Settings, gateway: Gateway, default_project_id: str) -> Inventory:
    """The bucket listing runs while the projects are listed, and the projects' trackers are listed
    as soon as the projects are known, while the buckets are still arriving and being read. The
    function's own project, which holds its region's data trackers, does not even wait for IAM."""
    need_buckets = scope.everything or bool(scope.buckets)
    with ThreadPoolExecutor(max_workers=settings.sweep_concurrency + 1) as pool:
        bucket_listing = pool.submit(gateway.list_buckets, settings.region) if need_buckets else None
        states: Dict[str, Future[ProjectState]] = {}
        if need_buckets and default_project_id and settings.region in scope.regions:
            own = Target(Kind.PROJECT, settings.region, default_project_id, settings.region)
            _list_trackers([own], states, pool, gateway)
        projects = _listed(lambda: gateway.list_projects(settings.region, default_project_id), "listing projects (IAM)")
        main_project = {p["name"]: str(p["id"]) for p in projects if p.get("name") and p.get("id")}
        if default_project_id in states and _region_of(default_project_id, projects) != settings.region:
            del states[default_project_id]  # listed in a region IAM does not place it in: again if in scope
        targets, decided = _project_targets(scope, projects, main_project)
        _list_trackers(targets, states, pool, gateway)
        buckets = _listed(bucket_listing.result, "listing buckets (OBS)") if bucket_listing else []
        bucket_targets, bucket_decided = _bucket_targets(
            scope, settings, _locate(buckets, scope, settings, gateway), main_project
        )
        _list_trackers(bucket_targets, states, pool, gateway)
        targets += bucket_targets
        listed = {target.project_id for target in targets}
        current = {project_id: states[project_id].result() for project_id in sorted(states) if project_id in listed}
    return Inventory([Wanted(target) for target in targets], decided + bucket_decided, current)


def take_bucket(
    bucket: str, settings: Settings, gateway: Gateway, default_project_id: str, hint: Optional[str] = None
) -> Inventory:
    """One bucket and what judges it, with a constant number of calls whatever the account holds
    (the account's bucket listing is never read): HEAD bucket for its region, IAM for the project
    named for that region, and that project's ListTrackers. They overlap: the project of the
    region Config names (`hint`, else the function's) is looked up while HEAD answers, and when
    that is the function's region its own project's trackers are listed too, so the usual case
    is one round and four calls in all. A wrong guess costs a lookup and a listing more, never
    a wrong judgement: only what HEAD and IAM answered is used."""
    target = Target(Kind.BUCKET, bucket, None, None)
    guess = hint if hint and REGION.match(hint) else settings.region
    excluded = exclusion(bucket, settings) is not None
    with ThreadPoolExecutor(max_workers=3) as pool:

        def lookup(region: str) -> List[Dict[str, Any]]:
            return gateway.list_projects(settings.region, default_project_id, name=region)

        located = pool.submit(gateway.bucket_location, settings.region, bucket)
        lookups: Dict[str, Future[List[Dict[str, Any]]]] = {}
        listings: Dict[Tuple[str, str], Future[ProjectState]] = {}
        if not excluded:
            lookups[guess] = pool.submit(lookup, guess)
            if guess == settings.region and default_project_id:
                listings[(guess, default_project_id)] = pool.submit(_state_of, gateway, guess, default_project_id)
        try:
            region = located.result()
        except CloudError as error:
            if error.status == 404:
                return Inventory([], [failed(target, ErrorCode.NOT_FOUND, "no such bucket in the account")], {})
            message = f"HEAD bucket failed: {error.code} {error.message}"
            unread = TargetResult(target, Outcome.FAILED, message, None, error.info(message), error.transient)
            return Inventory([], [unread], {})
        main_project: Dict[str, str] = {}
        if region is not None and not excluded:
            if region not in lookups:
                lookups[region] = pool.submit(lookup, region)
            named = _listed(lookups[region].result, "looking up the region's project (IAM)")
            main_project = {str(p["name"]): str(p["id"]) for p in named if p.get("name") == region and p.get("id")}
        scope = Scope((region,) if region else (), buckets=(bucket,))
        targets, decided = _bucket_targets(scope, settings, [{"name": bucket, "location": region}], main_project)
        states: Dict[str, ProjectState] = {}
        for found in targets:  # at most one, with its project
            key = (found.region or "", found.project_id or "")
            if key not in listings:
                listings[key] = pool.submit(_state_of, gateway, *key)
            states[key[1]] = listings[key].result()
    return Inventory([Wanted(found) for found in targets], decided, states)


def _state_of(gateway: Gateway, region: str, project_id: str) -> ProjectState:
    try:
        return ProjectState(trackers=gateway.list_trackers(region, project_id))
    except CloudError as error:
        return ProjectState(error=error)


def _listed(listing: Callable[[], _T], what: str) -> _T:
    try:
        return listing()
    except CloudError as error:
        raise SweepError(error, what) from None


def _list_trackers(
    targets: List[Target], listing: Dict[str, Future[ProjectState]], pool: ThreadPoolExecutor, gateway: Gateway
) -> None:
    """One ListTrackers per project of `targets` not in `listing` yet (never one per bucket)."""
    for target in targets:
        if target.project_id and target.region and target.project_id not in listing:
            listing[target.project_id] = pool.submit(_state_of, gateway, target.region, target.project_id)


def _locate(
    buckets: List[Dict[str, Optional[str]]], scope: Scope, settings: Settings, gateway: Gateway
) -> List[Dict[str, Optional[str]]]:
    """Ask OBS (HEAD bucket) where each in-scope bucket without a listed location is; one that
    still cannot be placed keeps `None` and is reported, never guessed: a data tracker created in
    the wrong region would be refused (CTS.0211) on every run. A listed location that is no region
    name is untrusted text, not a place: it counts as unlisted, so the bucket is located or
    reported, never dropped as "outside the regions in scope"."""
    wanted = set(scope.buckets)
    places = {loc for loc in {b["location"] for b in buckets} if loc and REGION.match(loc)}  # few distinct
    buckets = [b if b["location"] in places else {**b, "location": None} for b in buckets]
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


def _region_of(project_id: str, projects: List[Dict[str, Any]]) -> Optional[str]:
    """The region IAM places a project in (None for an unknown project or one of no region)."""
    names = (str(p.get("name") or "") for p in projects if str(p.get("id")) == project_id)
    return next((_project_region(name) for name in names), None)


def _project_region(name: str) -> Optional[str]:
    region = name.split("_", 1)[0]
    return region if REGION.match(region) else None


def _project_targets(
    scope: Scope, projects: List[Dict[str, Any]], main_project: Dict[str, str]
) -> Tuple[List[Target], List[TargetResult]]:
    """The projects in scope: known from the project listing alone."""
    decided: List[TargetResult] = []
    targets: List[Target] = []
    if scope.everything:
        decided.extend(_unknown_region(region) for region in scope.regions if region not in main_project)
    wanted_projects = set(scope.projects)
    for project in sorted(projects, key=lambda p: str(p.get("name"))):
        name, project_id = str(project.get("name") or ""), str(project.get("id") or "")
        region = _project_region(name)
        if not project_id or (not scope.everything and project_id not in wanted_projects):
            continue
        wanted_projects.discard(project_id)
        target = Target(Kind.PROJECT, name, project_id, region)
        if region is None:
            if not scope.everything:
                decided.append(skipped(target, f"project {name!r} is not a regional project"))
            continue
        if scope.everything and region not in scope.regions:
            continue
        targets.append(target)
    for project_id in sorted(wanted_projects):
        decided.append(
            failed(Target(Kind.PROJECT, None, project_id, None), ErrorCode.NOT_FOUND, "no such project in the account")
        )
    return targets, decided


def _bucket_targets(
    scope: Scope, settings: Settings, buckets: List[Dict[str, Optional[str]]], main_project: Dict[str, str]
) -> Tuple[List[Target], List[TargetResult]]:
    """The buckets in scope, each with the project named for its region (which holds its tracker)."""
    decided: List[TargetResult] = []
    targets: List[Target] = []
    wanted_buckets = set(scope.buckets)
    everything = scope.everything
    for bucket in _by_priority(buckets, settings.priority_buckets):
        name, region = bucket["name"] or "", bucket["location"]
        if not everything:
            if name not in wanted_buckets:
                continue
            wanted_buckets.discard(name)
        reason = exclusion(name, settings)
        if region is None:
            decided.append(
                skipped(Target(Kind.BUCKET, name, None, None), reason)
                if reason
                else failed(
                    Target(Kind.BUCKET, name, None, None),
                    ErrorCode.LOCATION_UNKNOWN,
                    "OBS did not say which region the bucket is in (listing and HEAD bucket); not guessed",
                )
            )
            continue
        if everything and region not in scope.regions:
            continue
        target = Target(Kind.BUCKET, name, main_project.get(region), region)
        if reason:
            decided.append(skipped(target, reason))
        elif target.project_id is None:
            decided.append(
                failed(target, ErrorCode.NO_PROJECT, f"no project named {region!r} to hold the bucket's tracker")
            )
        else:
            targets.append(target)
    for name in sorted(wanted_buckets):
        decided.append(
            failed(Target(Kind.BUCKET, name, None, None), ErrorCode.NOT_FOUND, "no such bucket in the account")
        )
    return targets, decided


def _unknown_region(region: str) -> TargetResult:
    """A region in scope with no project: a typo or a region the account does not use. An error,
    so that a sweep of nothing never reads as "all covered"."""
    message = (
        f"no project of the account is in region {region!r} (no project named {region!r}): "
        "check BASELINE_REGIONS, REGION or the request's regions"
    )
    return failed(Target(Kind.PROJECT, region, None, region), ErrorCode.UNKNOWN_REGION, message)


def _by_priority(buckets: List[Dict[str, Optional[str]]], patterns: Sequence[str]) -> List[Dict[str, Optional[str]]]:
    """PRIORITY_BUCKETS globs first (in pattern order), then by name: who gets the last quota slots."""

    def name(bucket: Dict[str, Optional[str]]) -> str:
        return bucket["name"] or ""

    def rank(bucket: Dict[str, Optional[str]]) -> Tuple[int, str]:
        first = next((i for i, glob in enumerate(patterns) if fnmatch.fnmatchcase(name(bucket), glob)), len(patterns))
        return first, name(bucket)

    return sorted(buckets, key=rank if patterns else name)
