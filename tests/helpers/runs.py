"""One invocation's `Run`, put together from an event, an environment and a context the way
handler.py puts it together, for the unit tests of the jobs and of the organization's modules:
they call a job's `perform` (or a module's function) with it and look at the fake cloud."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from autotracker.cloud.credentials import resolve_credentials
from autotracker.cloud.gateway import Gateway
from autotracker.cloud.retry import Deadline, RetryPolicy
from autotracker.events.sources import read_event, source_of
from autotracker.invocation import AccountScope, Run
from autotracker.pipeline.plan import Mode
from autotracker.pipeline.quota import QuotaBook
from autotracker.settings import load_settings, read_environment
from fakecloud import FakeOrganization
from helpers.organization import FUNCTION, member
from helpers.world import REGION, FakeContext, make_cloud


def make_run(event: Any, environ: Mapping[str, str], context: Optional[Any] = None) -> Run:
    """The Run the handler would build for `event`. When TRACE_BUCKET names `{account_id}` and
    the event names no account, call it inside the fake's `mock()` (the own account is asked of STS)."""
    context = context or FakeContext()
    own_id = str(context.getRequestID())  # the request id, as the handler takes it
    source = source_of(event)
    values = read_environment(environ, getattr(context, "getUserData", None))
    work = read_event(event, source, values.get("FANOUT_KEY"))
    settings = load_settings(values)
    credentials = resolve_credentials(context, environ)
    deadline = Deadline(float(context.getRemainingTimeInMilliSeconds()))
    policy = RetryPolicy(max_attempts=settings.retry_max_attempts, base_delay=settings.retry_base_delay_ms / 1000.0)
    gateway = Gateway(credentials, settings, deadline, policy)
    dry_run = settings.dry_run or bool(work.request and work.request.dry_run)
    audit = bool(work.request and work.request.action == "audit")
    scope = AccountScope.of(work, settings, gateway, own_id)
    if settings.per_account_bucket:
        settings = settings.for_account(scope.account())
    assert source is not None
    mode = Mode(mutate=not (dry_run or audit), audit=audit)
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
        own_id,
        own_id,
        scope,
        QuotaBook(),
    )


def organization() -> FakeOrganization:
    """A management account running the function (the tests' account, its per-account trace
    bucket, the function) and three active members, alpha, beta and gamma, each with the agency."""
    management = make_cloud()
    management.add_bucket(f"trace-{management.domain_id}", REGION)
    management.add_function(FUNCTION)
    org = FakeOrganization(management)
    for name in ("alpha", "beta", "gamma"):
        member(org, name)
    return org
