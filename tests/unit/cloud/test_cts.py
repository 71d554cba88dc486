"""cloud/cts.py: CreateTracker, ListTrackers and UpdateTracker through the SDK to the fake, read into records."""

from __future__ import annotations

import pytest
from helpers.world import PROJECT_ID, REGION, TRACE_BUCKET, base_env

from autotracker.cloud.cts import Cts
from autotracker.cloud.errors import CloudError
from autotracker.cloud.gateway import Gateway
from autotracker.pipeline.tracker_request import data_tracker_body
from autotracker.settings import load_settings


def test_a_created_tracker_is_listed_as_a_record(cloud, gateway: Gateway) -> None:
    body = data_tracker_body("photos-2026", "obs-photos-2026", load_settings(base_env())).to_wire()
    with cloud.mock():
        created = gateway.create_tracker(REGION, PROJECT_ID, body)
        (record,) = gateway.list_trackers(REGION, PROJECT_ID, tracker_type="data")
    assert created.get("id") and record.bucket == "photos-2026" and record.transfer_bucket == TRACE_BUCKET
    assert record.live


def test_a_refused_create_is_a_cloud_error_with_the_services_code(cloud, gateway: Gateway) -> None:
    body = data_tracker_body("no-such-bucket", "obs-no-such-bucket", load_settings(base_env())).model_dump(
        exclude_none=True
    )
    with cloud.mock(), pytest.raises(CloudError) as refused:
        gateway.create_tracker(REGION, PROJECT_ID, body)
    assert refused.value.code and "." in refused.value.code
    assert cloud.calls_of("CreateTracker")


def test_the_gateway_takes_these_calls_from_the_cts_class() -> None:
    assert issubclass(Gateway, Cts)
