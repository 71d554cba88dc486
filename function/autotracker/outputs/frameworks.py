"""Our checks and the public controls they support, read from frameworks.json (data, not code).

Read once, lazily: only a report needs it, so a bucket event's cold start never parses it.
"""

from __future__ import annotations

import json
import pathlib
from functools import lru_cache
from typing import Any, Dict, List

from ..contract import Kind

MAPPING_FILE = pathlib.Path(__file__).with_name("frameworks.json")
CHECKS: Dict[str, str] = {  # the check each kind of target is judged by (frameworks.json's "checks" keys)
    Kind.BUCKET: "cts-data-tracker-per-bucket",
    Kind.PROJECT: "cts-management-tracker-per-project",
    Kind.ACCOUNT: "cts-account-coverage",
}


@lru_cache(maxsize=1)
def mapping() -> Dict[str, Any]:
    """The whole file, parsed once per warm container."""
    with MAPPING_FILE.open(encoding="utf-8") as handle:
        loaded: Dict[str, Any] = json.load(handle)
    return loaded


def check_of(kind: str) -> str:
    """The check a target of this kind is judged by; an unknown kind is judged as an account."""
    return CHECKS.get(kind, CHECKS[Kind.ACCOUNT])


def controls(check: str) -> List[Dict[str, str]]:
    """The controls a check maps to, each with its framework's public source."""
    frameworks = mapping()["frameworks"]
    listed = mapping()["checks"][check]["controls"]
    return [{**control, "source": frameworks[control["framework"]]["source"]} for control in listed]


def short(check: str) -> str:
    """One line for a page: `ISO/IEC 27001:2022 A.8.15; … NIST SP 800-53 Rev. 5 AU-2, AU-12`."""
    grouped: Dict[str, List[str]] = {}
    for control in mapping()["checks"][check]["controls"]:
        grouped.setdefault(control["framework"], []).append(control["control"])
    return "; ".join(f"{framework} {', '.join(ids)}" for framework, ids in grouped.items())
