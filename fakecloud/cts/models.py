"""CTS state and rules: trackers per project, validated like the real service.

Every operation validates fully before it changes anything (tracker, OBS bucket or IAM
agency), under one lock, so rejected or concurrent requests never leave partial state.
UpdateTracker is a PUT that *replaces* the tracker's configuration: what the body leaves out
is reset to its default (only the identity, the tracked bucket, tags and, when not given, the
status are kept), as the real service does.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from typing import Any

from fakecloud.core.errors import ServiceError
from fakecloud.cts import validation as v
from fakecloud.iam.models import IamBackend
from fakecloud.obs.models import ObsBackend

DATA_TRACKER_QUOTA = 100


class CtsBackend:
    """Trackers keyed by project id then tracker name."""

    def __init__(self, iam: IamBackend, obs: ObsBackend, domain_id: str) -> None:
        self._iam = iam
        self._obs = obs
        self.domain_id = domain_id
        self._lock = threading.RLock()
        self._trackers: dict[str, dict[str, dict[str, Any]]] = {}

    # ----- inspection and seeding (tests) -------------------------------------------------
    def trackers(self, project_id: str) -> list[dict[str, Any]]:
        """Records as ListTrackers returns them (copies)."""
        with self._lock:
            return copy.deepcopy(list(self._trackers.get(project_id, {}).values()))

    def put_tracker(self, project_id: str, record: dict[str, Any]) -> dict[str, Any]:
        """Seed an existing tracker as-is (no validation); fills id/time/ids/status if absent."""
        name = record["tracker_name"]
        stored = copy.deepcopy(record)
        stored.setdefault("id", str(uuid.uuid4()))
        stored.setdefault("create_time", int(time.time() * 1000))
        stored.setdefault("domain_id", self.domain_id)
        stored.setdefault("project_id", project_id)
        stored.setdefault("tracker_type", "system" if name == "system" else "data")
        stored.setdefault("status", "enabled")
        with self._lock:
            self._trackers.setdefault(project_id, {})[name] = stored
        return copy.deepcopy(stored)

    def set_tracker_fields(self, project_id: str, tracker_name: str, **fields: Any) -> None:
        """Overwrite top-level fields to simulate drift, e.g. status='error', detail='noBucket'."""
        with self._lock:
            record = self._trackers.get(project_id, {}).get(tracker_name)
            if record is None:
                raise KeyError(f"no tracker {tracker_name!r} in project {project_id!r}")
            record.update(copy.deepcopy(fields))

    def unset_tracker_fields(self, project_id: str, tracker_name: str, *names: str) -> None:
        """Remove top-level fields, e.g. a record that shows no `status` (ListTrackers omits unset fields)."""
        with self._lock:
            record = self._trackers.get(project_id, {}).get(tracker_name)
            if record is None:
                raise KeyError(f"no tracker {tracker_name!r} in project {project_id!r}")
            for name in names:
                record.pop(name, None)

    # ----- API operations ----------------------------------------------------------------
    def create_tracker(self, project_id: str, body: Any) -> dict[str, Any]:
        with self._lock:
            body = v.require_object(body)
            ttype = v.check_type(body.get("tracker_type"))
            name = v.check_name(ttype, body.get("tracker_name"))
            v.check_scope_fields(ttype, body)
            v.check_bools(body)
            existing = self._trackers.get(project_id, {})
            if ttype == "system" and "system" in existing:
                raise v.bad("CTS.0201", "A management tracker already exists.")
            if ttype == "system" and body.get("is_organization_tracker") is True and self._organization_tracker():
                raise v.bad("CTS.0229", "The organization tracker already exists.")
            if ttype == "data":
                if name in existing:
                    raise v.bad("CTS.0208", f"Tracker {name} already exists.")
                if self._data_count(project_id) >= DATA_TRACKER_QUOTA:
                    raise v.bad("CTS.0200", "The number of data trackers has reached the quota.")
            data_bucket = None
            if ttype == "data":
                data_bucket = self._check_data_bucket(project_id, body.get("data_bucket"), None)
            tracked = data_bucket["data_bucket_name"] if data_bucket else None
            obs_info, create_bucket = self._check_obs_info(
                ttype, v.check_obs_info_object(body.get("obs_info")), tracked
            )
            v.check_encryption(body.get("is_support_trace_files_encryption"), body.get("kms_id"))
            selector = v.check_selector(body.get("management_event_selector"))
            agency = v.check_agency_name(body.get("agency_name"))
            if agency is None and not self._iam.has_agency(v.AGENCY):
                raise v.bad("CTS.0228", "CTS is not trusted: agency cts_admin_trust does not exist.")
            # ---- all checks passed: commit ----
            self._commit_side_effects(project_id, create_bucket, agency)
            record = self._new_record(project_id, ttype, name, body, obs_info, data_bucket, selector)
            self._trackers.setdefault(project_id, {})[name] = record
            return copy.deepcopy(record)

    def update_tracker(self, project_id: str, body: Any) -> None:
        with self._lock:
            body = v.require_object(body)
            ttype = v.check_type(body.get("tracker_type"))
            name = v.check_name(ttype, body.get("tracker_name"))
            record = self._trackers.get(project_id, {}).get(name)
            if record is None or record.get("tracker_type") != ttype:
                raise ServiceError(404, "CTS.0214", f"Tracker {name} does not exist.")
            v.check_scope_fields(ttype, body)
            v.check_bools(body)
            status = v.check_status(body["status"]) if body.get("status") is not None else None
            data_bucket = None
            if ttype == "data" and body.get("data_bucket") is not None:
                data_bucket = self._check_data_bucket(project_id, body["data_bucket"], record)
            tracked = (record.get("data_bucket") or {}).get("data_bucket_name")
            obs_info, create_bucket = (None, None)
            if body.get("obs_info") is not None:
                obs_info, create_bucket = self._check_obs_info(
                    ttype, v.check_obs_info_object(body["obs_info"]), tracked
                )
            v.check_encryption(body.get("is_support_trace_files_encryption"), body.get("kms_id"))
            selector = v.check_selector(body.get("management_event_selector"))
            agency = v.check_agency_name(body.get("agency_name"))
            # ---- all checks passed: commit ----
            self._commit_side_effects(project_id, create_bucket, agency)
            fresh = self._new_record(
                project_id, ttype, name, body, obs_info or {}, data_bucket or record.get("data_bucket"), selector
            )
            for kept in ("id", "create_time", "tag", "enterprise_project_id", "status", "detail"):
                if kept in record:
                    fresh[kept] = record[kept]
            if status is not None:
                fresh["status"] = status
            if fresh["status"] == "enabled":
                fresh.pop("detail", None)
            record.clear()
            record.update(fresh)

    def list_trackers(
        self, project_id: str, tracker_name: str | None = None, tracker_type: str | None = None
    ) -> list[dict[str, Any]]:
        if tracker_type is not None:
            v.check_type(tracker_type)
        with self._lock:
            return [
                copy.deepcopy(record)
                for record in self._trackers.get(project_id, {}).values()
                if tracker_name in (None, record.get("tracker_name"))
                and tracker_type in (None, record.get("tracker_type"))
            ]

    def delete_tracker(self, project_id: str, tracker_name: str | None, tracker_type: str | None = None) -> None:
        if not tracker_name:
            raise v.bad(
                "CTS.0003",
                "tracker_name is required: fakecloud refuses a DeleteTracker without a name "
                "because the real API would delete every data tracker.",
            )
        if tracker_type is not None:
            v.check_type(tracker_type)
        with self._lock:
            trackers = self._trackers.get(project_id, {})
            record = trackers.get(tracker_name)
            if record is None or tracker_type not in (None, record.get("tracker_type")):
                raise ServiceError(404, "CTS.0214", f"Tracker {tracker_name} does not exist.")
            del trackers[tracker_name]

    def quotas(self, project_id: str) -> dict[str, Any]:
        """ListQuotas as documented: one entry per tracker type."""
        with self._lock:
            used = self._data_count(project_id)
            system = int("system" in self._trackers.get(project_id, {}))
        return {
            "resources": [
                {"type": "system_tracker", "used": system, "quota": 1},
                {"type": "data_tracker", "used": used, "quota": DATA_TRACKER_QUOTA},
            ]
        }

    # ----- helpers -----------------------------------------------------------------------
    def _organization_tracker(self) -> bool:
        return any(
            record.get("is_organization_tracker") is True
            for trackers in self._trackers.values()
            for record in trackers.values()
        )

    def _data_count(self, project_id: str) -> int:
        return sum(1 for r in self._trackers.get(project_id, {}).values() if r.get("tracker_type") == "data")

    def _check_data_bucket(self, project_id: str, raw: Any, current: dict[str, Any] | None) -> dict[str, Any]:
        """Validate data_bucket; on update `current` is the tracker being changed."""
        given = v.check_data_bucket_object(raw)
        old = (current or {}).get("data_bucket") or {}
        if current is not None:
            name = given.get("data_bucket_name", old.get("data_bucket_name"))
            if name != old.get("data_bucket_name"):
                raise v.bad("CTS.0212", "The tracked bucket of a data tracker cannot be modified.")
        else:
            name = v.check_bucket_present(given.get("data_bucket_name"))
            region = self._iam.region_of(project_id)
            bucket_region = self._obs.region_of(name)
            if bucket_region is None or (region is not None and bucket_region != region):
                raise v.bad("CTS.0211", f"The tracked bucket {name} does not exist in this region.")
        events = v.check_data_events(given.get("data_event", old.get("data_event")))
        own = (current or {}).get("tracker_name")
        for other in self._trackers.get(project_id, {}).values():
            other_bucket = other.get("data_bucket") or {}
            if other.get("tracker_name") == own or other_bucket.get("data_bucket_name") != name:
                continue
            clash = set(events) & set(other_bucket.get("data_event") or [])
            if clash:
                raise v.bad(
                    "CTS.0209",
                    f"{'/'.join(sorted(clash))} of bucket {name} is already tracked by "
                    f"tracker {other.get('tracker_name')}.",
                )
        return {"data_bucket_name": name, "data_event": events}

    def _check_obs_info(
        self, ttype: str, obs: dict[str, Any], tracked: str | None
    ) -> tuple[dict[str, Any], str | None]:
        """Validate obs_info; return (normalized given fields, bucket to create or None)."""
        out = v.check_obs_options(ttype, obs)
        create = None
        if obs.get("bucket_name") is not None:
            bucket = v.check_transfer_bucket(obs["bucket_name"], tracked)
            out["bucket_name"] = bucket
            if not self._obs.exists(bucket):
                if not obs.get("is_obs_created"):
                    raise v.bad("CTS.0003", f"The transfer bucket {bucket} does not exist.")
                create = bucket
        return out, create

    def _commit_side_effects(self, project_id: str, bucket: str | None, agency: str | None) -> None:
        if bucket is not None:
            self._obs.add_bucket(bucket, self._iam.region_of(project_id) or "unknown")
        if agency is not None and not self._iam.has_agency(agency):
            self._iam.add_agency(agency)

    def _new_record(
        self,
        project_id: str,
        ttype: str,
        name: str,
        body: dict[str, Any],
        obs_given: dict[str, Any],
        data_bucket: dict[str, Any] | None,
        selector: dict[str, Any] | None,
    ) -> dict[str, Any]:
        obs_info: dict[str, Any] = {
            "bucket_name": "",
            "file_prefix_name": "",
            "is_obs_created": False,
            "is_authorized_bucket": False,
            "compress_type": "gzip",
            "is_sort_by_service": True,
            "bucket_lifecycle": 0,  # 0 = kept forever; shown on management trackers too, as documented
        }
        obs_info.update(obs_given)
        obs_info["is_authorized_bucket"] = bool(obs_info["bucket_name"])
        obs_info["bucket_location"] = self._obs.region_of(obs_info["bucket_name"]) or ""
        record: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "create_time": int(time.time() * 1000),
            "domain_id": self.domain_id,
            "project_id": project_id,
            "tracker_type": ttype,
            "tracker_name": name,
            "status": "enabled",
            "lts": {
                "is_lts_enabled": bool(body.get("is_lts_enabled", False)),
                "log_group_name": "CTS",
                "log_topic_name": "system-trace" if ttype == "system" else name,
            },
            "obs_info": obs_info,
            "is_support_validate": bool(body.get("is_support_validate", False)),
            "is_support_trace_files_encryption": bool(body.get("is_support_trace_files_encryption", False)),
            "tag": [],
            "enterprise_project_id": "0",
        }
        if body.get("agency_name") is not None:  # shown only when set
            record["agency_name"] = body["agency_name"]
        if ttype == "data":
            record["data_bucket"] = data_bucket
        else:
            if body.get("kms_id"):
                record["kms_id"] = body["kms_id"]
            if selector is not None:
                record["management_event_selector"] = selector
            record["is_organization_tracker"] = bool(body.get("is_organization_tracker", False))
        return record
