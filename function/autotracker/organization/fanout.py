"""The organization run's coordinator: one member sweep queued per account in scope.

The coordinator lists the organization's accounts (accounts.py) and queues one asynchronous
invocation of this same function per account (AsyncInvokeFunction), each signed with FANOUT_KEY
(events/fanout.py, which also verifies it when the account's sweep reads it back; member.py
sweeps the account). FunctionGraph's async queue,
retries and on_failure destination do the distributing; the coordinator only lists and queues,
so it stays far inside one invocation's time limit however many accounts there are. Accounts
that join the organization (a CTS trace) are queued the same way, one by one.
"""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Callable, Collection, Dict, List, Mapping, Optional, Sequence, Tuple

from ..cloud.credentials import context_text
from ..cloud.errors import CloudError, Unjudged
from ..cloud.gateway import Gateway
from ..cloud.retry import Deadline
from ..contract import ErrorCode, ErrorInfo, Outcome, Target, TargetResult, failed, skipped
from ..events.fanout import FanoutRequest
from ..pipeline.execute import START_RESERVE_SECONDS  # no queueing with less left, as for creates
from ..settings import ACCOUNT_ID, Settings
from ..untrusted import shown
from .accounts import ACTIVE, Account, OrganizationError, account_target, organization_accounts, out_of_scope, text

if TYPE_CHECKING:
    from ..invocation import Run
    from ..pipeline.plan import Wanted

DISABLED_CODE = "FSS.0429"  # FunctionGraph's code for throttling and for "Function Disabled" (gateway.is_disabled)
NOT_REACHED = (
    "not reached: the invocation's time budget ran out before this account's sweep was queued; each run "
    "queues the accounts in its own order, so a later run may reach it first, or sweep it now with "
    '{"action": ..., "account_id": "<this account>"}'
)


INVITED = (
    "invited, not a member yet: its sweep is queued once it has joined (the acceptHandshake trace, "
    "or the next organization run)"
)
DISABLED = (
    "not queued: FunctionGraph answered Function Disabled (FSS.0429) for an earlier account of this run, "
    "so no other was tried; enable the function and run again"
)


def coordinate(run: Run, wanted: Optional[List[Target]], invited: Sequence[Target] = ()) -> List[TargetResult]:
    """Queue one invocation per account in scope (`wanted`: only those new accounts; `invited`:
    those of them that were only invited), each request signed with FANOUT_KEY (events/fanout.py)."""
    key = run.settings.fanout_key.get_secret_value() if run.settings.fanout_key else ""
    if not key:  # the settings require it in organization mode; never queue an unsigned request
        raise OrganizationError(ErrorCode.INVALID_CONFIGURATION, "FANOUT_KEY: required to queue member sweeps")
    accounts = organization_accounts(run.scope)
    run_id = run.scope.run_id or ""
    chosen, decided = choose(accounts, run.settings, wanted, run_id, invited)
    urn = function_urn(run.settings, run.context, run.environ, run.credentials.project_id)
    manual = run.work.manual
    action = manual.action if manual else "backfill"
    regions = manual.regions if manual else None
    now = time.time()  # one date for the run: its members' reports share its day folder

    def signed(account_id: str) -> Dict[str, Any]:
        request = FanoutRequest.build(action, account_id, run_id, now, wanted is not None, run.dry_run, regions)
        return request.signed(key).to_payload()

    concurrency = run.settings.sweep_concurrency
    results = decided + dispatch(chosen, signed, urn, run.gateway, run.deadline, concurrency, run.dry_run)
    if wanted is None and run.settings.report_bucket:  # a whole run: its organization report's expected list
        from .report import open_run

        try:
            open_run(run, accounts, results)
        except CloudError as error:  # the sweeps are queued; say what the report will lack
            message = f"the organization report's expected-accounts list was not written: {error.code} {error.message}"
            results.append(TargetResult(None, Outcome.FAILED, message, error=error.info(message)))
    return results


def new_accounts(run: Run, wanted: List[Wanted]) -> Dict[Target, TargetResult]:
    """Dispatch the sweeps of accounts that joined the organization (keyed by the traced target)."""
    targets = [item.target for item in wanted]
    if not run.settings.organization_sweep:
        return {t: skipped(t, "ORGANIZATION_SWEEP is off: member accounts are not swept") for t in targets}
    try:
        results = coordinate(run, targets, [item.target for item in wanted if item.invitation])
    except Unjudged as error:
        info = ErrorInfo(error.code, str(error))
        return {t: TargetResult(t, Outcome.FAILED, str(error), error=info, transient=error.transient) for t in targets}
    by_id = {r.target.account_id: r for r in results if r.target}
    by_name = {r.target.name: r for r in results if r.target and r.target.name}
    found = {t: by_id.get(t.account_id) if t.account_id else by_name.get(t.name or "") for t in targets}
    return {t: r for t, r in found.items() if r is not None}


def function_urn(settings: Settings, context: Any, environ: Mapping[str, str], project_id: Optional[str]) -> str:
    """FUNCTION_URN, else this function's URN as FunctionGraph writes it:
    `urn:fss:{region}:{project_id}:function:{package}:{name}:{version}`."""
    if settings.function_urn:
        return settings.function_urn
    name = context_text(context, "getFunctionName") or environ.get("RUNTIME_FUNC_NAME")
    if not (name and project_id):
        raise OrganizationError(
            ErrorCode.INVALID_CONFIGURATION,
            "FUNCTION_URN: required for an organization sweep when the runtime does not name the function "
            "and its project (getFunctionName, RUNTIME_PROJECT_ID)",
        )
    package = context_text(context, "getPackage") or environ.get("RUNTIME_PACKAGE") or "default"
    version = context_text(context, "getVersion") or "latest"
    return f"urn:fss:{settings.region}:{project_id}:function:{package}:{name}:{version}"


def choose(
    accounts: Sequence[Account],
    settings: Settings,
    wanted: Optional[Sequence[Target]] = None,
    run_id: str = "",
    invited: Collection[Target] = (),
) -> Tuple[List[Account], List[TargetResult]]:
    """The accounts to sweep, in order, and a result for each one left out. `wanted` (new-account
    traces) narrows to those accounts, by id or else by name; one only `invited` and not listed yet
    is skipped (no member until it accepts). The order is shuffled by `run_id`
    (a run's own, stable across its retries): when a run runs out of time, the accounts it did
    not reach are not the same ones next time, as they would be in id order."""
    by_id = {account.id: account for account in accounts}
    decided: List[TargetResult] = []
    chosen: List[Account] = []
    if wanted is None:
        candidates = sorted(accounts, key=lambda a: hashlib.sha256(f"{run_id}\n{a.id}".encode()).hexdigest())
        for missing in sorted(set(settings.accounts) - set(by_id)):
            message = "ACCOUNTS names an account that is not in the organization"
            decided.append(failed(account_target(missing, None), ErrorCode.NOT_FOUND, message))
    else:
        by_name = {account.name: account for account in accounts if account.name}
        candidates = []
        for target in wanted:
            found = by_id.get(target.account_id) if target.account_id else by_name.get(target.name or "")
            if found is None and target in invited:
                decided.append(skipped(target, INVITED))
            elif found is None:
                message = "not (yet) an account of the organization: FunctionGraph's retry or the next run will see it"
                info = ErrorInfo(ErrorCode.NOT_FOUND, message)
                decided.append(TargetResult(target, Outcome.FAILED, message, error=info, transient=True))
            elif found not in candidates:
                candidates.append(found)
    for account in candidates:
        if not ACCOUNT_ID.match(account.id):  # a member sweep would refuse it: not dispatched
            why = f"Organizations listed an account id that is not 1-64 letters or digits: {shown(account.id, 80)!r}"
            decided.append(out_of_scope(account_target(shown(account.id, 80), text(account.name)), why))
            continue
        target = account_target(account.id, account.name)
        reason = settings.account_excluded(account.id)
        if reason:
            decided.append(skipped(target, reason))
        elif account.status != ACTIVE:
            decided.append(skipped(target, f"the account is {account.status or 'in an unknown state'}, not active"))
        else:
            chosen.append(account)
    return chosen, decided


def dispatch(
    accounts: Sequence[Account],
    request: Callable[[str], Dict[str, Any]],
    urn: str,
    gateway: Gateway,
    deadline: Deadline,
    concurrency: int,
    dry_run: bool,
) -> List[TargetResult]:
    """Queue `request(account id)` for each account, `concurrency` at a time; results in order.
    Each result names the queued invocation's request id (`queued_request_id`): the member
    reports filed under this run are the ones with those ids. Once FunctionGraph answers that
    the function is disabled, the remaining accounts are marked without a call."""
    disabled = threading.Event()

    def send(account: Account) -> TargetResult:
        target = account_target(account.id, account.name)
        if disabled.is_set():
            return failed(target, DISABLED_CODE, DISABLED)
        if deadline.remaining() < START_RESERVE_SECONDS:
            return failed(target, ErrorCode.NOT_REACHED, NOT_REACHED)
        try:
            request_id = gateway.invoke_async(urn, request(account.id))
        except CloudError as error:
            if error.code == DISABLED_CODE and not error.transient:  # the gateway tells it from throttling
                disabled.set()
            message = f"could not queue the account's sweep: {error.code} {error.message}"
            return TargetResult(target, Outcome.FAILED, message, error=error.info(message), transient=error.transient)
        queued_id = shown(request_id, 128) if request_id else None
        queued = f"FunctionGraph request {queued_id}" if queued_id else "FunctionGraph"
        if dry_run:
            reason = f"dry run: the account's sweep was queued ({queued}) with dry_run; it creates nothing"
            return TargetResult(target, Outcome.PLANNED, reason, queued_request_id=queued_id)
        reason = f"the account's sweep was queued ({queued})"
        return TargetResult(target, Outcome.DISPATCHED, reason, queued_request_id=queued_id)

    if not accounts:
        return []
    with ThreadPoolExecutor(max_workers=min(concurrency, len(accounts))) as pool:
        return list(pool.map(send, accounts))
