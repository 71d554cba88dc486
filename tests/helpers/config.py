"""Config (RMS) rule events and states, shared by the Config tests."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fakecloud import FakeCloud
from helpers.world import PROJECT_ID, REGION

HASH, TIME = "f0e1d2c3b4a5", 1764052800000  # the event's evaluation identifiers, echoed in each state
URN = f"urn:fss:{REGION}:{PROJECT_ID}:function:default:cts-autotracker:latest"


def config_event(cloud: FakeCloud, assignment_id: str, trigger: str = "period", **extra: Any) -> Dict[str, Any]:
    """A Config rule evaluation event, as Config invokes the rule's function."""
    event: Dict[str, Any] = {
        "domain_id": cloud.domain_id,
        "policy_assignment_id": assignment_id,
        "policy_assignment_name": "cts-coverage",
        "function_urn": URN,
        "trigger_type": trigger,
        "evaluation_time": TIME,
        "evaluation_hash": HASH,
        "rule_parameter": {},
    }
    event.update(extra)
    return event


def account_record(cloud: FakeCloud) -> Dict[str, Any]:
    """The account record as Config's documented periodic event carries it."""
    nulls = ("tags", "created", "updated", "properties", "ep_id", "project_id", "provisioning_state")
    return {
        "id": cloud.domain_id,
        "name": "Account",
        "provider": None,
        "type": None,
        **dict.fromkeys(nulls),
        "region_id": "global",
    }


def account_policy_resource(domain_id: str) -> Dict[str, Any]:
    """The account record's `policy_resource`, echoed as Config sent it (provider and type null)."""
    return {
        "resource_id": domain_id,
        "resource_name": "Account",
        "resource_provider": None,
        "resource_type": None,
        "region_id": "global",
        "domain_id": domain_id,
    }


def bucket_record(bucket_id: str, name: Optional[str] = None, region: str = REGION) -> Dict[str, Any]:
    """A bucket's resource record; `name` only when given (the id names the bucket)."""
    record = {"id": bucket_id, "provider": "obs", "type": "buckets", "region_id": region, "properties": {}}
    if name is not None:
        record["name"] = name
    return record


def states(cloud: FakeCloud) -> Dict[str, str]:
    """Every reported state, by resource id."""
    return {s["policy_resource"]["resource_id"]: s["compliance_state"] for s in cloud.rms.states()}


def state(cloud: FakeCloud, resource_id: str) -> Dict[str, Any]:
    """The one state reported for `resource_id`."""
    (found,) = [s for s in cloud.rms.states() if s["policy_resource"]["resource_id"] == resource_id]
    return found


def seed_compliant(cloud: FakeCloud, assignment: str, resource_id: str, provider: Any, kind: Any) -> None:
    """A state an earlier evaluation left: Compliant."""
    resource = {"resource_id": resource_id, "resource_provider": provider, "resource_type": kind}
    cloud.rms.update_policy_state(
        cloud.domain_id,
        {
            "policy_resource": {**resource, "region_id": REGION, "domain_id": cloud.domain_id},
            "trigger_type": "period",
            "compliance_state": "Compliant",
            "policy_assignment_id": assignment,
            "evaluation_time": "1764000000000",
            "evaluation_hash": "earlier",
        },
    )
