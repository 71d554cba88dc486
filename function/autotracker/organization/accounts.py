"""Organization sweeps, fanned out on FunctionGraph itself.

The coordinator lists the organization's accounts (Organizations ListAccounts, every page) and
queues one asynchronous invocation of this same function per account (AsyncInvokeFunction).
Each of those invocations is one account's ordinary sweep (`member.py`). FunctionGraph's async
queue, retries and on_failure destination do the distributing; the coordinator only lists and
queues, so it stays far inside one invocation's time limit however many accounts there are.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Collection, Dict, List, Mapping, Optional, Sequence, Tuple

from ..cloud.credentials import context_text
from ..cloud.gateway import CloudError, Gateway, Unjudged
from ..cloud.retry import Deadline
from ..contract import ErrorCode, ErrorInfo, Kind, Outcome, Target, TargetResult, failed, skipped
from ..pipeline.execute import START_RESERVE_SECONDS  # no queueing with less left, as for creates
from ..settings import ACCOUNT_ID, Settings
from ..untrusted import shown

DISABLED_CODE = "FSS.0429"  # FunctionGraph's code for throttling and for "Function Disabled" (gateway.is_disabled)
ACTIVE = "active"  # Organizations' other states: suspended, pending_closure
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


@dataclass(frozen=True)
class Account:
    id: str
    name: Optional[str]
    status: str


class OrganizationError(Unjudged):
    """The organization could not be read, or the fan-out cannot be addressed: nothing was queued."""


def account_target(account_id: Optional[str], name: Optional[str]) -> Target:
    return Target(Kind.ACCOUNT, name, None, None, account_id)


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


def organization_accounts(gateway: Gateway) -> Tuple[str, List[Account]]:
    """This function's own account, and every account of its organization, each once (a page
    repeated by the service must not queue an account twice; when two listings of an id disagree,
    the one that is not active counts: an account is never swept on the strength of one of two)."""
    own = own_account(gateway)
    try:
        listed = gateway.list_accounts(own)
    except CloudError as error:
        raise _unreadable(error, "listing the organization's accounts (Organizations)") from None
    accounts: Dict[str, Account] = {}
    for item in listed:
        if item.get("id"):
            account = Account(str(item["id"]), _text(item.get("name")), str(item.get("status") or "").lower())
            first = accounts.get(account.id)
            if first is None or (first.status == ACTIVE and account.status != ACTIVE):
                accounts[account.id] = account
    return own, list(accounts.values())


def refusal(account_id: str, settings: Settings, gateway: Gateway) -> Tuple[str, Optional[TargetResult]]:
    """This function's own account, and why it may not act in `account_id` now (a failed
    result), or None: a request naming an account passes the coordinator's own checks at this
    moment (ORGANIZATION_SWEEP on; ACCOUNTS and EXCLUDE_ACCOUNTS; an account of the organization,
    active), whoever sent it and whatever it carries. Nothing is called in the account. The
    organization is asked about this one account (ShowAccount), not listed: one call per member
    however large the organization. An answer that cannot be had raises OrganizationError
    (transient or not)."""
    target = account_target(account_id, None)
    if not settings.organization_sweep:
        return "", out_of_scope(target, "ORGANIZATION_SWEEP is off: this function acts in no member account")
    excluded = settings.account_excluded(account_id)
    if excluded:
        return "", out_of_scope(target, f"the account is {excluded}")
    own = own_account(gateway)
    try:
        found = gateway.show_account(own, account_id)
    except CloudError as error:
        raise _unreadable(error, "reading the account from the organization (Organizations ShowAccount)") from None
    if found is None or str(found.get("id") or "") != account_id:  # 404, or an answer about another account
        return own, out_of_scope(target, "not an account of this function's organization (Organizations ShowAccount)")
    status = str(found.get("status") or "").lower()  # an older page writes the states in upper case
    if status != ACTIVE:
        target = account_target(account_id, _text(found.get("name")))
        return own, out_of_scope(target, f"the account is {shown(status, 40) or 'in an unknown state'}, not active")
    return own, None


def out_of_scope(target: Target, why: str) -> TargetResult:
    return failed(target, ErrorCode.OUT_OF_SCOPE, f"refused, nothing was done in the account: {why}")


def own_account(gateway: Gateway) -> str:
    try:
        return gateway.caller_account()
    except CloudError as error:
        raise _unreadable(error, "identifying this function's account (STS GetCallerIdentity)") from None


def _unreadable(error: CloudError, what: str) -> OrganizationError:
    return OrganizationError(error.code, f"{what} failed: {error.code} {error.message}", error.transient)


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
            decided.append(out_of_scope(account_target(shown(account.id, 80), _text(account.name)), why))
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


def _text(value: Any) -> Optional[str]:
    return str(value) if value else None
