"""cloud/obs.py: every bucket with its location, HEAD bucket's region, and one object written, against the fake."""

from __future__ import annotations

import pytest
from helpers.world import REGION

from autotracker.cloud.gateway import Gateway
from autotracker.cloud.obs import bucket_listing


def test_the_listing_holds_every_bucket_with_its_location(cloud, gateway: Gateway) -> None:
    cloud.add_bucket("eu-archive", "eu-west-101")
    with cloud.mock():
        listed = gateway.list_buckets(REGION)
        located = gateway.bucket_location(REGION, "eu-archive")
    names = {entry["name"]: entry["location"] for entry in listed}
    assert names["eu-archive"] == "eu-west-101" and names["photos-2026"] == REGION
    assert located == "eu-west-101"


def test_a_written_object_is_stored(cloud, gateway: Gateway) -> None:
    with cloud.mock():
        gateway.put_object(REGION, "photos-2026", "r/1.json", b"{}", "application/json")
    assert cloud.obs.object("photos-2026", "r/1.json") is not None


def test_a_listing_with_a_dtd_is_refused() -> None:
    with pytest.raises(ValueError):
        bucket_listing(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><ListAllMyBucketsResult/>')
