"""The documented tables of outcomes and error codes (docs/results.md) are the contract's enums, no more, no less."""

from __future__ import annotations

import pathlib
import re
from typing import Set

from autotracker.contract import ErrorCode, Outcome

RESULTS = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "results.md").read_text(encoding="utf-8")


def first_column(heading: str) -> Set[str]:
    section = RESULTS.split(heading, 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE))


def test_the_outcome_table_is_the_outcome_enum() -> None:
    assert first_column("#### Outcomes") == {outcome.value for outcome in Outcome}


def test_the_error_code_table_is_the_error_code_enum() -> None:
    assert first_column("#### Error codes") == {code.value for code in ErrorCode}


def test_the_version_is_one_and_the_changelog_opens_with_it() -> None:
    import pathlib
    import re

    from autotracker.version import __version__

    changelog = (pathlib.Path(__file__).resolve().parents[2] / "CHANGELOG.md").read_text()
    first = re.search(r"^## (\S+)", changelog, re.MULTILINE)
    assert first is not None and first.group(1) == __version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
