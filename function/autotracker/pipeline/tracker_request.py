"""The CreateTracker request body as pydantic models that encode every rule of the API page.

A body that breaks a rule cannot be constructed, so it can never be sent.
`to_wire()` gives the JSON the API expects, omitting unset optional fields.
"""

from typing import Any, Dict, List, Literal, Optional

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from ..contract import TrackerStatus, TrackerType
from ..settings import Settings
from .rules import DATA_EVENTS, SYSTEM_TRACKER, BucketName, FilePrefix, LifecycleDays, check_tracker_name

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)


class ManagementEventSelector(BaseModel):
    model_config = _STRICT

    exclude_service: List[Literal["KMS"]]


class TrackerObsInfo(BaseModel):
    model_config = _STRICT

    bucket_name: Optional[BucketName] = None
    file_prefix_name: Optional[FilePrefix] = None
    is_obs_created: Optional[bool] = None
    bucket_lifecycle: Optional[LifecycleDays] = None
    compress_type: Optional[Literal["gzip", "json"]] = None
    is_sort_by_service: Optional[bool] = None


class DataBucket(BaseModel):
    model_config = _STRICT

    data_bucket_name: BucketName
    data_event: List[Literal["READ", "WRITE"]]

    @field_validator("data_event")
    @classmethod
    def _events(cls, value: List[str]) -> List[str]:
        if not value or len(set(value)) != len(value):
            raise ValueError("data_event must list READ and/or WRITE, each once")
        return [event for event in DATA_EVENTS if event in value]


_SYSTEM_ONLY = ("is_support_trace_files_encryption", "kms_id", "management_event_selector", "is_organization_tracker")


class CreateTrackerBody(BaseModel):
    """Table 2 of the API page, with the cross-field rules the tables state in prose."""

    model_config = _STRICT

    tracker_type: Literal[TrackerType.SYSTEM, TrackerType.DATA]
    tracker_name: str
    is_lts_enabled: Optional[bool] = None
    is_organization_tracker: Optional[bool] = None
    management_event_selector: Optional[ManagementEventSelector] = None
    obs_info: Optional[TrackerObsInfo] = None
    is_support_trace_files_encryption: Optional[bool] = None
    kms_id: Optional[str] = None
    is_support_validate: Optional[bool] = None
    data_bucket: Optional[DataBucket] = None
    agency_name: Optional[Literal["cts_admin_trust"]] = None

    @model_validator(mode="after")
    def _cross_field_rules(self) -> "CreateTrackerBody":
        check_tracker_name(self.tracker_name, self.tracker_type)
        if self.tracker_type == TrackerType.DATA:
            misplaced = [name for name in _SYSTEM_ONLY if getattr(self, name) is not None]
            if misplaced:
                raise ValueError("only a management tracker takes " + ", ".join(misplaced))
            if self.data_bucket is None:
                raise ValueError("a data tracker needs data_bucket")
            if self.obs_info and self.obs_info.bucket_name == self.data_bucket.data_bucket_name:
                raise ValueError("the transfer bucket cannot be the tracked bucket")
        else:
            if self.data_bucket is not None:
                raise ValueError("only a data tracker takes data_bucket")
            if self.obs_info and self.obs_info.bucket_lifecycle is not None:
                raise ValueError("only a data tracker takes obs_info.bucket_lifecycle")
        if self.is_support_trace_files_encryption and not self.kms_id:
            raise ValueError("kms_id is required when is_support_trace_files_encryption is true")
        if self.kms_id is not None and not self.is_support_trace_files_encryption:
            raise ValueError("kms_id is used only with is_support_trace_files_encryption")
        return self

    def to_wire(self) -> Dict[str, Any]:
        return self.model_dump(exclude_none=True)


def _obs_info(settings: Settings, data_tracker: bool) -> Optional[TrackerObsInfo]:
    if settings.trace_bucket is None:
        return None
    return TrackerObsInfo(
        bucket_name=settings.trace_bucket,
        file_prefix_name=settings.trace_file_prefix,
        is_obs_created=False,
        bucket_lifecycle=settings.trace_lifecycle_days if data_tracker else None,
        compress_type=settings.trace_compress,  # type: ignore[arg-type]
        is_sort_by_service=settings.trace_sort_by_service,
    )


def data_tracker_body(bucket: str, tracker_name: str, settings: Settings) -> CreateTrackerBody:
    """The data tracker that records object reads/writes of one bucket."""
    return CreateTrackerBody(
        tracker_type=TrackerType.DATA,
        tracker_name=tracker_name,
        is_lts_enabled=settings.enable_lts,
        obs_info=_obs_info(settings, data_tracker=True),
        is_support_validate=settings.enable_validation,
        data_bucket=DataBucket(data_bucket_name=bucket, data_event=list(settings.data_events)),  # type: ignore[arg-type]
        agency_name=settings.agency_name,
    )


def system_tracker_body(settings: Settings) -> CreateTrackerBody:
    """The project's single management tracker."""
    return CreateTrackerBody(
        tracker_type=TrackerType.SYSTEM,
        tracker_name=SYSTEM_TRACKER,
        is_lts_enabled=settings.enable_lts,
        is_organization_tracker=settings.organization_tracker or None,
        management_event_selector=ManagementEventSelector(exclude_service=["KMS"])
        if settings.exclude_kms_datakey_traces
        else None,
        obs_info=_obs_info(settings, data_tracker=False),
        is_support_trace_files_encryption=True if settings.encrypt_trace_files else None,
        kms_id=settings.kms_key_id,
        is_support_validate=settings.enable_validation,
        agency_name=settings.agency_name,
    )


class UpdateTrackerBody(CreateTrackerBody):
    """UpdateTracker takes the create body plus `status`; the tracked bucket cannot change."""

    model_config = ConfigDict(**_STRICT, defer_build=True)  # only sweeps that repair drift build it

    status: Literal[TrackerStatus.ENABLED, TrackerStatus.DISABLED] = TrackerStatus.ENABLED
