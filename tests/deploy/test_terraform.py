"""The emitted Terraform parses with a real HCL parser and uses only arguments the provider
documents (tests/contract/fixtures/terraform_provider_arguments.json, read from the provider's
docs/resources pages; see its `source`)."""

from __future__ import annotations

import json
import pathlib
from typing import Any, Dict, Iterator, Tuple

import hcl2
import pytest
import yaml

from deployer.template import parse_template
from deployer.terraform import PROVIDER_VERSION, buckets_tf, main_tf, member_tf, variables_tf

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCUMENTED = json.loads((ROOT / "tests/contract/fixtures/terraform_provider_arguments.json").read_text())["resources"]
META = {"count", "for_each", "depends_on", "provider", "lifecycle"}  # Terraform's own meta-arguments


def everything() -> Dict[str, Any]:
    """The template with every optional part: encrypted variables, an on-failure topic, a report
    bucket, organization sweeps with per-account buckets, and the Config rule."""
    raw = yaml.safe_load((ROOT / "template.yaml").read_text())
    raw["function"]["encrypted_user_data"] = ["KMS_KEY_ID", "FANOUT_KEY"]
    raw["function"]["user_data"].update({"REPORT_BUCKET": "audit-reports", "ORGANIZATION_SWEEP": "true"})
    raw["async_invoke"]["on_failure"] = {"smn_topic": "ops-alerts"}
    raw["config_rule"] = {"name": "cts-coverage", "data_events": "READ,WRITE", "regions": ["ap-southeast-1"]}
    return raw


def texts() -> Iterator[Tuple[str, str]]:
    for variant, raw in (
        ("template.yaml", yaml.safe_load((ROOT / "template.yaml").read_text())),
        ("all", everything()),
    ):
        template = parse_template(raw)
        yield f"{variant}: main.tf", main_tf(template)
        yield f"{variant}: variables.tf", variables_tf(template, "../dist/f.zip")
        yield f"{variant}: buckets/main.tf", buckets_tf(template)
        yield f"{variant}: member.tf", member_tf(template)
    per_account = everything()
    per_account["function"]["user_data"]["TRACE_BUCKET"] = "cts-{account_id}"
    yield "per-account: member.tf", member_tf(parse_template(per_account))


def resources(text: str) -> Iterator[Tuple[str, str, Dict[str, Any]]]:
    for item in hcl2.loads(text).get("resource", []):
        for kind, named in item.items():
            for name, body in named.items():
                yield kind.strip('"'), name.strip('"'), body


def arguments(body: Dict[str, Any]) -> Dict[str, Any]:
    return {key: value for key, value in body.items() if not key.startswith("__")}


@pytest.mark.parametrize("label, text", list(texts()), ids=[label for label, _ in texts()])
def test_every_resource_uses_documented_arguments_only(label: str, text: str) -> None:
    parsed = hcl2.loads(text)  # a real HCL parser: the text is valid HCL
    for kind, name, body in resources(text):
        documented = DOCUMENTED.get(kind)
        assert documented and documented.get("doc"), f"{label}: {kind} is not a documented resource"
        used = arguments(body)
        unknown = set(used) - set(documented["arguments"]) - META
        assert not unknown, f"{label}: {kind}.{name} uses undocumented {sorted(unknown)}"
        missing = set(documented.get("required") or []) - set(used)
        assert not missing, f"{label}: {kind}.{name} lacks required {sorted(missing)}"
        for block, spec in (documented.get("blocks") or {}).items():
            if block in used and isinstance(used[block], list):
                for inner in used[block]:
                    extra = set(arguments(inner)) - set(spec["arguments"])
                    assert not extra, f"{label}: {kind}.{name}.{block} uses undocumented {sorted(extra)}"
    for block in parsed.get("terraform", []):
        pinned = block["required_providers"][0]["huaweicloud"]["version"].strip('"')
        assert pinned == PROVIDER_VERSION == ">= 1.63.0"


def test_the_agency_uses_the_documented_trustee_argument() -> None:
    text = main_tf(parse_template(everything()))
    (agency,) = [body for kind, _, body in resources(text) if kind == "huaweicloud_identity_agency"]
    assert agency["delegated_domain_name"].strip('"') == "op_svc_cff"
    assert "delegated_service_name" not in text
    assert "delegated_service_name" not in DOCUMENTED["huaweicloud_identity_agency"]["arguments"]


def test_a_config_assignment_is_either_periodic_or_filtered() -> None:
    text = main_tf(parse_template(everything()))
    assignments = {
        name: arguments(body) for kind, name, body in resources(text) if kind.endswith("rms_policy_assignment")
    }
    assert set(assignments) == {"config_buckets", "config_projects", "config_period"}
    for body in assignments.values():
        assert ("period" in body) != ("policy_filter" in body)  # the provider: at most one of the two


def test_the_buckets_are_a_stack_of_their_own_that_is_never_destroyed() -> None:
    text = buckets_tf(parse_template(everything()))
    buckets = {name: arguments(body) for kind, name, body in resources(text) if kind == "huaweicloud_obs_bucket"}
    assert set(buckets) == {"traces", "reports"}
    for body in buckets.values():
        assert body["acl"].strip('"') == "private" and body["lifecycle"][0]["prevent_destroy"] is True
