"""pipeline/plan.py: one step per wanted target: create what is missing, leave what is covered; a dry run plans."""

from __future__ import annotations

from typing import List

from helpers.trackers import data_tracker
from helpers.world import PROJECT_ID, REGION, base_env

from autotracker.cloud.records import TrackerRecord
from autotracker.contract import Kind, Outcome, Target, TargetResult
from autotracker.pipeline.plan import Create, Mode, ProjectState, Wanted, plan
from autotracker.settings import load_settings

SETTINGS = load_settings(base_env())


def wanted(*names: str) -> List[Wanted]:
    return [Wanted(Target(Kind.BUCKET, name, PROJECT_ID, REGION)) for name in names]


def test_an_uncovered_bucket_is_created_and_a_covered_one_left() -> None:
    covered = TrackerRecord.from_wire(data_tracker("photos-2026", "custom-photos"))
    states = {PROJECT_ID: ProjectState(trackers=[covered])}
    new, old = plan(wanted("new-bucket", "photos-2026"), states, Mode(mutate=True), SETTINGS)
    assert isinstance(new, Create) and new.body.tracker_name == "obs-new-bucket"
    assert isinstance(old, TargetResult) and old.outcome == Outcome.ALREADY_TRACKED


def test_a_dry_run_plans_without_a_create() -> None:
    (step,) = plan(wanted("new-bucket"), {PROJECT_ID: ProjectState(trackers=[])}, Mode(mutate=False), SETTINGS)
    assert isinstance(step, TargetResult) and step.outcome == Outcome.PLANNED


def test_the_covering_index_is_the_data_trackers_of_each_bucket() -> None:
    trackers = [TrackerRecord.from_wire(data_tracker(b, f"t-{b}")) for b in ("a-bucket", "a-bucket", "b-bucket")]
    state = ProjectState(trackers=trackers)
    assert len(state.covering("a-bucket")) == 2 and state.covering("none") == []
