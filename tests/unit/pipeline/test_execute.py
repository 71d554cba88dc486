"""The executor takes a plan still in the making: a sweep's first creates go out while the rest
of its targets are being planned. Driven through the real gateway and SDK against the fake."""

from __future__ import annotations

import time
from typing import Iterator, List

import pytest
from helpers.world import AK, PROJECT_ID, REGION, SK, TOKEN, base_env

from autotracker.cloud.credentials import Credentials
from autotracker.cloud.gateway import Gateway
from autotracker.cloud.retry import Deadline, RetryPolicy
from autotracker.contract import Kind, Outcome, Target
from autotracker.pipeline.execute import execute
from autotracker.pipeline.plan import Mode, ProjectState, Step, Wanted, plan
from autotracker.settings import load_settings


def answered(cloud, action: str, count: int, within: float = 10.0) -> bool:
    """Whether the fake has answered `count` calls of `action` (polled, bounded: never a timing claim)."""
    give_up = time.monotonic() + within
    while time.monotonic() < give_up:
        if len(cloud.calls_of(action)) >= count:
            return True
        time.sleep(0.005)
    return False


SETTINGS = load_settings(base_env())


@pytest.fixture
def gateway() -> Gateway:
    return Gateway(Credentials(AK, SK, TOKEN, PROJECT_ID), SETTINGS, Deadline(60_000), RetryPolicy(1, 0.0))


def test_creates_are_sent_while_the_rest_of_the_plan_is_still_being_made(cloud, gateway: Gateway) -> None:
    names = ["photos-2026", "invoices-archive", "late-bucket"]
    cloud.add_bucket("late-bucket", REGION)
    states = {PROJECT_ID: ProjectState(trackers=[])}
    wanted = [Wanted(Target(Kind.BUCKET, name, PROJECT_ID, REGION)) for name in names]
    sent_before_the_rest: List[bool] = []

    def steps() -> Iterator[Step]:
        for made, step in enumerate(plan(wanted, states, Mode(mutate=True), SETTINGS)):
            if made == 2:  # two creates handed over: both must be on the wire before the third is made
                sent_before_the_rest.append(answered(cloud, "CreateTracker", 2))
            yield step

    with cloud.mock():
        results = execute(steps(), states, gateway, Deadline(60_000), concurrency=4)
    assert sent_before_the_rest == [True]
    assert [r.target.name for r in results if r.target] == names  # in the plan's order
    assert [r.outcome for r in results] == [Outcome.CREATED] * 3
    created = sorted(t["data_bucket"]["data_bucket_name"] for t in cloud.cts.trackers(PROJECT_ID))
    assert created == sorted(names)


def test_a_plan_that_breaks_off_sends_nothing_more(cloud, gateway: Gateway) -> None:
    """Only what is already on the wire completes; queued creates are dropped and the error is raised."""
    states = {PROJECT_ID: ProjectState(trackers=[])}
    wanted = [Wanted(Target(Kind.BUCKET, name, PROJECT_ID, REGION)) for name in ("photos-2026", "invoices-archive")]
    cloud.faults.hold("CreateTracker", until="nothing-answers-this", timeout=2.0)  # the first create stays in flight

    def steps() -> Iterator[Step]:
        yield from plan(wanted, states, Mode(mutate=True), SETTINGS)
        assert cloud.faults.until_held() and cloud.faults.waiting == 1  # the one worker is on the first create
        raise RuntimeError("planning failed")

    with cloud.mock(), pytest.raises(RuntimeError, match="planning failed"):
        execute(steps(), states, gateway, Deadline(60_000), concurrency=1)
    assert [call.request_json["data_bucket"]["data_bucket_name"] for call in cloud.calls_of("CreateTracker")] == [
        "photos-2026"
    ]
