"""The gateway the cloud modules' unit tests call: real SDK clients, signed with the test account's
credentials, answered by the fake cloud (tests/conftest.py `cloud`) inside `cloud.mock()`."""

from __future__ import annotations

import pytest
from helpers.world import AK, PROJECT_ID, SK, TOKEN, base_env

from autotracker.cloud.credentials import Credentials
from autotracker.cloud.gateway import Gateway
from autotracker.cloud.retry import Deadline, RetryPolicy
from autotracker.settings import load_settings


@pytest.fixture
def gateway() -> Gateway:
    return Gateway(
        Credentials(AK, SK, TOKEN, PROJECT_ID), load_settings(base_env()), Deadline(60_000), RetryPolicy(2, 0.0)
    )
