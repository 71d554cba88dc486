"""One invocation's fixed inputs (`Run`) and its account scope, built once by the handler.

The scope answers what the jobs and the outputs used to work out each on their own: which
account the invocation acts in, this function's own account (one STS call at most, made only
when asked, and kept on the scope, never across warm invocations), whom a report is about and
the organization run it belongs to.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, List, Mapping, NamedTuple, Optional, Union

from .cloud.errors import CloudError, Unjudged
from .cloud.gateway import Gateway
from .cloud.retry import Deadline, RetryPolicy
from .pipeline.plan import Mode
from .pipeline.quota import QuotaBook
from .settings import Settings

if TYPE_CHECKING:
    from .cloud.credentials import Credentials
    from .events.sources import Source, Work

ORGANIZATION = "organization"


@dataclass(frozen=True)
class AccountScope:
    """Whom this invocation is about. `named` is the member account a request names (else the
    invocation acts in this function's own account); `label` names an organization-mode report's
    subject ("organization", "account X") or is None; `run_id` is the run it belongs to: the
    organization run of a verified fan-out, else none for a member sweep asked for by hand, else
    this invocation's own id, which a coordinator gives its member sweeps."""

    gateway: Gateway = field(repr=False)
    named: Optional[str]
    label: Optional[str]
    run_id: Optional[str]
    _own: List[Union[str, Unjudged]] = field(default_factory=list, repr=False, compare=False)
    _lock: Any = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def of(cls, work: Work, settings: Settings, gateway: Gateway, own_id: str) -> AccountScope:
        manual, request = work.manual, work.request
        named = request.account_id if request and request.account_id else None
        label: Optional[str] = None
        if named:
            label = f"account {named}"
        elif (
            settings.organization_sweep and work.traces is None and not (manual and (manual.buckets or manual.projects))
        ):
            label = ORGANIZATION
        run_id = work.fanout.run_id if work.fanout else (None if named else own_id)
        return cls(gateway, named, label, run_id)

    def own_account(self) -> str:
        """This function's own account (STS GetCallerIdentity), looked up once: a failure is kept
        too, so an output that asks again is answered the same without another call."""
        with self._lock:
            if not self._own:
                try:
                    self._own.append(self.gateway.caller_account())
                except CloudError as error:
                    what = "identifying this function's account (STS GetCallerIdentity)"
                    message = f"{what} failed: {error.code} {error.message}"
                    self._own.append(Unjudged(error.code, message, error.transient))
            found = self._own[0]
        if isinstance(found, Unjudged):
            raise found
        return found

    def account(self) -> str:
        """The account this invocation acts in: the member a request names, else its own."""
        return self.named or self.own_account()


class Run(NamedTuple):
    """One invocation's fixed inputs, as every job and output needs them."""

    source: Source
    work: Work
    context: Any
    environ: Mapping[str, str]
    settings: Settings  # of the account it acts in (TRACE_BUCKET's `{account_id}` filled in)
    credentials: Credentials
    gateway: Gateway
    deadline: Deadline
    mode: Mode
    dry_run: bool
    request_id: Optional[str]
    own_id: str  # FunctionGraph's request id, else a random one: never the event's hash, which repeats
    scope: AccountScope
    quota: QuotaBook  # the data-tracker quota figures the job saw, for the outputs


def start(
    source: Source,
    work: Work,
    context: Any,
    environ: Mapping[str, str],
    settings: Settings,
    credentials: Credentials,
    request_id: Optional[str],
    remaining_ms: Optional[float],
    reserve: float,
) -> Run:
    """The invocation's Run: its deadline, the gateway with its retry policy and `reserve` seconds
    kept for the report, the mode (a dry run or an audit changes nothing), its own id and account
    scope, an empty quota book. TRACE_BUCKET's `{account_id}` is filled in by the caller, which
    may have to ask STS."""
    deadline = Deadline(remaining_ms)
    policy = RetryPolicy(max_attempts=settings.retry_max_attempts, base_delay=settings.retry_base_delay_ms / 1000.0)
    gateway = Gateway(credentials, settings, deadline, policy, reserve=reserve)
    dry_run = settings.dry_run or bool(work.request and work.request.dry_run)
    audit = bool(work.request and work.request.action == "audit")
    mode = Mode(mutate=not (dry_run or audit), audit=audit)
    own_id = request_id or uuid.uuid4().hex
    scope = AccountScope.of(work, settings, gateway, own_id)
    return Run(
        source,
        work,
        context,
        environ,
        settings,
        credentials,
        gateway,
        deadline,
        mode,
        dry_run,
        request_id,
        own_id,
        scope,
        QuotaBook(),
    )
