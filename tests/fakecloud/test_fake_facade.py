"""The FakeCloud facade: seeding helpers and endpoints."""

from __future__ import annotations

import re

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcts.v3 import ListTrackersRequest

from fakecloud import FakeCloud


def test_add_project_generates_ids_and_regions() -> None:
    cloud = FakeCloud(default_region="cn-north-4", domain_id="dom")
    main = cloud.add_project("cn-north-4")
    sub = cloud.add_project("cn-north-4_analytics_team")
    assert re.fullmatch(r"[0-9a-f]{32}", main) and main != sub
    assert cloud.iam.region_of(sub) == "cn-north-4"
    assert cloud.add_project("cn-north-4") == main  # idempotent by name
    assert cloud.add_project("ap-southeast-1", "given-id") == "given-id"
    with pytest.raises(ValueError):
        cloud.add_project("not a project")
    with pytest.raises(ValueError):
        cloud.add_project("cn-north-4", "another-id")


def test_add_topic_defaults() -> None:
    cloud = FakeCloud(default_region="ap-southeast-1")
    with pytest.raises(ValueError):
        cloud.add_topic("t")  # no project yet
    pid = cloud.add_project("ap-southeast-1")
    sub = cloud.add_project("ap-southeast-1_sub")
    assert cloud.add_topic("t") == f"urn:smn:ap-southeast-1:{pid}:t"
    assert cloud.add_topic("t2", project_id=sub) == f"urn:smn:ap-southeast-1:{sub}:t2"
    with pytest.raises(ValueError):
        cloud.add_topic("t3", region="eu-west-101", project_id=sub)
    assert {t["name"] for t in cloud.smn.topics} == {"t", "t2"}


def test_endpoint_and_state_helpers() -> None:
    cloud = FakeCloud()
    assert cloud.endpoint("cts") == "https://cts.ap-southeast-1.myhuaweicloud.com"
    assert cloud.endpoint("smn", "cn-north-4") == "https://smn.cn-north-4.myhuaweicloud.com"
    cloud.add_bucket("b", "ap-southeast-1")
    assert cloud.obs.bucket("b") == {"name": "b", "location": "ap-southeast-1"}
    with pytest.raises(ValueError):
        cloud.add_bucket("b", "eu-west-101")
    cloud.add_agency("cts_admin_trust")
    assert cloud.iam.has_agency("cts_admin_trust")
    assert len(cloud.domain_id) == 32


def test_mock_yields_none_and_serve_yields_url(cloud: FakeCloud) -> None:
    with cloud.mock() as value:
        assert value is None
    with cloud.serve() as url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert h.cts_client(url).list_trackers(ListTrackersRequest()).status_code == 200
