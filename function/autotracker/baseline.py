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
from .settings import Settings
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
    """The UpdateTracker body that brings the covering tracker back to the baseline, re-enabled."""
    tracker = assessment.tracker or {}
    name = str(tracker.get("tracker_name"))
    if assessment.target.kind == "project":
        fields = {**system_tracker_body(settings).model_dump(), "status": "enabled"}
        # an update changes only the fields it names: switching encryption off must say so
        fields["is_support_trace_files_encryption"] = settings.encrypt_trace_files
    else:
        bucket = assessment.target.name or ""
        own_events = list((tracker.get("data_bucket") or {}).get("data_event") or [])
        events = [e for e in settings.data_events if e in own_events or e in assessment.missing_events]
        events += [e for e in own_events if e not in events and e in ("READ", "WRITE")]
        fields = {**data_tracker_body(bucket, name, settings).model_dump(), "tracker_name": name, "status": "enabled"}
        fields["data_bucket"] = {"data_bucket_name": bucket, "data_event": events}
    if fields.get("obs_info") is not None and fields["obs_info"].get("file_prefix_name") is None:
        fields["obs_info"]["file_prefix_name"] = ""  # likewise, clearing a prefix must name it
    return UpdateTrackerBody.model_validate(fields)
