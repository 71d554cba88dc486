"""One member account's sweep: the single-account sweep, run with credentials in that account.

A request naming an account is checked against the organization first (accounts.refusal),
whoever sent it (the coordinator's signed fan-out, a manual or APIG caller); nothing is called in the
account before that.

The function's own credentials assume MEMBER_AGENCY_NAME in the member (STS AssumeAgency); the
temporary credentials list and create there and nowhere else. The report still goes to the
function's own topic with its own credentials, and the organization tracker (a management
tracker of this account with `is_organization_tracker`) is looked up with them too.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Union

from ..cloud.credentials import context_text
from ..cloud.errors import CloudError
from ..cloud.gateway import Gateway
from ..cloud.retry import Deadline
from ..contract import ErrorCode, ErrorInfo, Kind, Outcome, Target, TargetResult, TrackerRef, TrackerType
from ..pipeline.plan import ProjectState
from ..pipeline.sweep import inventory_of, regions, sweep_inventory
from ..settings import Settings
from .accounts import account_target, refusal

if TYPE_CHECKING:
    from ..invocation import Run

SESSION_NAME_REFUSED = re.compile(r"[^A-Za-z0-9_+=,.@-]")  # AssumeAgency's agency_session_name alphabet
MIN_SESSION_SECONDS, MAX_SESSION_SECONDS = 900, 3600  # at most 3600 when the caller's own are temporary


def member_sweep(run: Run, account_id: str) -> List[TargetResult]:
    """One account of the organization, with credentials in it; every result names the account.
    The organization tracker is looked up meanwhile, with the function's own credentials."""
    refused = refusal(account_id, run.settings, run.scope)  # before anything in the account
    if refused is not None:
        return [refused]
    own = run.scope.own_account()
    new_account = bool(run.work.fanout and run.work.fanout.new_account)  # verified by its signature
    acting = act_in(
        account_id, own, run.gateway, run.settings, run.deadline, run.context, run.scope.run_id, new_account
    )
    if isinstance(acting, TargetResult):
        return [acting]
    if acting is run.gateway:  # this function's own account
        return in_account(
            sweep_inventory(run, inventory_of(run, acting, run.credentials.project_id or ""), acting), account_id
        )
    own_project = run.credentials.project_id or ""
    with ThreadPoolExecutor(max_workers=1) as pool:
        lookup = pool.submit(organization_trackers, regions(run), run.gateway, run.settings, own_project, own)
        inventory = inventory_of(run, acting, "")
        wanted_regions = project_regions([item.target for item in inventory.wanted])
        note_organization_trackers(inventory.states, wanted_regions, lookup.result())
        return in_account(sweep_inventory(run, inventory, acting), account_id)


def agency_urn(account_id: str, agency: str) -> str:
    return f"iam::{account_id}:agency:{agency}"


def session_name(context: Any, run_id: Optional[str]) -> str:
    """Names the function and the organization run in the member's CTS traces."""
    function = context_text(context, "getFunctionName") or "cts-autotracker"
    name = SESSION_NAME_REFUSED.sub("-", f"{function}.{run_id or 'manual'}")[:128]
    return name if len(name) >= 2 else "cts-autotracker"


def act_in(
    account_id: str,
    own_account: str,
    gateway: Gateway,
    settings: Settings,
    deadline: Deadline,
    context: Any,
    run_id: Optional[str],
    new_account: bool,
) -> Union[Gateway, TargetResult]:
    """A gateway acting in the member account, or the account's failed result (AgencyUnavailable).

    A new account's agency may not exist for some minutes, so for it the failure is transient and
    FunctionGraph's async retry tries again; otherwise a refusal is the member's to fix, and the
    result says which agency to create, trusting which account."""
    if account_id == own_account:
        return gateway
    agency = settings.member_agency_name
    seconds = int(min(MAX_SESSION_SECONDS, max(MIN_SESSION_SECONDS, deadline.remaining() + 60)))
    try:
        credentials = gateway.assume_agency(agency_urn(account_id, agency), session_name(context, run_id), seconds)
    except CloudError as error:
        message = (
            f"cannot act in account {account_id}: assuming its agency {agency!r} failed ({error.code} "
            f"{error.message}). In account {account_id}, create agency {agency!r} trusting account {own_account} "
            "with the member policy (scripts/deploy.py --emit-member-terraform writes it as Terraform)"
        )
        info = ErrorInfo(ErrorCode.AGENCY_UNAVAILABLE, message, error.request_id)
        target = account_target(account_id, None)
        return TargetResult(target, Outcome.FAILED, message, error=info, transient=error.transient or new_account)
    return gateway.acting_as(credentials)


def organization_trackers(
    regions: Sequence[str], gateway: Gateway, settings: Settings, own_project_id: str, own_account: str
) -> Dict[str, TrackerRef]:
    """This account's live organization trackers by region (its projects listed once, each
    region's management trackers at once). A lookup that fails finds nothing: the member then
    gets its own management tracker, which is never wrong."""
    try:
        projects = gateway.list_projects(settings.region, own_project_id)
    except CloudError:
        return {}
    own = {str(p.get("name")): str(p.get("id")) for p in projects if p.get("id")}
    wanted = [region for region in regions if region in own]

    def look(region: str) -> Optional[TrackerRef]:
        try:
            trackers = gateway.list_trackers(region, own[region], tracker_type=TrackerType.SYSTEM)
        except CloudError:
            return None
        found = [t for t in trackers if t.type == TrackerType.SYSTEM and t.organization and t.live]
        return TrackerRef(found[0].name, TrackerType.SYSTEM, found[0].id, own_account) if found else None

    if not wanted:
        return {}
    with ThreadPoolExecutor(max_workers=min(settings.sweep_concurrency, len(wanted))) as pool:
        return {region: ref for region, ref in zip(wanted, pool.map(look, wanted)) if ref is not None}


def note_organization_trackers(
    states: Dict[str, ProjectState], regions: Dict[str, str], found: Dict[str, TrackerRef]
) -> None:
    """Mark member projects (project id -> region) that have no management tracker of their own
    as covered where an organization tracker covers their region."""
    for project_id, region in regions.items():
        state = states.get(project_id)
        if state is None or state.trackers is None or region not in found:
            continue
        if not any(tracker.type == TrackerType.SYSTEM for tracker in state.trackers):
            state.organization_tracker = found[region]


def in_account(results: List[TargetResult], account_id: str) -> List[TargetResult]:
    """Every result's target marked with the account it lives in."""
    return [
        result._replace(target=result.target._replace(account_id=account_id)) if result.target else result
        for result in results
    ]


def project_regions(targets: Sequence[Target]) -> Dict[str, str]:
    """Project id -> region of the project targets in a sweep."""
    return {t.project_id: t.region for t in targets if t.kind == Kind.PROJECT and t.project_id and t.region}
