"""Every rule of the CreateTracker request tables, and the tracker-name derivation.

These exercise the pydantic request models directly: they are the gate that
keeps a rule-breaking request from ever being sent (the end-to-end tests show
the gate is on the real path).
"""

from __future__ import annotations

import string
from typing import Any, Dict

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from autotracker.pipeline.naming import data_tracker_name
from autotracker.pipeline.rules import check_tracker_name
from autotracker.pipeline.tracker_request import CreateTrackerBody, data_tracker_body, system_tracker_body
from autotracker.settings import load_settings

DATA: Dict[str, Any] = {
    "tracker_type": "data",
    "tracker_name": "obs-photos",
    "data_bucket": {"data_bucket_name": "photos", "data_event": ["READ", "WRITE"]},
    "obs_info": {"bucket_name": "trace-archive", "file_prefix_name": "audit", "bucket_lifecycle": 30},
}
SYSTEM: Dict[str, Any] = {"tracker_type": "system", "tracker_name": "system"}


def body(base: Dict[str, Any], **changes: Any) -> CreateTrackerBody:
    return CreateTrackerBody.model_validate({**base, **changes})


def refused(base: Dict[str, Any], fragment: str, **changes: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        body(base, **changes)
    assert fragment in str(caught.value)


def test_valid_bodies_serialise_without_unset_fields():
    assert body(SYSTEM).to_wire() == {"tracker_type": "system", "tracker_name": "system"}
    assert body(DATA).to_wire()["obs_info"] == {
        "bucket_name": "trace-archive",
        "file_prefix_name": "audit",
        "bucket_lifecycle": 30,
    }


def test_tracker_type_and_required_fields():
    refused(SYSTEM, "tracker_type", tracker_type="management")
    refused({"tracker_type": "data"}, "tracker_name")
    refused({"tracker_name": "system"}, "tracker_type")
    refused(DATA, "Extra inputs are not permitted", unknown_field=True)


@pytest.mark.parametrize(
    "field", ["is_support_trace_files_encryption", "management_event_selector", "kms_id", "is_organization_tracker"]
)
def test_system_only_parameters_are_refused_on_data_trackers(field):
    value = (
        {"exclude_service": ["KMS"]} if field == "management_event_selector" else ("k" if field == "kms_id" else True)
    )
    refused(DATA, "only a management tracker takes " + field, **{field: value})


def test_data_only_parameters_are_refused_on_management_trackers():
    refused(SYSTEM, "only a data tracker takes data_bucket", data_bucket=DATA["data_bucket"])
    refused(SYSTEM, "bucket_lifecycle", obs_info={"bucket_name": "trace-archive", "bucket_lifecycle": 30})


def test_kms_id_is_required_when_encryption_is_on_and_only_then():
    refused(SYSTEM, "kms_id is required", is_support_trace_files_encryption=True)
    refused(SYSTEM, "kms_id is used only with", kms_id="key")
    assert body(SYSTEM, is_support_trace_files_encryption=True, kms_id="key").kms_id == "key"


def test_data_tracker_needs_a_tracked_bucket_that_is_not_the_transfer_bucket():
    refused({**DATA, "data_bucket": None}, "needs data_bucket")
    refused(DATA, "transfer bucket cannot be the tracked bucket", obs_info={"bucket_name": "photos"})


@pytest.mark.parametrize("name", ["ab", "A-bucket", "-bucket", ".bucket", "bucket_1", "b" * 64, "bücket"])
def test_bucket_name_rules(name):
    refused(DATA, "bucket name", obs_info={"bucket_name": name})
    refused(DATA, "bucket name", data_bucket={"data_bucket_name": name, "data_event": ["READ"]})


@pytest.mark.parametrize("name", ["abc", "0bucket", "a.b-c", "b" * 63])
def test_valid_bucket_names(name):
    assert body(DATA, obs_info={"bucket_name": name}).obs_info is not None


@pytest.mark.parametrize("prefix", ["a/b", "a b", "x" * 65, "é"])
def test_file_prefix_rules(prefix):
    refused(DATA, "file prefix", obs_info={"bucket_name": "trace-archive", "file_prefix_name": prefix})


def test_file_prefix_may_be_empty_or_64_allowed_characters():
    for prefix in ("", "A-z_0.9", "p" * 64):
        assert body(DATA, obs_info={"bucket_name": "trace-archive", "file_prefix_name": prefix}).obs_info


@pytest.mark.parametrize("events", [[], ["DELETE"], ["READ", "READ"], ["read"]])
def test_data_event_must_be_a_subset_of_read_write(events):
    refused(DATA, "data_event", data_bucket={"data_bucket_name": "photos", "data_event": events})


def test_exclude_service_only_kms():
    refused(SYSTEM, "exclude_service", management_event_selector={"exclude_service": ["ECS"]})
    assert body(SYSTEM, management_event_selector={"exclude_service": ["KMS"]}).management_event_selector


@pytest.mark.parametrize("days", [1, 7, 365, -1])
def test_lifecycle_must_be_an_allowed_value(days):
    refused(DATA, "bucket_lifecycle", obs_info={"bucket_name": "trace-archive", "bucket_lifecycle": days})


@pytest.mark.parametrize("days", [0, 30, 60, 90, 180, 1095])
def test_allowed_lifecycles(days):
    assert body(DATA, obs_info={"bucket_name": "trace-archive", "bucket_lifecycle": days}).obs_info


def test_compress_type_is_gzip_or_json():
    refused(DATA, "compress_type", obs_info={"bucket_name": "trace-archive", "compress_type": "zip"})


@pytest.mark.parametrize(
    "name", ["", "_x", "-x", "x" * 33, "system", "System", "system-trace", "has space", "dot.name"]
)
def test_data_tracker_name_rules(name):
    refused(DATA, "", tracker_name=name)


def test_management_tracker_is_always_named_system():
    refused(SYSTEM, "always named 'system'", tracker_name="audit")


def test_strict_types_are_not_coerced():
    refused(DATA, "", is_lts_enabled="yes")


def test_bodies_built_from_settings_follow_the_rules():
    settings = load_settings(
        {
            "REGION": "ap-southeast-1",
            "TRACE_BUCKET": "trace-archive",
            "TRACE_LIFECYCLE_DAYS": "0",
            "TRACE_COMPRESS": "JSON",
            "TRACE_SORT_BY_SERVICE": "false",
            "DATA_EVENTS": "write",
            "ENABLE_LTS": "yes",
            "KMS_KEY_ID": "key-1",
            "ORGANIZATION_TRACKER": "true",
            "AGENCY_NAME": "none",
        }
    )
    data = data_tracker_body("photos", "obs-photos", settings).to_wire()
    assert data == {
        "tracker_type": "data",
        "tracker_name": "obs-photos",
        "is_lts_enabled": True,
        "obs_info": {
            "bucket_name": "trace-archive",
            "is_obs_created": False,
            "bucket_lifecycle": 0,
            "compress_type": "json",
            "is_sort_by_service": False,
        },
        "is_support_validate": False,
        "data_bucket": {"data_bucket_name": "photos", "data_event": ["WRITE"]},
    }
    system = system_tracker_body(settings).to_wire()
    assert system["is_organization_tracker"] is True
    assert system["is_support_trace_files_encryption"] is True and system["kms_id"] == "key-1"
    assert "bucket_lifecycle" not in system["obs_info"] and "data_bucket" not in system


# -- tracker names derived from bucket names ----------------------------------------------------

BUCKETS = st.from_regex(r"\A[a-z0-9][a-z0-9.-]{2,62}\Z")


@given(BUCKETS)
def test_derived_names_are_valid_deterministic_and_never_reserved(bucket):
    name = data_tracker_name(bucket)
    assert name == data_tracker_name(bucket)
    assert len(name) <= 32
    assert check_tracker_name(name, "data") == name
    assert set(name) <= set(string.ascii_letters + string.digits + "_-")


@given(BUCKETS, BUCKETS)
def test_distinct_buckets_get_distinct_names(first, second):
    if first != second:
        assert data_tracker_name(first) != data_tracker_name(second)


def test_long_names_sharing_a_prefix_stay_distinct_and_readable():
    first, second = "x" * 40 + "-alpha", "x" * 40 + "-bravo"
    assert data_tracker_name(first) != data_tracker_name(second)
    assert data_tracker_name(first).startswith("obs-xxxxxxxxxxxxxxxxx-")
    assert data_tracker_name("system") == "obs-system"
    assert data_tracker_name("a.b") == "obs-a_b"
