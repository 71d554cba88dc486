"""events/config.py: Config's rule event read into a model; a record, a parameter or a kind the
rule cannot judge is refused with the reason, never evaluated against the defaults."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from autotracker.events.config import ConfigEvent, parse_config
from autotracker.events.envelopes import EventError
from autotracker.pipeline.rules import DATA_EVENTS

DOMAIN = "0123456789abcdef0123456789abcdef"


def event(**extra: Any) -> Dict[str, Any]:
    base: Dict[str, Any] = {
        "domain_id": DOMAIN,
        "policy_assignment_id": "a1b2c3",
        "policy_assignment_name": "cts-coverage",
        "function_urn": "urn:fss:ap-southeast-1:p:function:default:cts-autotracker:latest",
        "trigger_type": "period",
        "evaluation_time": 1764052800000,
        "evaluation_hash": "f0e1d2c3",
        "rule_parameter": {},
    }
    base.update(extra)
    return base


def bucket(bucket_id: str, **extra: Any) -> Dict[str, Any]:
    record = {"id": bucket_id, "name": bucket_id, "provider": "obs", "type": "buckets", "region_id": "ap-southeast-1"}
    return {**record, **extra}


def test_a_period_event_names_the_account_record() -> None:
    record = {"id": DOMAIN, "name": "Account", "provider": None, "type": None, "region_id": "global"}
    parsed = parse_config(event(invoking_event=record))
    assert parsed.account_record is not None and parsed.account_record.id == DOMAIN
    assert parsed.account_record.kind is None
    assert parse_config(event()).account_record is None


def test_a_resource_event_on_a_bucket_is_judged_by_its_one_name() -> None:
    parsed = parse_config(event(trigger_type="resource", invoking_event=bucket("photos-2026")))
    assert parsed.invoking_event is not None
    assert parsed.invoking_event.bucket == "photos-2026" and parsed.invoking_event.kind == ("obs", "buckets")
    assert parsed.account_record is None


def test_a_project_record_is_read_case_insensitively() -> None:
    record = {"id": "p" * 32, "name": "ap-southeast-1", "provider": "IAM", "type": "Projects"}
    parsed = parse_config(event(trigger_type="resource", invoking_event=record))
    assert parsed.invoking_event is not None and parsed.invoking_event.kind == ("iam", "projects")


def test_a_bucket_record_naming_two_buckets_is_refused() -> None:
    with pytest.raises(EventError, match="names two buckets"):
        parse_config(event(trigger_type="resource", invoking_event=bucket("photos-2026", name="other-bucket")))


def test_a_bucket_record_with_an_impossible_name_is_refused() -> None:
    with pytest.raises(EventError, match="bucket name"):
        parse_config(event(trigger_type="resource", invoking_event=bucket("Bad..Name")))


def test_a_resource_event_needs_a_record_of_a_kind_the_rule_judges() -> None:
    with pytest.raises(EventError, match="needs invoking_event"):
        parse_config(event(trigger_type="resource"))
    vpc = {"id": "vpc-1", "name": "vpc-1", "provider": "vpc", "type": "vpcs"}
    with pytest.raises(EventError, match="'vpc/vpcs' is not evaluated"):
        parse_config(event(trigger_type="resource", invoking_event=vpc))


def test_rule_parameters_as_a_list_or_a_comma_separated_string() -> None:
    parsed = parse_config(
        event(
            rule_parameter={
                "data_events": {"value": "write, read"},
                "regions": {"value": ["ap-southeast-1", "eu-west-101", "ap-southeast-1"]},
                "resource_type": {"value": "projects"},
            }
        )
    )
    assert parsed.data_events == tuple(DATA_EVENTS)  # upper case, in the API's order
    assert parsed.regions == ("ap-southeast-1", "eu-west-101")
    assert parsed.resource_type == "projects"


def test_absent_parameters_leave_the_defaults() -> None:
    parsed = parse_config(event())
    assert parsed.data_events is None and parsed.regions is None and parsed.resource_type is None


@pytest.mark.parametrize(
    ("parameters", "reason"),
    [
        ({"data_event": {"value": "READ"}}, "unknown rule parameter(s) 'data_event'"),
        ({"data_events": {"value": "DELETE"}}, "data_events: READ and/or WRITE"),
        ({"data_events": {"value": ""}}, "data_events: READ and/or WRITE"),
        ({"regions": {"value": "ap-southeast-1,Not A Region"}}, "regions: region ids"),
        ({"regions": {"value": 7}}, "regions: a list or a comma-separated string"),
        ({"resource_type": {"value": "vpcs"}}, "resource_type: buckets or projects"),
    ],
)
def test_a_bad_rule_parameter_is_refused_with_its_name(parameters: Dict[str, Any], reason: str) -> None:
    with pytest.raises(EventError) as refused:
        parse_config(event(rule_parameter=parameters))
    assert reason in str(refused.value)
    assert str(refused.value).startswith("invalid Config rule event: ")


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("domain_id", "not-an-account", "domain_id: must be an account id"),
        ("trigger_type", "hourly", "trigger_type"),
        ("policy_assignment_id", "", "policy_assignment_id"),
        ("evaluation_hash", "", "evaluation_hash"),
    ],
)
def test_a_malformed_field_is_named_in_the_refusal(field: str, value: Any, where: str) -> None:
    with pytest.raises(EventError, match=where):
        parse_config(event(**{field: value}))


def test_the_model_is_frozen() -> None:
    parsed = parse_config(event())
    assert isinstance(parsed, ConfigEvent)
    with pytest.raises(ValueError):
        parsed.trigger_type = "resource"  # type: ignore[misc]
