"""Fixtures for the fake's own tests, star-imported by each test module.

Star-imported rather than a conftest.py (the older way, kept: module-level fixtures take
precedence over the top-level `cloud` fixture). No test imports from another test module.
"""

from __future__ import annotations

from typing import Callable, Iterator

import fc_helpers as h
import pytest

from fakecloud import FakeCloud

__all__ = ["bare_cloud", "cloud", "cts", "endpoint", "mocked", "smn"]


def bare_cloud() -> FakeCloud:
    """An account with its keys and main project, and nothing else."""
    fake = FakeCloud(default_region=h.REGION, domain_id=h.DOMAIN)
    fake.add_credentials(h.AK, h.SK)
    fake.add_credentials(h.TMP_AK, h.TMP_SK, security_token=h.TOKEN)
    fake.add_project(h.REGION, project_id=h.PID)
    return fake


@pytest.fixture
def cloud() -> FakeCloud:
    fake = bare_cloud()
    fake.add_bucket(h.TRACKED, h.REGION)
    fake.add_bucket(h.LOGS, h.REGION)
    fake.add_agency("cts_admin_trust")
    return fake


@pytest.fixture
def mocked(cloud: FakeCloud) -> Iterator[None]:
    with cloud.mock():
        yield


@pytest.fixture(params=["mock", "serve"])
def endpoint(request: pytest.FixtureRequest, cloud: FakeCloud) -> Iterator[Callable[[str], str]]:
    """service -> endpoint, in-process (real endpoint form) or over a socket."""
    if request.param == "mock":
        with cloud.mock():
            yield cloud.endpoint
    else:
        with cloud.serve() as base_url:
            yield lambda service: base_url


@pytest.fixture
def cts(cloud: FakeCloud, mocked: None):
    return h.cts_client(cloud.endpoint("cts"))


@pytest.fixture
def smn(cloud: FakeCloud, mocked: None):
    return h.smn_client(cloud.endpoint("smn"))
