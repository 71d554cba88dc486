"""Every report key carries a nonce of its attempt, whatever the trigger: FunctionGraph retries an
asynchronous invocation with the same request id, and the retry must add objects, never replace
the earlier attempt's evidence."""

from __future__ import annotations

import re
from typing import Dict

from helpers.world import REGION, sample

REPORTS = "audit-reports"


def test_two_attempts_with_the_same_request_id_write_distinct_objects(invoke, cloud, env: Dict[str, str]) -> None:
    cloud.add_bucket(REPORTS, REGION)
    env["REPORT_BUCKET"] = REPORTS
    env["EXCLUDE_BUCKETS"] = REPORTS
    first = invoke(sample("timer.json"))  # FakeContext answers the same request id every time
    before = {key: bytes(cloud.obs.object(REPORTS, key)["body"]) for key in first["report"]["keys"]}
    cloud.add_bucket("arrived-between-attempts", REGION)  # the retry's report differs from the first
    second = invoke(sample("timer.json"))
    assert first["request_id"] == second["request_id"] == "req-0001"
    assert len(before) == 4 and len(second["report"]["keys"]) == 4
    assert set(before).isdisjoint(second["report"]["keys"])
    evidence = [*first["report"]["evidence"], *second["report"]["evidence"]]  # each attempt's manifest
    pointers = [key for key in cloud.obs.keys(REPORTS) if "/chains/" in key]  # outputs/evidence.py
    assert sorted(cloud.obs.keys(REPORTS)) == sorted([*before, *second["report"]["keys"], *evidence, *pointers])
    for key, body in before.items():  # the first attempt's evidence, byte for byte
        assert bytes(cloud.obs.object(REPORTS, key)["body"]) == body
    assert b"arrived-between-attempts" not in before[next(k for k in before if k.endswith(".csv"))]
    for result in (first, second):  # a run's objects are found by its request id
        assert all(
            re.search(r"/req-0001\.[0-9a-f]{12}\.(json|csv|html|ocsf\.json)$", key) for key in result["report"]["keys"]
        )
