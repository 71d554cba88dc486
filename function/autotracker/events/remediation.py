"""Config's remediation calling this function for one noncompliant resource: a backfill of it.

The remediation configuration the deployer writes (deployer/remediation.py) names the parameters:
`resource_parameter.resource_id = "resource_id"` (Config fills in the noncompliant resource's id)
and the static `resource_type` (`buckets` or `projects`; none on the periodic assignment, whose
noncompliant record is the account). Config's documentation gives the configuration, not the
body a FunctionGraph target receives, so both plausible shapes are read (docs/config-rule.md: "Config
remediation"):

    {"resource_id": "<bucket or project id>", "resource_type": "buckets", ...}
    {"parameters": {"resource_id": "...", "resource_type": "projects"}, ...}

Other top-level keys (what Config may add about the assignment) are ignored; inside
`parameters`, a name this function does not know is refused, as the rule's parameters are.
A remediation names what to act on; whether it is in scope (type, region, exclusions) is the
job's to say (jobs/remediate.py), never a reason to act on anything else.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..pipeline.rules import PROJECT_ID, bucket_name_problem
from .envelopes import EventError, describe
from .fanout import FANOUT

PARAMETERS = ("resource_id", "resource_type")
NESTED = "parameters"
RESOURCE_TYPES = ("buckets", "projects")


class RemediationParameters(BaseModel):
    """The remediation's parameters. `resource_type` is free text here: a type this function does
    not cover is answered (nothing done, and why), not refused as malformed."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    resource_id: str = Field(min_length=1, max_length=512)
    resource_type: Optional[str] = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _named(self) -> "RemediationParameters":
        """A bucket or project id that could not exist is malformed, not out of scope."""
        name = self.resource_id[:80]
        if self.resource_type == "buckets":
            problem = bucket_name_problem(self.resource_id)
            if problem:
                raise ValueError(f"resource_id: bucket name {name!r} {problem}")
        elif self.resource_type == "projects" and not PROJECT_ID.match(self.resource_id):
            raise ValueError(f"resource_id: project id {name!r} must be 1-64 letters, digits or '-'")
        return self


# The keys other sources are recognised by: an event holding one is never read as a remediation
# (a manual request with a stray resource_id stays a manual request, refused as such).
OTHER_SOURCES = ("invoking_event", "trigger_type", "action", FANOUT, "cts", "events", "specversion", "httpMethod")


def is_remediation(event: Dict[str, Any]) -> bool:
    """Names a resource_id (at the top or under `parameters`), and no other source's key."""
    if any(key in event for key in OTHER_SOURCES):
        return False
    nested = event.get(NESTED)
    return "resource_id" in event or (isinstance(nested, dict) and "resource_id" in nested)


def parse_remediation(event: Dict[str, Any]) -> RemediationParameters:
    nested = event.get(NESTED)
    if isinstance(nested, dict) and "resource_id" in nested:
        if "resource_id" in event:
            raise EventError("invalid Config remediation: resource_id both at the top level and under parameters")
        unknown = sorted(str(name)[:40] for name in nested if name not in PARAMETERS)
        if unknown:
            names = ", ".join(repr(name) for name in unknown[:5])
            raise EventError(
                f"invalid Config remediation: unknown parameter(s) {names}; this function takes {', '.join(PARAMETERS)}"
            )
        values = nested
    else:
        values = {name: event[name] for name in PARAMETERS if name in event}
    try:
        return RemediationParameters.model_validate(values)
    except ValidationError as error:
        raise EventError(
            "invalid Config remediation: " + "; ".join(describe(item) for item in error.errors())
        ) from None
