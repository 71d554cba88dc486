"""The agency's grants against the calls the function really makes, in both directions.

For each configuration, every mode (bucket event, project event, a sweep that repairs drift and
places buckets by HEAD) runs through `index.handler` and the fake. What those calls need (the
API's IAM action, and for CreateTracker the dependencies its body triggers: the transfer bucket's
ACL and lifecycle, LTS, KMS) must be exactly what `deploy.policy.grants_for` grants: nothing
used is missing, nothing granted is unused.
"""

from __future__ import annotations

import fnmatch
from typing import Dict, List, Set

import pytest
import yaml
from helpers.world import (
    IAM_ACTIONS,
    NEW_PROJECT_ID,
    PROJECT_ID,
    REGION,
    TRACE_BUCKET,
    base_env,
    bucket_event,
    project_event,
)

from autotracker.settings import load_settings, read_environment
from deployer.policy import (
    LTS_ACTIONS,
    TRANSFER_BUCKET_ACL,
    TRANSFER_BUCKET_LIFECYCLE,
    Grant,
    bucket_resource,
    grants_for,
)
from deployer.template import parse_template
from fakecloud import FakeCloud
from fakecloud.core.dispatch import Call

ROOT_TEMPLATE = yaml.safe_load(open("template.yaml", encoding="utf-8").read())


def needed(call: Call) -> Set[Grant]:
    """What one call needs: its own action, plus what CTS does on the caller's behalf for it."""
    action = IAM_ACTIONS[(call.service, call.action)]
    if not action:
        return set()
    if call.action in ("PutObject", "GetObject"):
        bucket = call.host.split(".obs.", 1)[0]
        return {Grant(action, f"obs:*:*:object:{bucket}{call.path}")}
    if call.action == "ListObjects":
        return {Grant(action, bucket_resource(call.host.split(".obs.", 1)[0]))}
    grants = {Grant(action)}
    if call.service == "cts" and call.action in ("CreateTracker", "UpdateTracker"):
        body = call.request_json or {}
        obs = body.get("obs_info") or {}
        if obs.get("bucket_name"):
            grants |= {Grant(action, bucket_resource(obs["bucket_name"])) for action in TRANSFER_BUCKET_ACL}
            if obs.get("bucket_lifecycle") is not None:
                grants |= {Grant(a, bucket_resource(obs["bucket_name"])) for a in TRANSFER_BUCKET_LIFECYCLE}
            if obs.get("is_obs_created"):
                grants.add(Grant("obs:bucket:CreateBucket"))
        if body.get("is_lts_enabled"):
            grants |= {Grant(action) for action in LTS_ACTIONS}
        if body.get("kms_id"):
            grants.add(Grant("kms:cmk:list"))
    return grants


def covered(need: Grant, grants: List[Grant]) -> bool:
    """A grant covers a need for the same action on every resource, the same one, or one its
    resource pattern matches (`obs:*:*:object:<bucket>/<prefix>*`)."""
    return any(
        g.action == need.action
        and (g.resource is None or g.resource == need.resource or fnmatch.fnmatchcase(need.resource or "", g.resource))
        for g in grants
    )


def run_every_mode(env: Dict[str, str], invoke, cloud: FakeCloud) -> Set[Grant]:
    cloud.obs.listing_omits_location = True  # the sweep places buckets with HEAD bucket
    cloud.cts.put_tracker(
        PROJECT_ID,
        {
            "tracker_name": "obs-invoices-archive",
            "status": "disabled",  # drift, repaired when REMEDIATE_DRIFT is on
            "obs_info": {"bucket_name": env.get("TRACE_BUCKET", TRACE_BUCKET)},
            "data_bucket": {"data_bucket_name": "invoices-archive", "data_event": ["READ", "WRITE"]},
        },
    )
    invoke(bucket_event("photos-2026"))
    invoke(project_event())
    invoke({"action": "backfill", "all": True})
    assert cloud.cts.trackers(NEW_PROJECT_ID), "the project event created its management tracker"
    # a GetObject answered NoSuchKey was allowed (without the grant OBS answers 403): a chain's first pointer read
    allowed = [call for call in cloud.calls if call.status < 400 or call.error_code == "NoSuchKey"]
    return {grant for call in allowed for grant in needed(call)}


CONFIGURATIONS = {
    "the template's environment": {},
    "repairing drift": {"REMEDIATE_DRIFT": "true"},
    "LTS only, with a KMS key": {
        "TRACE_BUCKET": "",
        "TRACE_FILE_PREFIX": "",
        "TRACE_LIFECYCLE_DAYS": "",
        "ENABLE_LTS": "true",
        "KMS_KEY_ID": "0f4c2a7e-1b2d-4e3f-9a8b-7c6d5e4f3a2b",
    },
    "without lifecycle": {"TRACE_LIFECYCLE_DAYS": ""},
    "with an auditor's report": {"REPORT_BUCKET": TRACE_BUCKET, "REPORT_PREFIX": "evidence/cts/"},
}


@pytest.mark.parametrize("name", list(CONFIGURATIONS))
def test_the_grants_are_exactly_what_the_calls_need(name: str, env, invoke, cloud: FakeCloud) -> None:
    env.update({**ROOT_TEMPLATE["function"]["user_data"], "TRACE_BUCKET": TRACE_BUCKET})
    env.update(CONFIGURATIONS[name])
    env.update({key: value for key, value in base_env().items() if key in ("SMN_TOPIC_URN", "RUNTIME_PROJECT_ID")})
    env["RAISE_ON_TRANSIENT"] = "false"
    granted = grants_for(load_settings(read_environment({k: v for k, v in env.items() if v})))
    used = run_every_mode({k: v for k, v in env.items() if v}, invoke, cloud)
    missing = sorted(g for g in used if not covered(g, granted))
    assert not missing, f"used but not granted: {missing}"
    unused = sorted(g for g in granted if not any(covered(u, [g]) for u in used))
    assert not unused, f"granted but never used: {unused}"


def test_the_template_grants_what_its_environment_needs() -> None:
    """The deployer derives the policy from the template's environment, not from a list."""
    template = parse_template(ROOT_TEMPLATE)
    settings = load_settings(template.user_data("0" * 32))
    assert template.grants() == grants_for(settings)
    actions = {g.action for g in template.grants()}
    assert "obs:bucket:CreateBucket" not in actions  # requests always say is_obs_created: false
    assert "cts:tracker:update" not in actions  # REMEDIATE_DRIFT is off in the template
    assert not actions & set(LTS_ACTIONS) and "kms:cmk:list" not in actions
    scoped = {g.resource for g in template.grants() if g.action.startswith("obs:bucket:") and g.resource}
    assert scoped == {bucket_resource(ROOT_TEMPLATE["function"]["user_data"]["TRACE_BUCKET"])}
    assert REGION  # the template deploys to the tests' region
