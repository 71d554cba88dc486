"""The deployer's fixture: `deployer`, the CLI against one fresh fake account (tests/helpers/deployer.py)."""

from __future__ import annotations

import pathlib

import pytest
from helpers.deployer import Deployer, make_cloud


@pytest.fixture
def deployer(tmp_path: pathlib.Path) -> Deployer:
    return Deployer(make_cloud(), tmp_path)
