"""Compare a target's trackers with the configured baseline: compliant, missing or drifted.

Pure functions over tracker records. Drift means: tracker not known to be recording (disabled,
in error, or a status absent or unknown: only `enabled` covers), transfer
bucket / prefix other than configured, LTS, validation or encryption other than configured,
data events narrower than DATA_EVENTS.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..cloud.records import TrackerRecord
from ..contract import Kind, Target, TrackerRef, TrackerStatus, TrackerType
from ..settings import AGENCY, Settings
from .naming import data_tracker_name
from .rules import BUCKET_LIFECYCLE_DAYS, COMPRESS_TYPES, bucket_name_problem, check_file_prefix
from .tracker_request import UpdateTrackerBody, data_tracker_body, system_tracker_body


class State(Enum):
    COMPLIANT = "compliant"
    MISSING = "missing"
    DRIFTED = "drifted"


@dataclass(frozen=True)
class Assessment:
    target: Target
    state: State
    tracker: Optional[TrackerRecord] = None  # the tracker that covers the target
    drift: Tuple[str, ...] = ()
    missing_events: Tuple[str, ...] = ()


def ref(tracker: TrackerRecord) -> TrackerRef:
    return TrackerRef(
        tracker.name, TrackerType.SYSTEM if tracker.type == TrackerType.SYSTEM else TrackerType.DATA, tracker.id
    )


def trackers_of_bucket(bucket: str, trackers: Sequence[TrackerRecord]) -> List[TrackerRecord]:
    return [tracker for tracker in trackers if tracker.tracks(bucket)]


def primary_of(bucket: str, covering: Sequence[TrackerRecord]) -> TrackerRecord:
    """The tracker a report names and a repair changes: ours if there, else the first by name."""
    ours = data_tracker_name(bucket)
    return next((t for t in covering if t.name == ours), None) or min(covering, key=lambda t: t.name)


def untracked_events(covering: Sequence[TrackerRecord], wanted: Sequence[str]) -> Tuple[str, ...]:
    """Wanted operations no live tracker of the bucket records."""
    tracked = {event for tracker in covering if tracker.live for event in tracker.events}
    return tuple(event for event in wanted if event not in tracked)


def assess_bucket(target: Target, covering: Sequence[TrackerRecord], settings: Settings) -> Assessment:
    """`covering`: the project's data trackers of this bucket."""
    bucket = target.name or ""
    if not covering:
        return Assessment(target, State.MISSING)
    primary = primary_of(bucket, covering)
    live = [t for t in covering if t is primary or t.live]  # the primary is re-enabled by a repair
    recorded = {event for tracker in live for event in tracker.events}
    missing_events = tuple(event for event in settings.data_events if event not in recorded)
    drift = _settings_drift(primary, settings)
    if missing_events:
        drift.append("data events narrower than configured: missing " + ",".join(missing_events))
    return Assessment(target, State.DRIFTED if drift else State.COMPLIANT, primary, tuple(drift), missing_events)


def assess_project(target: Target, trackers: Sequence[TrackerRecord], settings: Settings) -> Assessment:
    system = next((t for t in trackers if t.type == TrackerType.SYSTEM), None)
    if system is None:
        return Assessment(target, State.MISSING)
    drift = _settings_drift(system, settings)
    if system.encrypted != settings.encrypt_trace_files or (system.encrypted and system.kms_id != settings.kms_key_id):
        drift.append(f"encryption {_kms(system)}, expected {_kms_wanted(settings)}")
    return Assessment(target, State.DRIFTED if drift else State.COMPLIANT, system, tuple(drift))


def _settings_drift(tracker: TrackerRecord, settings: Settings) -> List[str]:
    drift: List[str] = []
    if tracker.not_recording:
        drift.append(tracker.not_recording)
    if settings.trace_bucket is not None:
        if tracker.transfer_bucket != settings.trace_bucket:
            drift.append(f"transfer bucket {tracker.transfer_bucket or 'none'}, expected {settings.trace_bucket}")
        wanted = settings.trace_file_prefix or ""
        if tracker.file_prefix != wanted:
            drift.append(f"file prefix {tracker.file_prefix!r}, expected {wanted!r}")
    if tracker.lts != settings.enable_lts:
        drift.append(f"LTS transfer {_on(tracker.lts)}, expected {_on(settings.enable_lts)}")
    if tracker.validate != settings.enable_validation:
        drift.append(f"validation {_on(tracker.validate)}, expected {_on(settings.enable_validation)}")
    return drift


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def _kms(tracker: TrackerRecord) -> str:
    return f"with key {tracker.kms_id}" if tracker.encrypted else "off"


def _kms_wanted(settings: Settings) -> str:
    return f"with key {settings.kms_key_id}" if settings.encrypt_trace_files else "off"


def repair_body(assessment: Assessment, settings: Settings) -> UpdateTrackerBody:
    """The complete configuration the covering tracker should have, re-enabled.

    UpdateTracker is a PUT that replaces the whole configuration (what it leaves out is reset),
    so the body carries the baseline for what is drift and the tracker's own values for the
    rest: an OBS transfer when only LTS is configured, lifecycle, compression, the management
    event selector, the organization flag and the agency.
    """
    tracker = assessment.tracker
    assert tracker is not None  # only drifted targets are repaired
    if assessment.target.kind == Kind.PROJECT:
        fields = {**system_tracker_body(settings).model_dump(), "status": TrackerStatus.ENABLED}
        fields["is_support_trace_files_encryption"] = settings.encrypt_trace_files
        if fields["management_event_selector"] is None and tracker.selector == {"exclude_service": ["KMS"]}:
            fields["management_event_selector"] = tracker.selector
        if tracker.organization:
            fields["is_organization_tracker"] = True
    else:
        bucket = assessment.target.name or ""
        events = [e for e in settings.data_events if e in tracker.events or e in assessment.missing_events]
        events += [e for e in tracker.events if e not in events and e in ("READ", "WRITE")]
        fields = {**data_tracker_body(bucket, tracker.name, settings).model_dump(), "status": TrackerStatus.ENABLED}
        fields["tracker_name"] = tracker.name
        fields["data_bucket"] = {"data_bucket_name": bucket, "data_event": events}
    fields["obs_info"] = _obs_info_kept(fields["obs_info"], tracker, assessment.target.kind == Kind.BUCKET)
    if fields["agency_name"] is None and tracker.agency_name == AGENCY:
        fields["agency_name"] = AGENCY
    return UpdateTrackerBody.model_validate(fields)


def _obs_info_kept(
    desired: Optional[Dict[str, Any]], tracker: TrackerRecord, data_tracker: bool
) -> Optional[Dict[str, Any]]:
    """The transfer to send: the configured one, completed with the tracker's own lifecycle,
    compression and sorting where the configuration says nothing; the tracker's own transfer
    when none is configured (LTS only). Values the API would refuse are not carried over."""
    if desired is None:
        bucket = tracker.transfer_bucket
        if bucket is None or bucket_name_problem(bucket):
            return None
        prefix = tracker.file_prefix if _valid_prefix(tracker.file_prefix) else ""
        desired = {"bucket_name": bucket, "file_prefix_name": prefix, "is_obs_created": False}
    kept = dict(desired)
    if kept.get("file_prefix_name") is None:
        kept["file_prefix_name"] = ""  # clearing a prefix must name it
    if data_tracker and kept.get("bucket_lifecycle") is None and tracker.lifecycle in BUCKET_LIFECYCLE_DAYS:
        kept["bucket_lifecycle"] = tracker.lifecycle
    if kept.get("compress_type") is None and tracker.compress in COMPRESS_TYPES:
        kept["compress_type"] = tracker.compress
    if kept.get("is_sort_by_service") is None and tracker.sort_by_service is not None:
        kept["is_sort_by_service"] = tracker.sort_by_service
    return kept


def _valid_prefix(prefix: str) -> bool:
    try:
        return check_file_prefix(prefix) == prefix
    except ValueError:
        return False
