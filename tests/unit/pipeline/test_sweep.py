"""pipeline/sweep: one account's sweep, through the real SDK to the fake cloud."""

from __future__ import annotations

from typing import Any, Optional

from helpers.world import AK, PROJECT_ID, REGION, SK, TOKEN, TRACE_BUCKET, FakeContext, base_env, make_cloud

from autotracker.cloud.credentials import Credentials
from autotracker.cloud.gateway import Gateway
from autotracker.cloud.retry import Deadline, RetryPolicy
from autotracker.contract import Kind, Outcome, Trigger
from autotracker.events.manual import ManualRequest
from autotracker.events.sources import SOURCES, Work
from autotracker.invocation import AccountScope, Run
from autotracker.pipeline import sweep
from autotracker.pipeline.plan import Mode
from autotracker.pipeline.quota import QuotaBook
from autotracker.settings import load_settings


def _run(manual: Optional[ManualRequest] = None, mutate: bool = True, **env: str) -> Run:
    environ = {**base_env(), **env}
    settings = load_settings(environ)
    credentials = Credentials(AK, SK, TOKEN, PROJECT_ID)
    deadline = Deadline(60_000)
    gateway = Gateway(credentials, settings, deadline, RetryPolicy(2, 0.0))
    work = Work(Trigger.MANUAL if manual else Trigger.TIMER, manual=manual)
    source = next(s for s in SOURCES if s.job == "sweep")
    scope = AccountScope.of(work, settings, gateway, "own-id")
    context: Any = FakeContext()
    return Run(
        source, work, context, environ, settings, credentials, gateway, deadline,
        Mode(mutate=mutate), not mutate, None, "own-id", scope, QuotaBook(),
    )  # fmt: skip


def test_regions_are_the_requests_else_the_settings() -> None:
    assert sweep.regions(_run()) == (REGION,)
    assert sweep.regions(_run(BASELINE_REGIONS=f"{REGION},eu-west-101")) == (REGION, "eu-west-101")
    asked = ManualRequest(action="backfill", all=True, regions=["eu-west-101"])
    assert sweep.regions(_run(asked)) == ("eu-west-101",)


def test_a_sweep_covers_every_bucket_and_project() -> None:
    cloud = make_cloud()
    run = _run()
    with cloud.mock():
        results = sweep.account_sweep(run, run.gateway, PROJECT_ID)
        listed = {t.bucket for t in run.gateway.list_trackers(REGION, PROJECT_ID, tracker_type="data")}
    by_name = {(r.target.kind, r.target.name): r.outcome for r in results if r.target}
    assert by_name[(Kind.BUCKET, "photos-2026")] == Outcome.CREATED
    assert by_name[(Kind.BUCKET, "invoices-archive")] == Outcome.CREATED
    assert by_name[(Kind.BUCKET, TRACE_BUCKET)] == Outcome.SKIPPED
    assert listed == {"photos-2026", "invoices-archive"}


def test_a_second_sweep_changes_nothing() -> None:
    cloud = make_cloud()
    with cloud.mock():
        run = _run()
        sweep.account_sweep(run, run.gateway, PROJECT_ID)
        cloud.reset_calls()
        again = sweep.account_sweep(_run(), run.gateway, PROJECT_ID)
    assert {r.outcome for r in again} <= {Outcome.ALREADY_TRACKED, Outcome.SKIPPED}
    assert cloud.mutating_calls() == []


def test_a_dry_run_plans_and_creates_nothing() -> None:
    cloud = make_cloud()
    run = _run(mutate=False)
    with cloud.mock():
        results = sweep.account_sweep(run, run.gateway, PROJECT_ID)
    assert Outcome.PLANNED in {r.outcome for r in results}
    assert cloud.calls_of("CreateTracker") == []


def test_named_buckets_are_the_only_ones_swept() -> None:
    cloud = make_cloud()
    run = _run(ManualRequest(action="backfill", buckets=["photos-2026"]))
    with cloud.mock():
        results = sweep.account_sweep(run, run.gateway, PROJECT_ID)
    assert [(r.target.name, r.outcome) for r in results if r.target] == [("photos-2026", Outcome.CREATED)]
