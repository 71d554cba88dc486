"""A Config (RMS) custom-rule evaluation event, as the Config user guide's "Example Events" show it:

    {"domain_id", "policy_assignment_id", "policy_assignment_name", "function_urn",
     "trigger_type": "resource" | "period", "evaluation_time", "evaluation_hash",
     "rule_parameter": {"<name>": {"value": ...}},
     "invoking_event": {"id", "name", "provider", "type", "region_id", ...}}

A resource event's `invoking_event` is the resource record. A periodic event's is the *account*
record (`id` the account, `name` "Account", `provider` and `type` null, `region_id` "global"),
or absent. A bucket's record names the bucket twice (`id` and `name`): a record whose two names
disagree is refused, so what is judged and what is reported are one and the same bucket.

Rule parameters this rule knows: `data_events` (READ/WRITE, a list or comma-separated),
`regions` (a list or comma-separated region ids) and `resource_type` (`buckets` or `projects`,
the one kind a period evaluation reports: one assignment per resource type). Anything else is
refused, so a typo never silently evaluates against the defaults.
"""

from typing import Any, Dict, List, Literal, Optional, Tuple, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..pipeline.rules import DATA_EVENTS, bucket_name_problem
from ..settings import ACCOUNT_ID, REGION
from .envelopes import EventError, describe

RULE_PARAMETERS = ("data_events", "regions", "resource_type")
BUCKETS = ("obs", "buckets")  # (provider, type) as Config names them
PROJECTS = ("iam", "projects")


class RuleValue(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    value: Any = None


class InvokingEvent(BaseModel):
    """The evaluated record (a resource, or the account); only what the rule needs is read."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1, max_length=512)
    name: Optional[str] = Field(default=None, max_length=512)
    provider: Optional[str] = Field(default=None, min_length=1, max_length=64)
    type: Optional[str] = Field(default=None, min_length=1, max_length=64)
    region_id: Optional[str] = Field(default=None, max_length=64)

    @property
    def kind(self) -> Optional[Tuple[str, str]]:
        """(provider, type) in lower case; None for the account record (both null)."""
        if self.provider is None and self.type is None:
            return None
        return ((self.provider or "").lower(), (self.type or "").lower())

    @property
    def bucket(self) -> str:
        """The bucket a bucket record names (its `id`; `name`, when given, is the same)."""
        return self.id


class ConfigEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    domain_id: str
    policy_assignment_id: str = Field(min_length=1, max_length=128)
    policy_assignment_name: str = Field(min_length=1, max_length=256)
    function_urn: Optional[str] = None
    trigger_type: Literal["resource", "period"]
    evaluation_time: Union[int, str]
    evaluation_hash: str = Field(min_length=1, max_length=512)
    rule_parameter: Dict[str, RuleValue] = Field(default_factory=dict)
    invoking_event: Optional[InvokingEvent] = None

    @field_validator("domain_id")
    @classmethod
    def _domain(cls, value: str) -> str:
        if not ACCOUNT_ID.match(value):
            raise ValueError("must be an account id")
        return value

    @field_validator("rule_parameter")
    @classmethod
    def _known(cls, value: Dict[str, RuleValue]) -> Dict[str, RuleValue]:
        unknown = sorted(name for name in value if name not in RULE_PARAMETERS)
        if unknown:
            names = ", ".join(repr(name[:40]) for name in unknown[:5])
            raise ValueError(f"unknown rule parameter(s) {names}; this rule takes {', '.join(RULE_PARAMETERS)}")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> "ConfigEvent":
        record = self.invoking_event
        if self.trigger_type == "resource":
            if record is None:
                raise ValueError("a resource evaluation needs invoking_event")
            if record.kind not in (BUCKETS, PROJECTS):
                kind = "/".join(record.kind or ("null", "null"))
                raise ValueError(f"resource type {kind!r} is not evaluated by this rule (obs/buckets, iam/projects)")
            if record.kind == BUCKETS:
                _one_bucket(record)
        self.data_events  # noqa: B018 - each parameter is checked once, here
        self.regions  # noqa: B018
        self.resource_type  # noqa: B018
        return self

    @property
    def account_record(self) -> Optional[InvokingEvent]:
        """The account record a periodic evaluation names (None when it names none)."""
        record = self.invoking_event
        return record if self.trigger_type == "period" and record is not None and record.kind is None else None

    def _parameter(self, name: str) -> Any:
        found = self.rule_parameter.get(name)
        return None if found is None else found.value

    @property
    def data_events(self) -> Optional[Tuple[str, ...]]:
        """The `data_events` override, in the API's order."""
        names = _names(self._parameter("data_events"), "data_events")
        if names is None:
            return None
        upper = {name.upper() for name in names}
        if not upper or upper - set(DATA_EVENTS):
            raise ValueError("rule parameter data_events: READ and/or WRITE")
        return tuple(event for event in DATA_EVENTS if event in upper)

    @property
    def regions(self) -> Optional[Tuple[str, ...]]:
        names = _names(self._parameter("regions"), "regions")
        if names is None:
            return None
        bad = [name for name in names if not REGION.match(name)]
        if bad or not names:
            raise ValueError("rule parameter regions: region ids such as ap-southeast-1")
        return tuple(dict.fromkeys(names))

    @property
    def resource_type(self) -> Optional[str]:
        value = self._parameter("resource_type")
        if value is None:
            return None
        if value not in ("buckets", "projects"):
            raise ValueError("rule parameter resource_type: buckets or projects")
        return str(value)


def _one_bucket(record: InvokingEvent) -> None:
    """A bucket record names one valid bucket: judged and reported by that name alone."""
    if record.name is not None and record.name != record.id:
        raise ValueError(
            f"invoking_event names two buckets: id {record.id[:80]!r} and name {record.name[:80]!r} "
            "(a bucket's id is its name)"
        )
    problem = bucket_name_problem(record.id)
    if problem:
        raise ValueError(f"invoking_event.id: bucket name {record.id[:80]!r} {problem}")


def _names(value: Any, name: str) -> Optional[List[str]]:
    if value is None:
        return None
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value]
    raise ValueError(f"rule parameter {name}: a list or a comma-separated string")


def parse_config(event: Dict[str, Any]) -> ConfigEvent:
    try:
        return ConfigEvent.model_validate(event)
    except ValidationError as error:
        raise EventError("invalid Config rule event: " + "; ".join(describe(item) for item in error.errors())) from None
