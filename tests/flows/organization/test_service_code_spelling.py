"""A service's error code reaches every output as the service spells it: only a dotted code all in
lower case (`cts.0007`, seen in some editions' bodies) is upper-cased; Organizations' documented
mixed-case `Organizations.1002` stays `Organizations.1002`. Through `index.handler`."""

from __future__ import annotations

import json
from typing import Dict

import pytest
from helpers.organization import REPORTS, MemberDeployed, invoke

from fakecloud import FakeOrganization


def test_a_documented_mixed_case_code_is_kept_as_the_service_spells_it(
    org: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed_in = org.add_member("deployed-here")  # a coordinator outside the management account
    deployed_in.add_credentials("MEMBERAKPERMANENT001", "member-secret-key-00000000000000001")
    env["RUNTIME_PROJECT_ID"] = deployed_in.add_project("ap-southeast-1")
    deployed_in.add_bucket(REPORTS, "ap-southeast-1")
    env["REPORT_BUCKET"] = REPORTS
    env["EXCLUDE_BUCKETS"] = REPORTS
    del env["SMN_TOPIC_URN"]
    result = invoke(org, env, monkeypatch, {"action": "audit"}, MemberDeployed())
    assert deployed_in.calls_of("ListAccounts")  # the refusal came from Organizations itself
    assert result["ok"] is False and result["error"]["code"] == "Organizations.1002"
    (key,) = [k for k in result["report"]["keys"] if k.endswith(".json") and not k.endswith(".ocsf.json")]
    stored = json.loads(deployed_in.obs.object(REPORTS, key)["body"])  # type: ignore[index]
    assert stored["error"]["code"] == "Organizations.1002"
    assert "ORGANIZATIONS" not in json.dumps(result)
