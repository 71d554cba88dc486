"""The organization's fixtures: `org` (a management account running the function and three
members), `env` (organization mode; it replaces tests/conftest.py's for the tests in this folder)
and `run` (one invocation, then every invocation it queued, as FunctionGraph would run them)."""

from __future__ import annotations

import copy
import json
from typing import Any, Dict, Iterator

import index
import pytest
from helpers.org_report import REPORTS
from helpers.organization import FUNCTION, URN, FunctionContext, member, org_env
from helpers.world import REGION, index_env_names, make_cloud

from autotracker.handler import TransientFailure
from fakecloud import FakeOrganization


@pytest.fixture
def org() -> FakeOrganization:
    management = make_cloud()
    management.add_bucket(f"trace-{management.domain_id}", REGION)
    management.add_function(FUNCTION)
    organization = FakeOrganization(management)
    for name in ("alpha", "beta", "gamma"):
        member(organization, name)
    return organization


@pytest.fixture
def env() -> Dict[str, str]:
    return org_env()


@pytest.fixture
def run(org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """`run(event)`: the coordinator's result, and each queued invocation's result (or the
    TransientFailure it raised) by account id, after FunctionGraph ran the queue."""

    def invoke(event: Dict[str, Any]) -> Any:
        for name in list(index_env_names()):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        members: Dict[str, Any] = {}
        with org.mock():
            try:
                first: Any = index.handler(copy.deepcopy(event), FunctionContext())
            except TransientFailure as failure:
                first = failure
            for queued in org.management.fgs.take_async_invocations():
                assert queued.function_urn == env.get("FUNCTION_URN", URN)
                try:
                    answer: Any = index.handler(copy.deepcopy(queued.payload), FunctionContext(queued.request_id))
                    json.dumps(answer)
                except TransientFailure as failure:
                    answer = failure
                members[queued.payload["account_id"]] = answer
        return first, members

    yield invoke


@pytest.fixture
def reporting(org: FakeOrganization, env: Dict[str, str]) -> FakeOrganization:
    """The management account's REPORT_BUCKET for the organization report (kept out of the sweeps)."""
    org.management.add_bucket(REPORTS, REGION)
    env["REPORT_BUCKET"] = REPORTS
    env["EXCLUDE_BUCKETS"] = REPORTS
    return org
