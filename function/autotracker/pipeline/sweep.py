"""One account's sweep: the inventory in scope, each project's state listed, planned, executed.

Split in two so that a member sweep can note the organization tracker on the listed states
between taking the inventory and planning (organization/member.py).
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING, List, Tuple

from ..cloud.gateway import Gateway
from ..contract import TargetResult
from .execute import execute
from .inventory import Inventory, Scope, take_inventory
from .plan import plan
from .quota import count

if TYPE_CHECKING:
    from ..invocation import Run


def regions(run: Run) -> Tuple[str, ...]:
    """The regions a sweep covers: the request's, else BASELINE_REGIONS or REGION."""
    request = run.work.request
    return tuple(request.regions) if request and request.regions else run.settings.scope_regions


def inventory_of(run: Run, gateway: Gateway, default_project_id: str) -> Inventory:
    """What the sweep covers (the request's buckets and projects, else all), each project's state listed."""
    manual = run.work.manual
    scope = Scope(regions(run), tuple(manual.buckets) if manual else (), tuple(manual.projects) if manual else ())
    return take_inventory(scope, run.settings, gateway, default_project_id)


def sweep_inventory(run: Run, inventory: Inventory, gateway: Gateway) -> List[TargetResult]:
    """The inventory's targets planned and executed, after what it decided on its own."""
    steps = chain(inventory.decided, plan(inventory.wanted, inventory.states, run.mode, run.settings))
    results = execute(steps, inventory.states, gateway, run.deadline, run.settings.sweep_concurrency, run.own_id)
    run.quota.add(count(inventory.states, results, run.settings.quota_warn_percent, run.scope.named))
    return results


def account_sweep(run: Run, gateway: Gateway, default_project_id: str) -> List[TargetResult]:
    return sweep_inventory(run, inventory_of(run, gateway, default_project_id), gateway)
