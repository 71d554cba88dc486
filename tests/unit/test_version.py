"""version.py: one version string, the one the changelog opens with (held in test_contract.py too)."""

from __future__ import annotations

import re

from autotracker.version import __version__


def test_the_version_is_a_release_number() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__), __version__
