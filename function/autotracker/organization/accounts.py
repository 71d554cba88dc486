"""The organization's accounts (Organizations ListAccounts) and which of them this function may
act in now: the checks both the coordinator (fanout.py) and a member sweep (member.py) make."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ..cloud.errors import CloudError, Unjudged
from ..contract import ErrorCode, Kind, Target, TargetResult, failed
from ..settings import Settings
from ..untrusted import shown

if TYPE_CHECKING:
    from ..invocation import AccountScope

ACTIVE = "active"  # Organizations' other states: suspended, pending_closure


@dataclass(frozen=True)
class Account:
    id: str
    name: Optional[str]
    status: str


class OrganizationError(Unjudged):
    """The organization could not be read, or the fan-out cannot be addressed: nothing was queued."""


def account_target(account_id: Optional[str], name: Optional[str]) -> Target:
    return Target(Kind.ACCOUNT, name, None, None, account_id)


def organization_accounts(scope: AccountScope) -> List[Account]:
    """Every account of this function's organization, each once (a page repeated by the service
    must not queue an account twice; when two listings of an id disagree, the one that is not
    active counts: an account is never swept on the strength of one of two)."""
    own, gateway = scope.own_account(), scope.gateway
    try:
        listed = gateway.list_accounts(own)
    except CloudError as error:
        raise _unreadable(error, "listing the organization's accounts (Organizations)") from None
    accounts: Dict[str, Account] = {}
    for item in listed:
        if item.get("id"):
            account = Account(str(item["id"]), text(item.get("name")), str(item.get("status") or "").lower())
            first = accounts.get(account.id)
            if first is None or (first.status == ACTIVE and account.status != ACTIVE):
                accounts[account.id] = account
    return list(accounts.values())


def refusal(account_id: str, settings: Settings, scope: AccountScope) -> Optional[TargetResult]:
    """Why this function may not act in `account_id` now (a failed result), or None: a request
    naming an account passes the coordinator's own checks at this moment (ORGANIZATION_SWEEP on;
    ACCOUNTS and EXCLUDE_ACCOUNTS; an account of the organization, active), whoever sent it and
    whatever it carries. Nothing is called in the account. The organization is asked about this
    one account (ShowAccount), not listed: one call per member however large the organization.
    An answer that cannot be had raises Unjudged (transient or not)."""
    target = account_target(account_id, None)
    if not settings.organization_sweep:
        return out_of_scope(target, "ORGANIZATION_SWEEP is off: this function acts in no member account")
    excluded = settings.account_excluded(account_id)
    if excluded:
        return out_of_scope(target, f"the account is {excluded}")
    try:
        found = scope.gateway.show_account(scope.own_account(), account_id)
    except CloudError as error:
        raise _unreadable(error, "reading the account from the organization (Organizations ShowAccount)") from None
    if found is None or str(found.get("id") or "") != account_id:  # 404, or an answer about another account
        return out_of_scope(target, "not an account of this function's organization (Organizations ShowAccount)")
    status = str(found.get("status") or "").lower()  # an older page writes the states in upper case
    if status != ACTIVE:
        target = account_target(account_id, text(found.get("name")))
        return out_of_scope(target, f"the account is {shown(status, 40) or 'in an unknown state'}, not active")
    return None


def out_of_scope(target: Target, why: str) -> TargetResult:
    return failed(target, ErrorCode.OUT_OF_SCOPE, f"refused, nothing was done in the account: {why}")


def _unreadable(error: CloudError, what: str) -> OrganizationError:
    return OrganizationError(error.code, f"{what} failed: {error.code} {error.message}", error.transient)


def text(value: Any) -> Optional[str]:
    return str(value) if value else None
