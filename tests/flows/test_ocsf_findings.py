"""OCSF findings (issue 22 item 2): every report is also written as `<stem>.ocsf.json`, a JSON
array of Compliance Findings (class 2003), one per target, that validate against py-ocsf-models
(the models Prowler publishes; Python >= 3.10, so the 3.9 leg skips that one check and the
function builds plain dicts). Each carries the account, the region, the resource, PASS/FAIL, a
finding id stable across runs for the same account, region and resource, and the controls
from frameworks.json. A failed run's findings start with a FAIL for the account."""

from __future__ import annotations

import json
import sys
from typing import Any, Dict, List

import pytest
from helpers.world import REGION

REPORTS = "audit-reports"


@pytest.fixture
def reporting(cloud, env) -> None:
    cloud.add_bucket(REPORTS, REGION)
    env.update({"REPORT_BUCKET": REPORTS, "EXCLUDE_BUCKETS": REPORTS})


def key_of(result: Dict[str, Any], ext: str) -> str:
    """The key of the invocation's `ext` object (main's keys carry a nonce: read them from the result)."""
    keys = result["report"]["keys"]
    (key,) = [k for k in keys if k.endswith(f".{ext}") and (ext == "ocsf.json") == k.endswith(".ocsf.json")]
    return key


def findings_of(cloud, key: str) -> List[Dict[str, Any]]:
    found = cloud.obs.object(REPORTS, key)
    assert found is not None, key
    assert found["content_type"] == "application/json"
    loaded: List[Dict[str, Any]] = json.loads(found["body"])
    return loaded


def test_a_sweep_writes_one_finding_per_target_beside_the_report(invoke, cloud, reporting) -> None:
    result = invoke({"action": "backfill", "all": True})
    key = key_of(result, "ocsf.json")  # beside the report's other objects, with the same stem
    assert key[: -len(".ocsf.json")] + ".json" in result["report"]["keys"] and len(result["report"]["keys"]) == 4
    findings = findings_of(cloud, key)
    assert len(findings) == len(result["results"])
    for finding, entry in zip(findings, result["results"]):
        target = entry["target"]
        assert finding["class_uid"] == 2003 and finding["type_uid"] == 200301
        assert finding["cloud"]["account"]["uid"] == cloud.domain_id
        assert finding["cloud"]["region"] == target["region"]
        (resource,) = finding["resources"]
        assert resource["uid"] == resource["name"] == (target["name"] or target["project_id"])
        assert resource["type"] == target["kind"]
        expected = {"created": "PASS", "skipped": "SKIPPED"}[entry["outcome"]]
        assert finding["status_code"] == expected
        assert finding["compliance"]["status"] == {"PASS": "Pass", "SKIPPED": "Other"}[expected]
        assert any(r.startswith("NIST SP 800-53 Rev. 5 AU-") for r in finding["compliance"]["requirements"])
        assert "GB/T 22239-2019 (MLPS 2.0) level 3" in finding["compliance"]["standards"]


def test_finding_ids_are_stable_across_runs_and_distinct_per_resource(invoke, cloud, reporting) -> None:
    result = invoke({"action": "backfill", "all": True})
    first = {f["resources"][0]["uid"]: f for f in findings_of(cloud, key_of(result, "ocsf.json"))}
    result = invoke({"action": "backfill", "all": True})  # a new attempt: new objects, the same ids
    second = {f["resources"][0]["uid"]: f for f in findings_of(cloud, key_of(result, "ocsf.json"))}
    assert {u: f["finding_info"]["uid"] for u, f in first.items()} == {
        u: f["finding_info"]["uid"] for u, f in second.items()
    }
    assert len({f["finding_info"]["uid"] for f in first.values()}) == len(first)
    # what changed between the runs is in the status, not the id: created, then already tracked
    assert {f["resources"][0]["data"]["outcome"] for f in second.values()} >= {"already_tracked"}


def test_a_failed_target_is_a_fail_finding(invoke, cloud, reporting) -> None:
    cloud.faults.inject(status=403, error_code="CTS.0013", action="CreateTracker", count=None)
    result = invoke({"action": "backfill", "all": True})
    failing = [f for f in findings_of(cloud, key_of(result, "ocsf.json")) if f["status_code"] == "FAIL"]
    assert len(failing) == 4 and all(f["compliance"]["status_id"] == 3 for f in failing)
    assert all(f["resources"][0]["data"]["error_code"] == "CTS.0013" for f in failing)


def test_a_failed_run_starts_with_a_fail_finding_for_the_account(invoke, cloud, reporting) -> None:
    cloud.faults.inject(status=403, action="KeystoneListProjects", count=None)
    result = invoke({"action": "backfill", "all": True})
    assert result["ok"] is False and result["results"] == []
    (finding,) = findings_of(cloud, key_of(result, "ocsf.json"))
    assert finding["status_code"] == "FAIL" and finding["resources"][0]["type"] == "account"
    assert finding["resources"][0]["uid"] == cloud.domain_id
    assert finding["status_detail"].startswith("the run failed") and result["error"]["code"] in json.dumps(finding)


@pytest.mark.skipif(sys.version_info < (3, 10), reason="py-ocsf-models needs Python >= 3.10 (the 3.9 leg skips)")
def test_the_findings_validate_against_py_ocsf_models(invoke, cloud, reporting) -> None:
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
    from py_ocsf_models.objects.cloud import Cloud

    cloud.add_bucket("late-bucket", REGION)
    cloud.faults.inject(status=403, error_code="CTS.0013", action="CreateTracker", count=1)
    result = invoke({"action": "backfill", "all": True})
    findings = findings_of(cloud, key_of(result, "ocsf.json"))
    assert {f["status_code"] for f in findings} >= {"PASS", "FAIL"}
    for finding in findings:
        model = ComplianceFinding.model_validate(finding)
        assert model.finding_info.uid == finding["finding_info"]["uid"]
        # the cloud profile's object: py-ocsf-models' ComplianceFinding does not declare it, so hold it alone
        assert Cloud.model_validate(finding["cloud"]).account.uid == cloud.domain_id
