"""The CreateTracker API page's value rules, in one place.

Settings and request models both check against these, so a value the API
would refuse is caught before anything is sent.
"""

from __future__ import annotations

import re
from typing import Annotated, Tuple

from pydantic import AfterValidator

from ..contract import TrackerType

DATA_EVENTS: Tuple[str, ...] = ("READ", "WRITE")
BUCKET_LIFECYCLE_DAYS: Tuple[int, ...] = (0, 30, 60, 90, 180, 1095)
COMPRESS_TYPES: Tuple[str, ...] = ("gzip", "json")
SYSTEM_TRACKER = "system"
RESERVED_DATA_TRACKER_NAMES = frozenset({"system", "system-trace"})

# Every pattern matches the whole string (`\Z`, not `$`, which also accepts a trailing newline).
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]*[a-z0-9]\Z")
_IP_ADDRESS = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){3}\Z")
_FILE_PREFIX = re.compile(r"[A-Za-z0-9._-]{0,64}\Z")
_TRACKER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}\Z")
PROJECT_ID = re.compile(r"[A-Za-z0-9-]{1,64}\Z")


def bucket_name_problem(name: str) -> str:
    """Why a bucket name breaks OBS's naming rules (which include the CreateTracker page's), or ''."""
    if not 3 <= len(name) <= 63:
        return "must be 3 to 63 characters"
    if not _BUCKET.match(name):
        return (
            "must hold only lowercase letters, digits, '-' and '.', and start and end with a lowercase letter or digit"
        )
    if ".." in name or ".-" in name or "-." in name:
        return "must not contain '..', '.-' or '-.'"
    if _IP_ADDRESS.match(name):
        return "must not be an IP address"
    return ""


def check_bucket_name(name: str) -> str:
    problem = bucket_name_problem(name)
    if problem:
        raise ValueError(f"bucket name {name[:80]!r} {problem}")
    return name


def check_file_prefix(prefix: str) -> str:
    if not _FILE_PREFIX.match(prefix):
        raise ValueError("file prefix must be 0 to 64 letters, digits, '.', '_' or '-'")
    return prefix


def check_lifecycle(days: int) -> int:
    if days not in BUCKET_LIFECYCLE_DAYS:
        raise ValueError("bucket lifecycle must be one of " + ", ".join(map(str, BUCKET_LIFECYCLE_DAYS)))
    return days


# The same rules as field types, for the settings and the request models alike.
BucketName = Annotated[str, AfterValidator(check_bucket_name)]
FilePrefix = Annotated[str, AfterValidator(check_file_prefix)]
LifecycleDays = Annotated[int, AfterValidator(check_lifecycle)]


def check_tracker_name(name: str, tracker_type: str) -> str:
    if tracker_type == TrackerType.SYSTEM:
        if name != SYSTEM_TRACKER:
            raise ValueError("a management tracker is always named 'system'")
        return name
    if not _TRACKER_NAME.match(name):
        raise ValueError("tracker name must be 1 to 32 letters, digits, '_' or '-', not starting with '_' or '-'")
    if name.lower() in RESERVED_DATA_TRACKER_NAMES:
        raise ValueError(f"a data tracker cannot be named {name!r}")
    return name
