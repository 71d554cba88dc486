"""Organization sweeps end to end: the coordinator invocation lists the organization and queues one
async invocation per account in FunctionGraph; each queued payload is then run through
`index.handler` as FunctionGraph would, and sweeps its account with the member agency's
credentials. Every account is a whole fake account behind one transport (`FakeOrganization`)."""

from __future__ import annotations

import json
import re

import index
import pytest
from helpers.organization import AGENCY, FUNCTION, created, member, org_env
from helpers.world import (
    AK,
    IAM_ACTIONS,
    PROJECT_ID,
    REGION,
    SK,
    TOKEN,
    FakeContext,
    sample,
)

from autotracker.cloud.credentials import Credentials
from autotracker.cloud.errors import CloudError
from autotracker.cloud.gateway import Gateway
from autotracker.cloud.retry import Deadline, RetryPolicy
from autotracker.handler import TransientFailure
from autotracker.settings import load_settings, read_environment
from deployer.policy import agency_resource, bucket_resource, function_resource, grants_for, member_grants
from fakecloud import FakeOrganization


# ----- the whole organization ------------------------------------------------------------------
def test_an_organization_sweep_covers_every_account_with_its_own_credentials(org: FakeOrganization, run) -> None:
    coordinator, members = run({"action": "backfill", "all": True})

    assert coordinator["ok"] is True and coordinator["summary"] == {"dispatched": 4}
    entries = {entry["target"]["account_id"]: entry for entry in coordinator["results"]}
    assert set(entries) == set(org.accounts)
    names = {cloud.domain_id: cloud.domain_name for cloud in org.accounts.values()}
    for account_id, entry in entries.items():
        assert entry["target"]["kind"] == "account" and entry["target"]["name"] == names[account_id]
        assert entry["outcome"] == "dispatched" and "FunctionGraph request" in entry["reason"]
    queued = org.management.calls_of("AsyncInvokeFunction")
    assert len(queued) == 4 and {c.request_json["account_id"] for c in queued} == set(org.accounts)
    assert {c.request_json["fanout"]["run_id"] for c in queued} == {"coordinator-0001"}
    assert all(c.request_json["action"] == "backfill" and c.request_json["all"] is True for c in queued)

    assert set(members) == set(org.accounts)
    for cloud in org.members():
        result = members[cloud.domain_id]
        assert result["ok"] is True, result
        assert {entry["target"]["account_id"] for entry in result["results"]} == {cloud.domain_id}
        made = sorted((c.request_json["tracker_type"], c.request_json["tracker_name"]) for c in created(cloud))
        assert made == [("data", f"obs-{cloud.domain_name}-data"), ("system", "system"), ("system", "system")]
        for call in created(cloud):
            assert call.request_json["obs_info"]["bucket_name"] == f"trace-{cloud.domain_id}"
        # the member's tracker work used the assumed credentials, never the function's own
        assert all(call.headers["authorization"].find(AK) < 0 for call in cloud.calls)
        assert not cloud.calls_of("PublishMessage") and not cloud.calls_of("AssumeAgency")
    # nothing was created in the management account for a member's resources
    own_buckets = {c.request_json.get("data_bucket", {}).get("data_bucket_name") for c in created(org.management)}
    assert own_buckets == {None, "photos-2026", "invoices-archive", "trace-archive"}
    # every report went to the management account's topic, one per invocation
    assert len(org.management.calls_of("PublishMessage")) == 5
    subjects = [m["subject"] for m in org.management.smn.messages]
    assert sum("organization" in subject for subject in subjects) == 1
    assert sum(f"account {cloud.domain_id}" in s for cloud in org.members() for s in subjects) == 3


def test_each_member_invocation_assumes_the_agency_with_a_session_naming_the_run(org: FakeOrganization, run) -> None:
    run({"action": "backfill", "all": True})
    sessions = [
        s for cloud in org.members() for s in org.management.sts.sessions if s.target_account == cloud.domain_id
    ]
    assert len(sessions) == 3
    for session in sessions:
        assert session.agency == AGENCY and session.caller_account == org.management.domain_id
        assert session.session_name == f"{FUNCTION}.coordinator-0001"
        assert 900 <= session.duration_seconds <= 3600  # the function's own credentials are temporary


def test_a_second_sweep_finds_every_account_covered(org: FakeOrganization, run) -> None:
    run({"action": "backfill", "all": True})
    for cloud in org.accounts.values():
        cloud.reset_calls()
    _, members = run({"action": "backfill", "all": True})
    for cloud in org.accounts.values():
        assert not cloud.mutating_calls()
        outcomes = {entry["outcome"] for entry in members[cloud.domain_id]["results"]}
        assert outcomes <= {"already_tracked", "skipped"}


def test_a_dry_run_sends_no_mutating_call_in_any_account(org: FakeOrganization, run) -> None:
    coordinator, members = run({"action": "backfill", "all": True, "dry_run": True})
    assert coordinator["dry_run"] is True and coordinator["summary"] == {"planned": 4}
    assert all(c.request_json["dry_run"] is True for c in org.management.calls_of("AsyncInvokeFunction"))
    for cloud in org.accounts.values():
        assert not cloud.mutating_calls()
        result = members[cloud.domain_id]
        assert result["dry_run"] is True and "planned" in result["summary"]


def test_a_member_without_the_agency_fails_alone_and_names_what_to_create(org: FakeOrganization, run) -> None:
    lone = member(org, "delta", agency=None)
    coordinator, members = run({"action": "backfill", "all": True})
    assert coordinator["summary"] == {"dispatched": 5}
    (entry,) = members[lone.domain_id]["results"]
    assert entry["outcome"] == "failed" and entry["error"]["code"] == "AgencyUnavailable"
    assert entry["target"] == {
        "kind": "account",
        "name": None,
        "project_id": None,
        "region": None,
        "account_id": lone.domain_id,
    }
    message = entry["error"]["message"]
    assert lone.domain_id in message and AGENCY in message and org.management.domain_id in message
    assert not lone.mutating_calls() and not lone.calls  # nothing reached the member
    for cloud in org.members():
        if cloud is not lone:
            assert members[cloud.domain_id]["ok"] is True and created(cloud)


def test_an_agency_trusting_another_account_is_refused(org: FakeOrganization, run) -> None:
    stranger = member(org, "epsilon", agency=None)
    stranger.add_agency(AGENCY, trust_domain="someone-else")
    _, members = run({"action": "backfill", "all": True})
    (entry,) = members[stranger.domain_id]["results"]
    assert entry["error"]["code"] == "AgencyUnavailable" and not stranger.calls


def test_the_management_accounts_keys_never_reach_a_members_resources(org: FakeOrganization) -> None:
    """The fake resolves a key to its account: the function's own keys list nothing of a member."""
    target = org.members()[0]
    project_id = str(target.iam.project_by_name(REGION)["id"])  # type: ignore[index]
    gateway = Gateway(
        Credentials(AK, SK, TOKEN, PROJECT_ID), load_settings(org_env()), Deadline(30_000), RetryPolicy(1, 0.0)
    )
    with org.mock(), pytest.raises(CloudError) as refused:
        gateway.list_trackers(REGION, project_id)
    assert refused.value.status == 403 and not target.calls


def test_accounts_and_exclusions_and_suspended_accounts_are_reported(org: FakeOrganization, run, env) -> None:
    alpha, beta, gamma = org.members()
    closed = member(org, "zeta", status="suspended")
    env["ACCOUNTS"] = ",".join([alpha.domain_id, closed.domain_id, "f" * 32])
    env["EXCLUDE_ACCOUNTS"] = beta.domain_id
    coordinator, members = run({"action": "backfill", "all": True})
    by_account = {e["target"]["account_id"]: e for e in coordinator["results"]}
    assert len(by_account) == 6  # every account of the organization, and the unknown one
    assert by_account[alpha.domain_id]["outcome"] == "dispatched"
    assert by_account[beta.domain_id]["outcome"] == "skipped"
    assert by_account[beta.domain_id]["reason"] == "listed in EXCLUDE_ACCOUNTS"
    assert by_account[gamma.domain_id]["reason"] == "not listed in ACCOUNTS"
    assert by_account[closed.domain_id]["outcome"] == "skipped"
    assert "suspended" in by_account[closed.domain_id]["reason"]
    assert by_account["f" * 32]["error"]["code"] == "NotFound"
    assert set(members) == {alpha.domain_id}


def test_an_account_both_listed_and_excluded_is_a_configuration_error(org: FakeOrganization, run, env) -> None:
    alpha = org.members()[0]
    env["ACCOUNTS"] = env["EXCLUDE_ACCOUNTS"] = alpha.domain_id
    coordinator, members = run({"action": "backfill", "all": True})
    assert coordinator["error"]["code"] == "InvalidConfiguration" and not members
    assert f"EXCLUDE_ACCOUNTS: also listed in ACCOUNTS: {alpha.domain_id}" in coordinator["error"]["message"]
    assert not any(cloud.calls for cloud in org.accounts.values())


def test_the_organization_tracker_covers_member_projects_in_its_region(org: FakeOrganization, run) -> None:
    org.management.cts.put_tracker(
        PROJECT_ID,
        {"tracker_name": "system", "tracker_type": "system", "is_organization_tracker": True, "obs_info": {}},
    )
    _, members = run({"action": "backfill", "all": True})
    for cloud in org.members():
        made = [c.request_json["tracker_type"] for c in created(cloud)]
        assert made == ["data"], "no system tracker in a member covered by the organization tracker"
        projects = [e for e in members[cloud.domain_id]["results"] if e["target"]["kind"] == "project"]
        assert len(projects) == 2
        for entry in projects:
            assert entry["outcome"] == "already_tracked"
            assert entry["tracker"]["name"] == "system"
            assert entry["tracker"]["account_id"] == org.management.domain_id
            assert "organization tracker" in entry["reason"]


def test_an_account_created_in_the_organization_is_swept_when_its_agency_exists(org: FakeOrganization, run) -> None:
    newcomer = member(org, "team-payments")
    coordinator, members = run(sample("cts-create-account.json"))  # names the account, not its id
    (entry,) = coordinator["results"]
    assert entry["outcome"] == "dispatched" and entry["target"]["account_id"] == newcomer.domain_id
    (queued,) = org.management.calls_of("AsyncInvokeFunction")
    assert queued.request_json["fanout"]["new_account"] is True
    assert queued.request_json["account_id"] == newcomer.domain_id
    assert members[newcomer.domain_id]["ok"] is True and created(newcomer)


def test_a_new_account_whose_agency_is_not_there_yet_is_retried_by_functiongraph(org: FakeOrganization, run) -> None:
    newcomer = member(org, "team-payments", agency=None)
    _, members = run(sample("cts-create-account.json"))
    failure = members[newcomer.domain_id]
    assert isinstance(failure, TransientFailure) and "transient" in str(failure)
    assert not newcomer.calls
    report = org.management.smn.messages[-1]
    assert "AgencyUnavailable" in report["message_structure"] and newcomer.domain_id in report["message_structure"]


def test_an_account_not_yet_in_the_organization_is_a_transient_failure(org: FakeOrganization, run) -> None:
    coordinator, members = run(sample("cts-create-account.json"))
    assert isinstance(coordinator, TransientFailure) and not members
    assert not org.management.calls_of("AsyncInvokeFunction")


def test_account_traces_are_skipped_without_organization_sweep(org: FakeOrganization, run, env) -> None:
    env["ORGANIZATION_SWEEP"] = "false"
    coordinator, members = run(sample("cts-create-account.json"))
    (entry,) = coordinator["results"]
    assert entry["outcome"] == "skipped" and "ORGANIZATION_SWEEP" in entry["reason"] and not members


def test_named_buckets_without_an_account_are_this_accounts(org: FakeOrganization, run) -> None:
    coordinator, members = run({"action": "backfill", "buckets": ["photos-2026"]})
    assert [e["outcome"] for e in coordinator["results"]] == ["created"] and not members


def test_a_named_member_account_can_be_swept_directly(org: FakeOrganization, run) -> None:
    target = org.members()[1]
    result, members = run(
        {"action": "backfill", "buckets": [f"{target.domain_name}-data"], "account_id": target.domain_id}
    )
    assert result["ok"] is True and not members
    (entry,) = result["results"]
    assert entry["outcome"] == "created" and entry["target"]["account_id"] == target.domain_id
    assert [c.request_json["tracker_type"] for c in created(target)] == ["data"]


def test_without_a_function_name_or_urn_the_sweep_names_the_variable(org: FakeOrganization, env, monkeypatch) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with org.mock():
        result = index.handler({"action": "backfill", "all": True}, FakeContext())
    assert result["ok"] is False and result["error"]["code"] == "InvalidConfiguration"
    assert "FUNCTION_URN" in result["error"]["message"] and not org.management.calls_of("AsyncInvokeFunction")


def test_function_urn_overrides_the_derived_one(org: FakeOrganization, run, env) -> None:
    other = org.management.add_function("fanout", package="security")
    env["FUNCTION_URN"] = other
    coordinator, members = run({"action": "backfill", "all": True})
    assert coordinator["summary"] == {"dispatched": 4} and len(members) == 4
    paths = {call.path for call in org.management.calls_of("AsyncInvokeFunction")}
    assert paths == {f"/v2/{PROJECT_ID}/fgs/functions/{other}/invocations-async"}


# ----- least privilege -------------------------------------------------------------------------
def test_the_management_and_member_grants_are_exactly_what_the_calls_need(org: FakeOrganization, run, env) -> None:
    for cloud in org.accounts.values():
        cloud.obs.listing_omits_location = True  # the sweeps place buckets with HEAD bucket
    run({"action": "backfill", "all": True})
    settings = load_settings(read_environment(env))
    management = {
        IAM_ACTIONS[(c.service, c.action)]
        for c in org.management.calls
        if c.status < 400 and (c.service, c.action) != ("sts", "GetCallerIdentity")
    }
    members = {IAM_ACTIONS[(c.service, c.action)] for cloud in org.members() for c in cloud.calls if c.status < 400}
    granted = grants_for(settings, ("default", FUNCTION))
    transfer_acl = {"obs:bucket:GetBucketAcl", "obs:bucket:PutBucketAcl"}  # CTS's, on the caller's behalf
    lifecycle = {"obs:bucket:GetLifecycleConfiguration", "obs:bucket:PutLifecycleConfiguration"}
    assert {g.action for g in granted} - transfer_acl - lifecycle == management
    assert {g.action for g in member_grants(settings)} - transfer_acl - lifecycle == members
    scoped = {g.action: g.resource for g in granted if g.resource}
    assert scoped["sts:agencies:assume"] == agency_resource(AGENCY)
    assert scoped["functiongraph:function:invokeAsync"] == function_resource(settings, "default", FUNCTION)
    assert scoped["obs:bucket:PutBucketAcl"] == bucket_resource("trace-{account_id}") == "obs:*:*:bucket:trace-*"
    organizations = {"organizations:accounts:list", "organizations:accounts:get"}
    assert not {"smn:topic:publish", *organizations} & {g.action for g in member_grants(settings)}


def test_the_member_agency_terraform_holds_the_member_grants_and_trusts_the_management_account() -> None:
    import yaml

    from deployer.template import parse_template
    from deployer.terraform import member_tf

    raw = yaml.safe_load(open("template.yaml", encoding="utf-8").read())
    raw["function"]["user_data"].update({"ORGANIZATION_SWEEP": "true", "TRACE_BUCKET": "cts-{account_id}"})
    raw["function"]["encrypted_user_data"] = ["FANOUT_KEY"]
    template = parse_template(raw)
    text = member_tf(template)
    assert 'resource "huaweicloud_identity_agency" "member"' in text
    assert "delegated_domain_name = var.management_account_name" in text
    assert f'name                  = "{AGENCY}"' in text or f'name = "{AGENCY}"' in text
    for grant in member_grants(template.settings()):
        assert f'"{grant.action}"' in text
    for management_only in ("smn:topic:publish", "organizations:", "sts:agencies:assume", "invokeAsync"):
        assert management_only not in text
    assert 'bucket = "cts-${var.account_id}"' in text
    management = {g.action for g in template.grants()}
    assert {"organizations:accounts:list", "sts:agencies:assume", "functiongraph:function:invokeAsync"} <= management


def test_member_credentials_reach_no_result_report_or_log(org: FakeOrganization, run, caplog) -> None:
    import logging

    org.members()[0].faults.inject(status=500, action="CreateTracker", count=None)  # errors get reported
    with caplog.at_level(logging.DEBUG):
        _, members = run({"action": "backfill", "all": True})
    issued = [(s.access_key_id,) for s in org.management.sts.sessions]
    assert len(issued) == 3
    text = json.dumps([members[a] for a in members if not isinstance(members[a], Exception)])
    text += json.dumps(org.management.smn.messages) + caplog.text
    for cloud in org.members():
        for call in cloud.calls:
            assert call.headers.get("x-security-token") in (None, "***")
    for (ak,) in issued:
        assert ak not in text


def test_each_members_report_lands_in_the_management_accounts_bucket(org: FakeOrganization, run, env) -> None:
    org.management.add_bucket("org-reports", REGION)
    env["REPORT_BUCKET"] = "org-reports"
    env["EXCLUDE_BUCKETS"] = "org-reports"
    _, members = run({"action": "backfill", "all": True})
    keys = org.management.obs.keys("org-reports")
    for cloud in org.members():
        assert members[cloud.domain_id]["report"]["error"] is None
        mine = [key for key in keys if f"/coordinator-0001/{cloud.domain_id}." in key and key.endswith(".csv")]
        assert len(mine) == 1
        body = org.management.obs.object("org-reports", mine[0])["body"].decode("utf-8")  # type: ignore[index]
        assert body.count(cloud.domain_id) >= 3 and f"{cloud.domain_name}-data" in body
        assert not cloud.calls_of("PutObject")  # written with the function's own credentials
    assert any(re.search(r"/coordinator-0001\.[0-9a-f]{12}\.json$", key) for key in keys)  # the coordinator's own
