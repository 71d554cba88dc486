"""Credentials never appear in results, logs or notifications, whatever happens."""

from __future__ import annotations

import json
import logging

import pytest
from helpers.world import AK, PROJECT_ID, REGION, SK, TOKEN, FakeContext, bucket_event, project_event

from autotracker.handler import TransientFailure


@pytest.mark.parametrize(
    "scenario",
    ["created", "duplicate", "server-error", "wrong-secret", "bad-topic", "bad-config", "project"],
)
def test_no_secret_leaks(invoke, cloud, env, caplog, capsys, scenario):
    caplog.set_level(logging.DEBUG)
    context = FakeContext()
    event = bucket_event("photos-2026")
    if scenario == "duplicate":
        invoke(event)
    elif scenario == "server-error":
        env["RETRY_MAX_ATTEMPTS"] = "2"
        cloud.faults.inject(status=500, action="CreateTracker", count=5)
    elif scenario == "wrong-secret":
        context = FakeContext(sk=SK + "x")
    elif scenario == "bad-topic":
        env["SMN_TOPIC_URN"] = f"urn:smn:{REGION}:{PROJECT_ID}:missing"
    elif scenario == "bad-config":
        env["TRACE_LIFECYCLE_DAYS"] = SK  # a secret pasted into the wrong variable is not echoed back
    elif scenario == "project":
        event = project_event()
    try:
        result: object = invoke(event, context=context)
    except TransientFailure as raised:  # the server-error scenario asks FunctionGraph to retry
        result = str(raised)
    captured = capsys.readouterr()
    surfaces = {
        "result": json.dumps(result),
        "logs": caplog.text,
        "stdout": captured.out + captured.err,
        "notifications": json.dumps(cloud.smn.messages),
    }
    for surface, text in surfaces.items():
        for secret in (AK, SK, TOKEN):
            assert secret not in text, f"{surface} leaks a credential in scenario {scenario}"
    assert "cts-autotracker" in caplog.text  # the summary line was logged
