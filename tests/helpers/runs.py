"""One invocation's `Run`, put together from an event, an environment and a context with
invocation.start, as handler.py does, for the unit tests of the jobs and of the organization's modules:
they call a job's `perform` (or a module's function) with it and look at the fake cloud."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from autotracker.cloud.credentials import resolve_credentials
from autotracker.events.sources import read_event, source_of
from autotracker.handler import NOTIFY_RESERVE_SECONDS
from autotracker.invocation import Run, start
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
    remaining = float(context.getRemainingTimeInMilliSeconds())
    run = start(source, work, context, environ, settings, credentials, own_id, remaining, NOTIFY_RESERVE_SECONDS)
    if settings.per_account_bucket:
        run = run._replace(settings=settings.for_account(run.scope.account()))
    return run


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
