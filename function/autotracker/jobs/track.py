"""The job of a CTS or EventGrid delivery: cover the buckets and projects its traces name.

An event is a sweep over the targets its traces name, their projects' state unknown: nothing is
listed first; a create that conflicts looks. A trace of an account joining the organization
queues that account's sweep (organization/fanout.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional

from ..contract import Kind, Target, TargetResult
from ..pipeline.execute import execute
from ..pipeline.intents import wanted_from_trace
from ..pipeline.plan import ProjectState, Wanted, plan

if TYPE_CHECKING:
    from ..invocation import Run


def perform(run: Run) -> List[TargetResult]:
    """Results in the order the traces arrived; a target repeated in one delivery is reported once."""
    settings = run.settings
    traces = run.work.traces or []
    decided = [wanted_from_trace(trace, run.credentials.project_id, settings.region) for trace in traces]
    wanted: Dict[Target, Wanted] = {}
    accounts: Dict[Target, Wanted] = {}
    for item in decided:
        if isinstance(item, Wanted):
            (accounts if item.target.kind == Kind.ACCOUNT else wanted).setdefault(item.target, item)
    states: Dict[str, ProjectState] = {}  # nothing listed: create first, look only on a conflict
    steps = plan(list(wanted.values()), states, run.mode, settings)
    done: Dict[Optional[Target], TargetResult] = {
        r.target: r for r in execute(steps, states, run.gateway, run.deadline, settings.sweep_concurrency, run.own_id)
    }
    if accounts:  # the organization's modules only then: a bucket event's cold start never pays for them
        from ..organization.fanout import new_accounts

        for target, result in new_accounts(run, list(accounts.values())).items():
            done[target] = result
    ordered: List[TargetResult] = []
    for item in decided:
        if isinstance(item, TargetResult):
            ordered.append(item)
        elif item.target in done:
            ordered.append(done.pop(item.target))
    return ordered


def leaves_report(run: Run) -> bool:  # noqa: ARG001 - every job answers; an event's results go to SMN only
    return False
