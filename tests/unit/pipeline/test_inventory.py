"""pipeline/inventory: what a sweep looks at, read through the real SDK from the fake cloud."""

from __future__ import annotations

from typing import Dict

from helpers.world import AK, NEW_PROJECT_ID, PROJECT_ID, REGION, SK, TOKEN, TRACE_BUCKET, base_env, make_cloud

from autotracker.cloud.credentials import Credentials
from autotracker.cloud.gateway import Gateway
from autotracker.cloud.retry import Deadline, RetryPolicy
from autotracker.contract import ErrorCode, Kind, Outcome
from autotracker.pipeline import inventory
from autotracker.pipeline.inventory import Scope
from autotracker.settings import Settings, load_settings


def _settings(**changes: str) -> Settings:
    return load_settings({**base_env(), **changes})


def _gateway(settings: Settings) -> Gateway:
    return Gateway(Credentials(AK, SK, TOKEN, PROJECT_ID), settings, Deadline(60_000), RetryPolicy(2, 0.0))


def _take(scope: Scope, **changes: str) -> inventory.Inventory:
    cloud, settings = make_cloud(), _settings(**changes)
    with cloud.mock():
        return inventory.take_inventory(scope, settings, _gateway(settings), PROJECT_ID)


def _wanted(found: inventory.Inventory) -> Dict[str, str]:
    return {str(w.target.name): str(w.target.project_id) for w in found.wanted}


def test_scope_everything_only_without_named_targets() -> None:
    assert Scope((REGION,)).everything
    assert not Scope((REGION,), buckets=("b",)).everything


def test_the_whole_account_lists_its_buckets_and_projects_with_their_states() -> None:
    found = _take(Scope((REGION,)))
    wanted = {(w.target.kind, w.target.name) for w in found.wanted}
    assert {(Kind.BUCKET, "photos-2026"), (Kind.BUCKET, "invoices-archive")} <= wanted
    assert (Kind.BUCKET, TRACE_BUCKET) not in wanted  # the transfer bucket is skipped, not tracked into itself
    projects = {w.target.project_id for w in found.wanted if w.target.kind == Kind.PROJECT}
    assert projects == {PROJECT_ID, NEW_PROJECT_ID}
    assert set(found.states) == {w.target.project_id for w in found.wanted}
    assert all(state.error is None and state.trackers == [] for state in found.states.values())
    (own,) = found.decided
    assert own.target is not None and own.target.name == TRACE_BUCKET and own.outcome == Outcome.SKIPPED


def test_named_buckets_are_placed_and_a_missing_one_decided_not_found() -> None:
    found = _take(Scope((REGION,), buckets=("photos-2026", "no-such-bucket")))
    assert _wanted(found) == {"photos-2026": PROJECT_ID}
    (missing,) = found.decided
    assert missing.target is not None and missing.target.name == "no-such-bucket"
    assert missing.error is not None and missing.error.code == ErrorCode.NOT_FOUND


def test_a_region_without_a_project_is_decided_unknown() -> None:
    found = _take(Scope(("eu-west-101",)))
    assert found.wanted == []
    assert [r.error.code for r in found.decided if r.error] == [ErrorCode.UNKNOWN_REGION]


def test_take_bucket_places_one_bucket_in_its_project() -> None:
    cloud, settings = make_cloud(), _settings()
    with cloud.mock():
        found = inventory.take_bucket("invoices-archive", settings, _gateway(settings), PROJECT_ID)
        gone = inventory.take_bucket("gone", settings, _gateway(settings), PROJECT_ID)
    assert _wanted(found) == {"invoices-archive": PROJECT_ID}
    assert list(found.states) == [PROJECT_ID]
    assert cloud.calls_of("ListBuckets") == []  # one bucket never reads the account's listing
    assert gone.wanted == [] and [r.error.code for r in gone.decided if r.error] == [ErrorCode.NOT_FOUND]
