"""Compare a target's trackers with the configured baseline: compliant, missing or drifted.

Pure functions over ListTrackers records. Drift means: tracker disabled or in
error, transfer bucket / prefix other than configured, LTS, validation or
encryption other than configured, data events narrower than DATA_EVENTS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .naming import data_tracker_name
from .outcomes import Target
from .rules import BUCKET_LIFECYCLE_DAYS, COMPRESS_TYPES, bucket_name_problem, check_file_prefix
from .settings import AGENCY, Settings
from .tracker_request import UpdateTrackerBody, data_tracker_body, system_tracker_body

COMPLIANT, MISSING, DRIFTED = "compliant", "missing", "drifted"


@dataclass(frozen=True)
class Assessment:
    target: Target
    state: str
    tracker: Optional[Dict[str, Any]] = None  # the tracker that covers the target
    drift: Tuple[str, ...] = ()
    missing_events: Tuple[str, ...] = ()


def trackers_of_bucket(bucket: str, trackers: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [
        t
        for t in trackers
        if t.get("tracker_type") == "data" and (t.get("data_bucket") or {}).get("data_bucket_name") == bucket
    ]


def assess_bucket(target: Target, trackers: Sequence[Dict[str, Any]], settings: Settings) -> Assessment:
    covering = trackers_of_bucket(target.name or "", trackers)
    if not covering:
        return Assessment(target, MISSING)
    ours = data_tracker_name(target.name or "")
    primary = next((t for t in covering if t.get("tracker_name") == ours), None) or min(
        covering, key=lambda t: str(t.get("tracker_name"))
    )
    live = [t for t in covering if t is primary or t.get("status") in (None, "enabled")]
    tracked = {event for t in live for event in (t.get("data_bucket") or {}).get("data_event") or []}
    missing_events = tuple(event for event in settings.data_events if event not in tracked)
    drift = _settings_drift(primary, settings)  # the primary is re-enabled by the repair; others are not counted
    if missing_events:
        drift.append("data events narrower than configured: missing " + ",".join(missing_events))
    return Assessment(target, DRIFTED if drift else COMPLIANT, primary, tuple(drift), missing_events)


def assess_project(target: Target, trackers: Sequence[Dict[str, Any]], settings: Settings) -> Assessment:
    system = next((t for t in trackers if t.get("tracker_type") == "system"), None)
    if system is None:
        return Assessment(target, MISSING)
    drift = _settings_drift(system, settings)
    encrypted = bool(system.get("is_support_trace_files_encryption"))
    if encrypted != settings.encrypt_trace_files or (encrypted and system.get("kms_id") != settings.kms_key_id):
        drift.append(f"encryption {_kms(system)}, expected {_kms_wanted(settings)}")
    return Assessment(target, DRIFTED if drift else COMPLIANT, system, tuple(drift))


def _settings_drift(tracker: Dict[str, Any], settings: Settings) -> List[str]:
    drift: List[str] = []
    status = tracker.get("status")
    if status == "disabled":
        drift.append("tracker is disabled")
    elif status == "error":
        drift.append(f"tracker is in error ({tracker.get('detail') or 'no detail'})")
    obs = tracker.get("obs_info") or {}
    if settings.trace_bucket is not None:
        if obs.get("bucket_name") != settings.trace_bucket:
            drift.append(f"transfer bucket {obs.get('bucket_name') or 'none'}, expected {settings.trace_bucket}")
        found, wanted = obs.get("file_prefix_name") or "", settings.trace_file_prefix or ""
        if found != wanted:
            drift.append(f"file prefix {found!r}, expected {wanted!r}")
    lts = bool((tracker.get("lts") or {}).get("is_lts_enabled", tracker.get("is_lts_enabled")))
    if lts != settings.enable_lts:
        drift.append(f"LTS transfer {_on(lts)}, expected {_on(settings.enable_lts)}")
    validate = bool(tracker.get("is_support_validate"))
    if validate != settings.enable_validation:
        drift.append(f"validation {_on(validate)}, expected {_on(settings.enable_validation)}")
    return drift


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def _kms(tracker: Dict[str, Any]) -> str:
    return f"with key {tracker.get('kms_id')}" if tracker.get("is_support_trace_files_encryption") else "off"


def _kms_wanted(settings: Settings) -> str:
    return f"with key {settings.kms_key_id}" if settings.encrypt_trace_files else "off"


def repair_body(assessment: Assessment, settings: Settings) -> UpdateTrackerBody:
    """The complete configuration the covering tracker should have, re-enabled.

    UpdateTracker is a PUT that replaces the whole configuration (what it leaves out is reset),
    so the body carries the baseline for what is drift and the tracker's own values for the
    rest: an OBS transfer when only LTS is configured, lifecycle, compression, the management
    event selector, the organization flag and the agency.
    """
    tracker = assessment.tracker or {}
    name = str(tracker.get("tracker_name"))
    if assessment.target.kind == "project":
        fields = {**system_tracker_body(settings).model_dump(), "status": "enabled"}
        fields["is_support_trace_files_encryption"] = settings.encrypt_trace_files
        selector = tracker.get("management_event_selector")
        if fields["management_event_selector"] is None and selector == {"exclude_service": ["KMS"]}:
            fields["management_event_selector"] = selector
        if tracker.get("is_organization_tracker") is True:
            fields["is_organization_tracker"] = True
    else:
        bucket = assessment.target.name or ""
        own_events = list((tracker.get("data_bucket") or {}).get("data_event") or [])
        events = [e for e in settings.data_events if e in own_events or e in assessment.missing_events]
        events += [e for e in own_events if e not in events and e in ("READ", "WRITE")]
        fields = {**data_tracker_body(bucket, name, settings).model_dump(), "tracker_name": name, "status": "enabled"}
        fields["data_bucket"] = {"data_bucket_name": bucket, "data_event": events}
    fields["obs_info"] = _obs_info_kept(fields["obs_info"], tracker, assessment.target.kind == "bucket")
    if fields["agency_name"] is None and tracker.get("agency_name") == AGENCY:
        fields["agency_name"] = AGENCY
    return UpdateTrackerBody.model_validate(fields)


def _obs_info_kept(
    desired: Optional[Dict[str, Any]], tracker: Dict[str, Any], data_tracker: bool
) -> Optional[Dict[str, Any]]:
    """The transfer to send: the configured one, completed with the tracker's own lifecycle,
    compression and sorting where the configuration says nothing; the tracker's own transfer
    when none is configured (LTS only). Values the API would refuse are not carried over."""
    current = tracker.get("obs_info") or {}
    if desired is None:
        bucket = current.get("bucket_name")
        if not isinstance(bucket, str) or bucket_name_problem(bucket):
            return None
        prefix = current.get("file_prefix_name")
        desired = {"bucket_name": bucket, "file_prefix_name": prefix if _valid_prefix(prefix) else ""}
        desired["is_obs_created"] = False
    kept = dict(desired)
    if kept.get("file_prefix_name") is None:
        kept["file_prefix_name"] = ""  # clearing a prefix must name it
    lifecycle = current.get("bucket_lifecycle")
    if data_tracker and kept.get("bucket_lifecycle") is None and lifecycle in BUCKET_LIFECYCLE_DAYS:
        kept["bucket_lifecycle"] = lifecycle
    if kept.get("compress_type") is None and current.get("compress_type") in COMPRESS_TYPES:
        kept["compress_type"] = current["compress_type"]
    if kept.get("is_sort_by_service") is None and isinstance(current.get("is_sort_by_service"), bool):
        kept["is_sort_by_service"] = current["is_sort_by_service"]
    return kept


def _valid_prefix(prefix: Any) -> bool:
    try:
        return isinstance(prefix, str) and check_file_prefix(prefix) == prefix
    except ValueError:
        return False
