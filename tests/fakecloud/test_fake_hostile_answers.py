"""Hostile answers on demand: an injected error carries a test's message in the service's own
error format, and a rewrite changes a successful answer's body (JSON or OBS's XML) after the
handler ran, so any string of any answer can be hostile."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcts.v3 import ListTrackersRequest

from fakecloud import FakeCloud

HOSTILE = "=cmd|' /C calc'!A0\r\nINJECTED: forged line <b>\x01\u2028\ud800"


def test_an_injected_error_carries_the_tests_message_as_json(cloud: FakeCloud, endpoint) -> None:
    cloud.faults.inject(status=403, action="ListTrackers", error_code="CTS.0013", message=HOSTILE)
    response = h.raw_call(endpoint("cts"), "GET", f"/v3/{h.PID}/trackers")
    assert response.status_code == 403
    assert response.json() == {"error_code": "CTS.0013", "error_msg": HOSTILE}  # \ud800 travels as an escape
    assert b"\\ud800" in response.content


def test_an_injected_obs_error_is_the_documented_xml_with_the_header(cloud: FakeCloud, endpoint) -> None:
    cloud.faults.inject(status=404, action="ListBuckets", service="obs", message="gone <now> & forever")
    response = h.obs_raw_call(endpoint("obs"))
    root = ET.fromstring(response.content)
    assert (response.status_code, root.tag) == (404, "Error")
    assert (root.findtext("Code"), root.findtext("Message")) == ("NoSuchBucket", "gone <now> & forever")
    assert root.findtext("RequestId") == response.headers["x-obs-request-id"]
    assert "X-Request-Id" not in response.headers  # OBS's own header only


def test_a_rewrite_changes_a_json_answer_after_the_handler_ran(cloud: FakeCloud, endpoint) -> None:
    cloud.cts.put_tracker(h.PID, {"tracker_name": "system", "tracker_type": "system"})

    def hostile(answer):
        answer["trackers"][0]["tracker_name"] = HOSTILE
        return answer

    cloud.faults.rewrite(hostile, "ListTrackers", service="cts", count=1)
    first = h.raw_call(endpoint("cts"), "GET", f"/v3/{h.PID}/trackers")
    assert first.status_code == 200 and json.loads(first.content)["trackers"][0]["tracker_name"] == HOSTILE
    assert cloud.cts.trackers(h.PID)[0]["tracker_name"] == "system"  # the state is untouched
    second = h.raw_call(endpoint("cts"), "GET", f"/v3/{h.PID}/trackers")
    assert second.json()["trackers"][0]["tracker_name"] == "system"  # count=1: used up


def test_a_rewrite_changes_an_xml_answer_as_text(cloud: FakeCloud, endpoint) -> None:
    cloud.faults.rewrite(lambda text: text.replace(f"<Name>{h.TRACKED}</Name>", "<Name>=cmd</Name>"), "ListBuckets")
    root = ET.fromstring(h.obs_raw_call(endpoint("obs")).content)
    names = [element.text for element in root.iter() if element.tag.endswith("Name")]
    assert "=cmd" in names and h.TRACKED not in names


def test_a_rewrite_leaves_errors_alone(cloud: FakeCloud, mocked: None) -> None:
    cloud.faults.rewrite(lambda answer: {"trackers": [{"tracker_name": HOSTILE}]}, "ListTrackers")
    cloud.faults.inject(status=403, action="ListTrackers", error_code="CTS.0013")
    with pytest.raises(ClientRequestException) as info:
        h.cts_client(cloud.endpoint("cts")).list_trackers(ListTrackersRequest())
    assert info.value.error_code == "CTS.0013"


def test_a_rewrite_count_must_be_positive(cloud: FakeCloud) -> None:
    with pytest.raises(ValueError):
        cloud.faults.rewrite(lambda answer: answer, "ListTrackers", count=0)
