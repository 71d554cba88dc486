"""jobs/sweep.py: a timer, manual or APIG request sweeps this account, one member account (the
request names it) or the whole organization (queued per account); which of them leave a report."""

from __future__ import annotations

from helpers.organization import FunctionContext, created, org_env
from helpers.runs import make_run, organization
from helpers.world import base_env, sample

from autotracker.contract import Kind, Outcome
from autotracker.jobs import sweep
from fakecloud import FakeCloud


def test_a_timer_sweeps_this_account(cloud: FakeCloud) -> None:
    run = make_run(sample("timer.json"), base_env())
    with cloud.mock():
        results = sweep.perform(run)
    buckets = {r.target.name: r.outcome for r in results if r.target and r.target.kind == Kind.BUCKET}
    assert buckets["photos-2026"] == buckets["invoices-archive"] == Outcome.CREATED
    data = [
        c.request_json["data_bucket"]["data_bucket_name"]
        for c in cloud.calls_of("CreateTracker")
        if c.request_json.get("data_bucket")
    ]
    assert sorted(data) == ["invoices-archive", "photos-2026"]  # the transfer bucket is never tracked
    assert not cloud.calls_of("AsyncInvokeFunction") and not cloud.calls_of("ListAccounts")


def test_an_audit_only_judges(cloud: FakeCloud) -> None:
    run = make_run({"action": "audit", "all": True}, base_env())
    with cloud.mock():
        results = sweep.perform(run)
    assert results and not cloud.calls_of("CreateTracker")
    buckets = {r.target.name: r.outcome for r in results if r.target and r.target.kind == Kind.BUCKET}
    assert buckets["photos-2026"] == buckets["invoices-archive"] == Outcome.PLANNED


def test_in_organization_mode_a_timer_queues_the_accounts_and_sweeps_none_itself() -> None:
    org = organization()
    with org.mock():
        run = make_run(sample("timer.json"), org_env(), FunctionContext())
        results = sweep.perform(run)
    assert {r.outcome for r in results} == {Outcome.DISPATCHED}
    assert {r.target.account_id for r in results if r.target} == set(org.accounts)
    assert len(org.management.fgs.take_async_invocations()) == len(org.accounts)
    assert not created(org.management) and all(not created(cloud) for cloud in org.members())


def test_named_buckets_in_organization_mode_are_swept_here_not_queued() -> None:
    org = organization()
    with org.mock():
        run = make_run({"action": "backfill", "buckets": ["photos-2026"]}, org_env(), FunctionContext())
        (result,) = sweep.perform(run)
    assert result.outcome == Outcome.CREATED and result.target is not None and result.target.name == "photos-2026"
    assert not org.management.calls_of("AsyncInvokeFunction")


def test_a_request_naming_a_member_sweeps_that_member() -> None:
    org = organization()
    alpha, beta = org.members()[:2]
    event = {"action": "backfill", "all": True, "account_id": alpha.domain_id}
    with org.mock():
        run = make_run(event, org_env(), FunctionContext())
        results = sweep.perform(run)
    assert created(alpha) and not created(beta) and not created(org.management)
    assert all(r.target is not None and r.target.account_id == alpha.domain_id for r in results)


def test_only_the_report_request_writes_its_own_report_and_it_leaves_no_sweep_report() -> None:
    timer = make_run(sample("timer.json"), base_env())
    report = make_run({"action": "report", "run_id": "coordinator-0001"}, base_env())
    assert sweep.perform_with_report(timer) is None
    assert sweep.leaves_report(timer) is True
    assert sweep.leaves_report(report) is False
