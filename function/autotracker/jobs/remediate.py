"""The job of Config's remediation: a backfill of the one resource it names, through the sweep's
pipeline (inventory, planner, executor), so it is covered exactly as a sweep would cover it.

A bucket gets its data tracker, a project its management tracker; nothing else is ever acted on.
A resource this function does not cover changes nothing and the result says why: a type other
than `buckets`/`projects` (the periodic assignment's account record has none), a bucket or
project in a region outside BASELINE_REGIONS/REGION (`NotInScope`), or a bucket excluded by
design (the transfer bucket, EXCLUDE_BUCKETS: `skipped`, as in every sweep).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Tuple

from ..contract import ErrorCode, ErrorInfo, Outcome, Target, TargetResult
from ..events.remediation import RESOURCE_TYPES
from ..pipeline.inventory import Inventory, Scope, take_bucket, take_inventory
from ..pipeline.sweep import sweep_inventory

if TYPE_CHECKING:
    from ..invocation import Run

NOTHING = "; nothing was changed"


def perform(run: Run) -> List[TargetResult]:
    asked = run.work.remediation
    assert asked is not None  # the remediation source's work
    settings, gateway = run.settings, run.gateway
    default_project_id = run.credentials.project_id or ""
    kind = asked.resource_type
    if kind not in RESOURCE_TYPES:  # no bucket or project is named: the result names no target
        if kind is None:
            what = "no resource_type (the periodic assignment's record is the account)"
        else:
            what = f"resource_type {kind[:64]!r}"
        message = (
            f"the remediation of {asked.resource_id[:80]!r} names {what}: only a bucket (buckets) or a "
            f"project (projects) is remediated{NOTHING}"
        )
        return [_not_in_scope(None, message)]
    if kind == "buckets":
        inventory = take_bucket(asked.resource_id, settings, gateway, default_project_id)
    else:
        scope = Scope(settings.scope_regions, projects=(asked.resource_id,))
        inventory = take_inventory(scope, settings, gateway, default_project_id)
    return sweep_inventory(run, _in_scope(inventory, settings.scope_regions), gateway)


def _in_scope(inventory: Inventory, regions: Tuple[str, ...]) -> Inventory:
    """The inventory without targets in a region outside the function's scope (each said), and
    without their projects' states: nothing of theirs is planned or counted."""
    outside = [item for item in inventory.wanted if item.target.region not in regions]
    if not outside:
        return inventory
    decided = list(inventory.decided)
    for item in outside:
        target = item.target
        message = (
            f"{target.label} is in region {target.region!r}, outside this function's regions "
            f"({', '.join(regions)}: BASELINE_REGIONS or REGION){NOTHING}"
        )
        decided.append(_not_in_scope(target, message))
    wanted = [item for item in inventory.wanted if item.target.region in regions]
    projects = {item.target.project_id for item in wanted}
    return Inventory(wanted, decided, {pid: state for pid, state in inventory.states.items() if pid in projects})


def _not_in_scope(target: Optional[Target], message: str) -> TargetResult:
    return TargetResult(target, Outcome.SKIPPED, message, error=ErrorInfo(ErrorCode.NOT_IN_SCOPE, message))


def leaves_report(run: Run) -> bool:  # noqa: ARG001 - one resource's result goes to SMN, as an event's
    return False
