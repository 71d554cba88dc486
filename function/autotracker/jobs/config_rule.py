"""A Config (RMS) custom-rule evaluation: the audit sweep's judgement, reported to Config.

The evaluation reuses the sweep's inventory, state and planner in audit mode, so a bucket is
judged exactly as a sweep judges it: covered by a live data tracker recording `DATA_EVENTS`
with the configured transfer settings (or the rule's `data_events`), a project by its
management tracker. It never creates or repairs: remediation is the sweep's (REMEDIATE_DRIFT)
or Config's remediation, which invokes this function for one resource (jobs/remediate.py). Each judged resource
gets one UpdatePolicyState; a periodic evaluation that names the account record (as Config's
documented periodic event does) gets one more, for that record: Compliant only when every
resource in scope was judged Compliant. Nothing unverified is left Compliant: a resource that
could not be judged is told NonCompliant, and so is the record the event names when the
inventory could not be read at all (the invocation still fails with that error).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ..cloud.errors import CloudError, Unjudged
from ..cloud.gateway import Gateway
from ..contract import ErrorCode, ErrorInfo, Kind, Outcome, Target, TargetResult
from ..events.config import BUCKETS, ConfigEvent, InvokingEvent
from ..pipeline.inventory import Scope, take_bucket, take_inventory
from ..pipeline.plan import UNCOVERED, Mode, plan
from ..pipeline.quota import QuotaBook, count
from ..settings import Settings

if TYPE_CHECKING:
    from ..invocation import Run

COMPLIANT, NON_COMPLIANT = "Compliant", "NonCompliant"
GLOBAL = "global"  # Config's region_id for a resource of no region (the account, an IAM project)
AUDIT = Mode(mutate=False, audit=True)


def perform(run: Run) -> List[TargetResult]:
    assert run.work.config is not None  # the Config source's work
    return evaluate(run.work.config, run.settings, run.gateway, run.credentials.project_id or "", run.quota)


def leaves_report(run: Run) -> bool:
    """Config's periodic evaluations leave an auditor's report (when REPORT_BUCKET is set), as sweeps do."""
    return run.work.config is not None and run.work.config.trigger_type == "period"


def evaluate(
    event: ConfigEvent,
    settings: Settings,
    gateway: Gateway,
    default_project_id: str,
    quota: Optional[QuotaBook] = None,
) -> List[TargetResult]:
    """Judge the event's resource (or every resource in scope), then report each state; a periodic
    evaluation also counts each listed project's data-tracker quota in use (`quota`)."""
    if event.data_events:
        settings = settings.model_copy(update={"data_events": event.data_events})
    regions = event.regions or settings.scope_regions
    resource = event.invoking_event
    try:
        if event.trigger_type == "resource" and resource is not None and resource.kind == BUCKETS:
            inventory = take_bucket(resource.bucket, settings, gateway, default_project_id, resource.region_id)
        else:
            projects = (resource.id,) if event.trigger_type == "resource" and resource is not None else ()
            inventory = take_inventory(Scope(regions, projects=projects), settings, gateway, default_project_id)
    except Unjudged as error:  # nothing judged: the record the event names is not left as it was
        error.results = tuple(_report(event, _unread(event, error), gateway, settings.sweep_concurrency))
        raise
    steps = [*inventory.decided, *plan(inventory.wanted, inventory.states, AUDIT, settings)]
    judged = [step for step in steps if isinstance(step, TargetResult)]  # an audit plans no writes
    wanted = {"buckets": Kind.BUCKET, "projects": Kind.PROJECT}.get(event.resource_type or "")
    if wanted is not None:
        judged = [result for result in judged if result.target is None or _in_scope(result, wanted)]
    if quota is not None and event.trigger_type == "period":
        quota.add(count(inventory.states, judged, settings.quota_warn_percent))
    if event.account_record is not None:
        judged.append(_account(event.account_record, judged))
    return _report(event, judged, gateway, settings.sweep_concurrency)


def _in_scope(result: TargetResult, wanted: Kind) -> bool:
    """A result of the rule's resource type, or a region in scope with no project (that region's
    resources could not be judged: a periodic run of nothing never reads as all Compliant)."""
    target = result.target
    unknown_region = result.error is not None and result.error.code == ErrorCode.UNKNOWN_REGION
    return target is None or target.kind == wanted or unknown_region


def state_of(result: TargetResult) -> Optional[str]:
    """The state a target was judged to have; None when it could not be judged (see `_told`)."""
    target = result.target
    if target is None:
        return None
    if target.kind == Kind.ACCOUNT:  # the account record: its error says what is not covered
        return COMPLIANT if result.error is None else NON_COMPLIANT
    if target.kind not in (Kind.BUCKET, Kind.PROJECT):
        return None
    if result.outcome == Outcome.SKIPPED:  # excluded by design: the transfer bucket, EXCLUDE_BUCKETS
        return COMPLIANT
    if result.outcome == Outcome.ALREADY_TRACKED:
        return NON_COMPLIANT if result.error is not None else COMPLIANT
    if result.outcome == Outcome.PLANNED:  # audit: not covered
        return NON_COMPLIANT
    if result.error is not None and result.error.code in UNCOVERED and result.tracker is None:
        return NON_COMPLIANT  # verified uncovered (no tracker records it), and cannot be fixed
    return None  # failed: not judged (listing failed, region unknown, bucket not found)


def _told(event: ConfigEvent, result: TargetResult) -> Optional[str]:
    """What Config is told: the judged state, else NonCompliant for a resource that could not be
    judged but can be named as Config names it (the event's own resource; in a periodic run, a
    bucket with its region or a project), so a stale Compliant never outlives an unverified
    resource. Nothing for a resource that does not exist or cannot be placed."""
    state = state_of(result)
    target = result.target
    if state is not None or target is None or result.outcome != Outcome.FAILED:
        return state
    if result.error is not None and result.error.code == ErrorCode.NOT_FOUND:
        return None
    if event.trigger_type == "resource":
        return NON_COMPLIANT
    if target.kind == Kind.BUCKET:
        return NON_COMPLIANT if target.name and target.region else None
    return NON_COMPLIANT if target.kind == Kind.PROJECT and target.project_id else None


def _unread(event: ConfigEvent, error: Unjudged) -> List[TargetResult]:
    """The record the event names when the inventory could not be read at all: the account
    record of a periodic event (coverage unverified) or the resource of a resource event."""
    record = event.invoking_event
    if record is None:
        return []
    if event.account_record is not None:
        target = Target(Kind.ACCOUNT, None, None, record.region_id or GLOBAL, record.id)
        message = f"no resource in scope could be judged: {error}"
        info = ErrorInfo(ErrorCode.COVERAGE_UNVERIFIED, message)
    elif event.trigger_type == "resource":
        if record.kind == BUCKETS:
            target = Target(Kind.BUCKET, record.bucket, None, record.region_id)
        else:
            target = Target(Kind.PROJECT, record.name, record.id, record.region_id)
        message = f"could not be judged: {error}"
        info = ErrorInfo(error.code, message)
    else:
        return []
    return [TargetResult(target, Outcome.FAILED, message, error=info, transient=error.transient)]


def _account(record: InvokingEvent, judged: List[TargetResult]) -> TargetResult:
    """The account record's judgement: Compliant only when every resource in scope was judged
    Compliant; one not covered, or one that could not be judged, makes it NonCompliant (a
    partial evaluation never reads as all covered)."""
    target = Target(Kind.ACCOUNT, None, None, record.region_id or GLOBAL, record.id)
    states = [state_of(result) for result in judged]
    uncovered, unjudged = states.count(NON_COMPLIANT), states.count(None)
    if not uncovered and not unjudged:
        return TargetResult(target, Outcome.JUDGED, f"all {len(states)} resource(s) in scope are Compliant")
    parts = [f"{uncovered} not covered"] if uncovered else []
    parts += [f"{unjudged} could not be judged"] if unjudged else []
    message = f"{' and '.join(parts)}, of the {len(states)} resource(s) in scope"
    code = ErrorCode.NOT_COVERED if uncovered else ErrorCode.COVERAGE_UNVERIFIED
    return TargetResult(target, Outcome.JUDGED, message, error=ErrorInfo(code, message))


def policy_state(event: ConfigEvent, result: TargetResult, state: str) -> Dict[str, Any]:
    """The UpdatePolicyState body: the resource as Config names it, the event's identifiers echoed."""
    target = result.target
    assert target is not None
    resource = event.invoking_event if event.trigger_type == "resource" else None
    record = event.account_record
    if target.kind == Kind.ACCOUNT and record is not None:  # echoed as Config sent it (provider, type null)
        ids: Tuple[Optional[str], Optional[str], Optional[str], Optional[str], Optional[str]] = (
            record.id,
            record.name,
            record.provider,
            record.type,
            target.region,
        )
    elif target.kind == Kind.BUCKET:  # the bucket judged is the bucket the event names (id == name)
        ids = (target.name or "", target.name or "", "obs", "buckets", target.region)
    else:
        ids = (target.project_id or "", target.name or "", "iam", "projects", GLOBAL)
    resource_id, name, provider, kind, region = ids
    return {
        "policy_resource": {
            "resource_id": resource_id,
            "resource_name": name,
            "resource_provider": provider,
            "resource_type": kind,
            "region_id": (resource.region_id if resource and resource.region_id else region) or GLOBAL,
            "domain_id": event.domain_id,
        },
        "trigger_type": event.trigger_type,
        "compliance_state": state,
        "policy_assignment_id": event.policy_assignment_id,
        "policy_assignment_name": event.policy_assignment_name,
        "evaluation_time": str(event.evaluation_time),
        "evaluation_hash": event.evaluation_hash,
    }


def _moved(event: ConfigEvent, result: TargetResult) -> str:
    """A record naming another region than HEAD bucket verified: Config's state keeps the record's
    region (so it attaches to Config's own record), the result the verified one; say both."""
    record = event.invoking_event if event.trigger_type == "resource" else None
    target = result.target
    if record is None or target is None or target.kind != Kind.BUCKET or not record.region_id or not target.region:
        return ""
    if record.region_id == target.region:
        return ""
    return f" under the record's region {record.region_id!r}; HEAD bucket places it in {target.region!r}"


def _report(event: ConfigEvent, judged: List[TargetResult], gateway: Gateway, concurrency: int) -> List[TargetResult]:
    def send(result: TargetResult) -> TargetResult:
        state = _told(event, result)
        if state is None:
            return result
        try:
            gateway.update_policy_state(event.domain_id, policy_state(event, result, state))
        except CloudError as error:
            message = f"judged {state}, but reporting it to Config failed: {error.code} {error.message}"
            return TargetResult(
                result.target, Outcome.FAILED, message, result.tracker, error.info(message), error.transient
            )
        unverified = " (coverage could not be verified)" if state_of(result) is None else ""
        return result._replace(reason=f"{result.reason}; reported {state} to Config{unverified}{_moved(event, result)}")

    if not judged:
        return []
    with ThreadPoolExecutor(max_workers=min(concurrency, len(judged))) as pool:
        return list(pool.map(send, judged))
