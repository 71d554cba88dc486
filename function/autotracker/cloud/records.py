"""A ListTrackers record, read once at the gateway edge.

Real records vary (fields only when set, odd types in some editions), so reading is tolerant:
a field of the wrong type reads as absent. Everything after the gateway works with attributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

from ..contract import TrackerStatus, TrackerType


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and value else None


def _flag(value: Any) -> Optional[bool]:
    return value if isinstance(value, bool) else None


def _number(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _object(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class TrackerRecord:
    name: str
    type: str  # "system" (management) or "data"
    id: Optional[str] = None
    status: Optional[str] = None  # enabled | disabled | error, as listed (any case); None when not shown
    detail: Optional[str] = None  # why it is in error
    transfer_bucket: Optional[str] = None  # obs_info.bucket_name
    file_prefix: str = ""
    lifecycle: Optional[int] = None
    compress: Optional[str] = None
    sort_by_service: Optional[bool] = None
    lts: bool = False
    validate: bool = False
    encrypted: bool = False
    kms_id: Optional[str] = None
    selector: Optional[Dict[str, Any]] = None  # management_event_selector
    organization: bool = False  # is_organization_tracker
    agency_name: Optional[str] = None
    bucket: Optional[str] = None  # the tracked bucket (data trackers)
    events: Tuple[str, ...] = ()  # its tracked operations (READ, WRITE)

    @property
    def live(self) -> bool:
        """Recording: only a status known to mean it (`enabled`, in any case). A status that is
        absent, empty or unknown is not evidence of recording, so it never counts as coverage."""
        return self.status is not None and self.status.lower() == TrackerStatus.ENABLED

    @property
    def not_recording(self) -> Optional[str]:
        """Why this tracker does not count as recording (None when it does), for drift reports."""
        status = (self.status or "").lower()
        if status == TrackerStatus.ENABLED:
            return None
        if status == TrackerStatus.DISABLED:
            return "tracker is disabled"
        if status == TrackerStatus.ERROR:
            return f"tracker is in error ({self.detail or 'no detail'})"
        if self.status is None:
            return "tracker status not shown: not known to be recording"
        return f"tracker status {self.status[:40]!r} is not known to mean recording"

    def tracks(self, bucket: str) -> bool:
        return self.type == TrackerType.DATA and self.bucket == bucket

    @classmethod
    def from_wire(cls, raw: Dict[str, Any]) -> "TrackerRecord":
        obs = _object(raw.get("obs_info"))
        lts = _object(raw.get("lts"))
        data = _object(raw.get("data_bucket"))
        events = data.get("data_event")
        selector = raw.get("management_event_selector")
        return cls(
            name=str(raw.get("tracker_name") or ""),
            type=str(raw.get("tracker_type") or ""),
            id=_text(raw.get("id")),
            status=_text(raw.get("status")),
            detail=_text(raw.get("detail")),
            transfer_bucket=_text(obs.get("bucket_name")),
            file_prefix=_text(obs.get("file_prefix_name")) or "",
            lifecycle=_number(obs.get("bucket_lifecycle")),
            compress=_text(obs.get("compress_type")),
            sort_by_service=_flag(obs.get("is_sort_by_service")),
            lts=bool(_flag(lts.get("is_lts_enabled", raw.get("is_lts_enabled")))),
            validate=bool(_flag(raw.get("is_support_validate"))),
            encrypted=bool(_flag(raw.get("is_support_trace_files_encryption"))),
            kms_id=_text(raw.get("kms_id")),
            selector=selector if isinstance(selector, dict) else None,
            organization=bool(_flag(raw.get("is_organization_tracker"))),
            agency_name=_text(raw.get("agency_name")),
            bucket=_text(data.get("data_bucket_name")),
            events=tuple(e for e in events if isinstance(e, str)) if isinstance(events, list) else (),
        )
