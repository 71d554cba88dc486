"""Shared fixtures: a fake cloud with one account, the function's environment, and `invoke`.

`invoke` drives the real entry point (`index.handler`) with the real SDK; the
only fake is the cloud behind the HTTP boundary. The values and plain functions behind them
are tests/helpers/world.py's (import them from there, never from a conftest or a test file).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Callable, Dict, Iterator, Optional

import index
import pytest
from helpers.world import TOPIC_URN, FakeContext, base_env, index_env_names, make_cloud

from fakecloud import FakeCloud


@pytest.fixture
def cloud() -> FakeCloud:
    return make_cloud()


@pytest.fixture
def topic_urn() -> str:
    return TOPIC_URN


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Dict[str, str]:
    """The function's environment; tests change entries before calling `invoke`."""
    for name in ("CLOUD_SDK_AK", "CLOUD_SDK_SK", "CLOUD_SDK_SECURITY_TOKEN", "CLOUD_SDK_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    return base_env()


@pytest.fixture
def invoke(
    cloud: FakeCloud, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Dict[str, Any]]]:
    def run(event: Any, context: Optional[FakeContext] = None) -> Dict[str, Any]:
        for name in list(index_env_names()):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        with cloud.mock():
            result = index.handler(copy.deepcopy(event), context or FakeContext())
        json.dumps(result)  # the result must be JSON-serialisable as FunctionGraph returns it
        return result

    yield run


@pytest.fixture
def assignment(cloud: FakeCloud) -> str:
    """A Config policy assignment whose custom rule is this function (tests/helpers/config.py)."""
    from helpers.config import URN

    return cloud.rms.add_assignment("cts-coverage", URN)
