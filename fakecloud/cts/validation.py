"""Pure field checks for CreateTracker/UpdateTracker, each raising the real CTS error code.

Codes follow the CreateTracker error table (`shared/reference/huaweicloud-facts.md`): CTS.0203
name format, CTS.0204 a management tracker not named `system`, CTS.0205 status value, CTS.0221
KMS id empty, CTS.0211 only for a missing *tracked* bucket.

Choices where the docs are silent (also listed in fakecloud/README.md):
- a missing transfer bucket (with `is_obs_created` false) answers CTS.0003;
- type-specific fields on the wrong tracker type answer CTS.0207 in both directions;
- malformed optional fields (wrong JSON type, lifecycle, compress type, selector) answer CTS.0003.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fakecloud.core.errors import ServiceError

TRACKER_TYPES = ("system", "data")
DATA_EVENTS = ("READ", "WRITE")
LIFECYCLES = (0, 30, 60, 90, 180, 1095)
COMPRESS_TYPES = ("gzip", "json")
AGENCY = "cts_admin_trust"
SYSTEM_ONLY = (
    "is_support_trace_files_encryption",
    "kms_id",
    "management_event_selector",
    "is_organization_tracker",
)
DATA_ONLY = ("data_bucket",)
BOOL_FIELDS = (
    "is_lts_enabled",
    "is_support_validate",
    "is_support_trace_files_encryption",
    "is_organization_tracker",
)

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{2,62}$")
_PREFIX_RE = re.compile(r"^[A-Za-z0-9._-]{0,64}$")


def bad(code: str, msg: str, status: int = 400) -> ServiceError:
    return ServiceError(status, code, msg)


def require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad("CTS.0003", "The request body is empty or is not a JSON object.")
    return body


def check_type(value: Any) -> str:
    if value not in TRACKER_TYPES:
        raise bad("CTS.0202", "tracker_type must be 'system' or 'data'.")
    return str(value)


def check_name(tracker_type: str, value: Any) -> str:
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise bad(
            "CTS.0203",
            "tracker_name must be 1-32 letters, digits, '_' or '-', not starting with '_' or '-'.",
        )
    if tracker_type == "system" and value != "system":
        raise bad("CTS.0204", "The tracker_name of a management tracker can only be 'system'.")
    if tracker_type == "data" and value in ("system", "system-trace"):
        raise bad("CTS.0203", "A data tracker cannot be named 'system' or 'system-trace'.")
    return value


def check_scope_fields(tracker_type: str, body: dict[str, Any]) -> None:
    """Reject (non-null) fields that belong to the other tracker type."""
    foreign = DATA_ONLY if tracker_type == "system" else SYSTEM_ONLY
    present = [name for name in foreign if body.get(name) is not None]
    if present:
        raise bad("CTS.0207", f"{', '.join(present)} not allowed on a {tracker_type} tracker.")


def check_bools(body: dict[str, Any]) -> None:
    for name in BOOL_FIELDS:
        if name in body and body[name] is not None and not isinstance(body[name], bool):
            raise bad("CTS.0003", f"{name} must be a boolean.")


def check_status(value: Any) -> str:
    if value not in ("enabled", "disabled"):
        raise bad("CTS.0205", "status can only be 'enabled' or 'disabled'.")
    return str(value)


def check_data_bucket_object(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad("CTS.0003", "data_bucket must be an object.")
    return value


def check_bucket_present(name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise bad("CTS.0210", "The tracked bucket (data_bucket.data_bucket_name) is empty.")
    return name


def check_data_events(value: Any) -> list[str]:
    if (
        not isinstance(value, list)
        or not value
        or any(event not in DATA_EVENTS for event in value)
        or len(set(value)) != len(value)
    ):
        raise bad("CTS.0225", "data_event must be a non-empty list of READ and/or WRITE.")
    return [str(event) for event in value]


def check_obs_info_object(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad("CTS.0003", "obs_info must be an object.")
    return value


def check_transfer_bucket(name: Any, tracked_bucket: str | None) -> str:
    if not isinstance(name, str):
        raise bad("CTS.0231", "obs_info.bucket_name must be a string.")
    if tracked_bucket is not None and name == tracked_bucket:
        raise bad("CTS.0213", "The transfer bucket cannot be the tracked bucket.")
    if not _BUCKET_RE.match(name):
        raise bad(
            "CTS.0231",
            "Invalid bucket name: 3-63 lowercase letters, digits, '-' or '.', starting with a letter or digit.",
        )
    return name


def check_obs_options(tracker_type: str, obs: dict[str, Any]) -> dict[str, Any]:
    """Validate prefix, lifecycle, compress type and flags; return the normalized subset given."""
    out: dict[str, Any] = {}
    if "file_prefix_name" in obs and obs["file_prefix_name"] is not None:
        prefix = obs["file_prefix_name"]
        if not isinstance(prefix, str) or not _PREFIX_RE.match(prefix):
            raise bad("CTS.0218", "file_prefix_name must be 0-64 letters, digits, '.', '_' or '-'.")
        out["file_prefix_name"] = prefix
    if obs.get("bucket_lifecycle") is not None:
        lifecycle = obs["bucket_lifecycle"]
        if tracker_type == "system":
            raise bad("CTS.0003", "bucket_lifecycle applies to data trackers only.")
        if isinstance(lifecycle, bool) or lifecycle not in LIFECYCLES:
            raise bad("CTS.0003", f"bucket_lifecycle must be one of {list(LIFECYCLES)}.")
        out["bucket_lifecycle"] = int(lifecycle)
    if obs.get("compress_type") is not None:
        compress = obs["compress_type"]
        if not isinstance(compress, str) or compress.lower() not in COMPRESS_TYPES:
            raise bad("CTS.0003", "compress_type must be 'gzip' or 'json'.")
        out["compress_type"] = compress.lower()
    for flag in ("is_obs_created", "is_sort_by_service"):
        if obs.get(flag) is not None:
            if not isinstance(obs[flag], bool):
                raise bad("CTS.0003", f"obs_info.{flag} must be a boolean.")
            out[flag] = obs[flag]
    return out


def check_encryption(enabled: Any, kms_id: Any) -> None:
    if kms_id is not None and not isinstance(kms_id, str):
        raise bad("CTS.0003", "kms_id must be a string.")
    if enabled is True and not kms_id:
        raise bad("CTS.0221", "The KMS id is empty: kms_id is required when trace file encryption is enabled.")


def check_selector(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad("CTS.0003", "management_event_selector must be an object.")
    excluded = value.get("exclude_service")
    if excluded is not None and excluded not in ([], ["KMS"]):
        raise bad("CTS.0003", "management_event_selector.exclude_service can only be ['KMS'].")
    return json.loads(json.dumps(value))


def check_agency_name(value: Any) -> str | None:
    if value is not None and value != AGENCY:
        raise bad("CTS.0003", f"agency_name can only be '{AGENCY}'.")
    return value if value is None else str(value)
