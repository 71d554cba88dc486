"""The deployment template (`template.yaml`): its schema, and loading with errors that name the field.

One template describes one deployment of the function in one region: the function, its agency
and least-privilege policy, the SMN report topic, its triggers and its async-invoke settings.
Everything the services would refuse is refused here first, with the field's path in the message.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import importlib.util
import json
import pathlib
import pkgutil
import re
from typing import Any, Dict, FrozenSet, List, Literal, Optional, Tuple, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from typing_extensions import Annotated

from autotracker.settings import SECRET_VARIABLES, VARIABLES, ConfigurationError, Settings, load_settings
from deployer.policy import Grant, grants_for

RUNTIMES: Tuple[str, ...] = ("Python3.9", "Python3.10", "Python3.12")  # FunctionGraph's Python runtimes, 3.9 on
# Field names this template used to have, or that other tools use, and FunctionGraph's own name for each
RENAMED: Dict[str, str] = {
    "memory_mb": "memory_size",
    "memory": "memory_size",
    "timeout_s": "timeout",
    "environment": "user_data",
    "env": "user_data",
    "encrypted_environment": "encrypted_user_data",
    "xrole": "the template's agency section",
}
MEMORY_SIZES: Tuple[int, ...] = (128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096)
MAX_USER_VARIABLES = 20  # FunctionGraph: user variables per function
MAX_USER_DATA_BYTES = 4096  # FunctionGraph: total size of the variables (JSON)
DERIVED_VARIABLES: Tuple[str, ...] = ("REGION", "SMN_TOPIC_URN")  # set by the deployer per region
GLOBAL_TRACE_SERVICES: Tuple[str, ...] = ("IAM", "Organizations")  # traced in one region only (iam_trace_region)
CTS_TRIGGER_MAX_SERVICES = 10
CTS_TRIGGER_MAX_OPERATIONS_PER_SERVICE = 10
PLACEHOLDER_PROJECT_ID = "0" * 32

_REGION = re.compile(r"^[a-z]{2,}(-[a-z0-9]+)+$")
_FUNCTION_NAME = re.compile(r"^[A-Za-z]([A-Za-z0-9_-]{0,58}[A-Za-z0-9])?$")
_APP_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,59}$")
_AGENCY_NAME = re.compile(r"^[A-Za-z0-9 ._-]{1,64}$")
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$")
_VARIABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ACTION = re.compile(r"^[a-z][a-z0-9]*:[A-Za-z][A-Za-z0-9]*:[A-Za-z][A-Za-z0-9]*$")
_OPERATION = re.compile(r"^(?P<service>[A-Za-z][A-Za-z0-9]*):[A-Za-z][A-Za-z0-9_]*:[A-Za-z][A-Za-z0-9_]*$")
_CTS_TRIGGER_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")
_TIMER_TRIGGER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_APIG_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{2,63}$")
_EG_SOURCE = re.compile(r"^HC\.[A-Z][A-Za-z0-9]{1,31}$")

# FunctionGraph cron: second minute hour day-of-month month day-of-week; or "@every 1h30m".
_CRON_FIELDS = (
    ("second", 0, 59),
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day-of-month", 1, 31),
    ("month", 1, 12),
    ("day-of-week", 1, 7),
)
_CRON_NAMES = {
    "month": "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC",
    "day-of-week": "SUN|MON|TUE|WED|THU|FRI|SAT",
}
_EVERY = re.compile(r"^@every (\d+h)?(\d+m)?(\d+s)?$")


class TemplateError(Exception):
    """Every problem with a template, one per line, each starting with the field's path."""

    def __init__(self, source: str, problems: List[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source} is invalid:\n" + "\n".join(f"  - {problem}" for problem in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        """An unknown field is refused with the name it most likely meant (FunctionGraph's own)."""
        if isinstance(data, dict):
            known = set(cls.model_fields)
            for key in data:
                if isinstance(key, str) and key not in known:
                    hint = RENAMED.get(key) or next(iter(difflib.get_close_matches(key, sorted(known), 1)), None)
                    if hint:
                        raise ValueError(f"unknown field {key!r}: use {hint!r}")
        return data


def _match(pattern: re.Pattern[str], what: str) -> Any:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return check


def cron_problem(expression: str) -> str:
    """Why a FunctionGraph cron expression is malformed, or '' when its shape is right."""
    if expression.startswith("@every"):
        found = _EVERY.match(expression)
        return "" if found and any(found.groups()) else "'@every' needs a duration such as 1h30m"
    fields = expression.split()
    if len(fields) != len(_CRON_FIELDS):
        return "needs 6 fields: second minute hour day-of-month month day-of-week"
    for value, (name, low, high) in zip(fields, _CRON_FIELDS):
        if value == "?" and name in ("day-of-month", "day-of-week"):
            continue
        names = _CRON_NAMES.get(name)
        for part in value.split(","):
            base, _, step = part.partition("/")
            if step and not step.isdigit():
                return f"{name}: step {step!r} is not a number"
            bounds = [] if base == "*" else base.split("-")
            for bound in bounds:
                if name == "day-of-week":
                    bound = re.sub(r"(#[1-5]|L)$", "", bound)
                elif name == "day-of-month" and bound not in ("L", "LW"):
                    bound = re.sub(r"W$", "", bound)
                if bound.isdigit():
                    if not low <= int(bound) <= high:
                        return f"{name}: {bound} is outside {low}-{high}"
                elif not (names and re.fullmatch(names, bound.upper())) and bound not in ("L", "W", "LW"):
                    return f"{name}: {bound!r} is not a value"
    return ""


class FunctionSpec(_Strict):
    """The FunctionGraph function. `encrypted_user_data` lists names only: their values are read
    from the deployer's environment at deploy time and sent as encrypted user data."""

    name: str
    app: str = "default"
    runtime: Literal["Python3.9", "Python3.10", "Python3.12"]
    handler: Literal["index.handler"] = "index.handler"
    memory_size: int
    timeout: int = Field(ge=3, le=900)
    description: str = Field(default="", max_length=512)
    user_data: Dict[str, str] = Field(default_factory=dict)
    encrypted_user_data: List[str] = Field(default_factory=list)

    _name = field_validator("name")(_match(_FUNCTION_NAME, "1-60 letters, digits, '_' or '-', starting with a letter"))
    _app = field_validator("app")(_match(_APP_NAME, "an application name (letters, digits, '_' or '-')"))

    @field_validator("memory_size")
    @classmethod
    def _memory(cls, value: int) -> int:
        if value not in MEMORY_SIZES:
            raise ValueError("must be one of " + ", ".join(map(str, MEMORY_SIZES)))
        return value

    @field_validator("user_data", mode="before")
    @classmethod
    def _scalars_to_text(cls, value: Any) -> Any:
        """YAML reads `180` and `true` as numbers and booleans; FunctionGraph variables are text."""
        return _as_text(value)

    @field_validator("user_data")
    @classmethod
    def _user_data(cls, value: Dict[str, str]) -> Dict[str, str]:
        _check_variable_names(list(value))
        return value

    @field_validator("encrypted_user_data")
    @classmethod
    def _encrypted(cls, value: List[str]) -> List[str]:
        _check_variable_names(value)
        if len(set(value)) != len(value):
            raise ValueError("names must not repeat")
        return value

    @model_validator(mode="after")
    def _disjoint(self) -> "FunctionSpec":
        both = sorted(set(self.user_data) & set(self.encrypted_user_data))
        if both:
            raise ValueError(f"function.encrypted_user_data: {', '.join(both)} also in function.user_data")
        return self


def _as_text(value: Any) -> Any:
    """YAML's numbers, booleans and nulls in a variable mapping as the text FunctionGraph stores."""
    if not isinstance(value, dict):
        return value
    out: Dict[Any, Any] = {}
    for key, item in value.items():
        if isinstance(item, bool):
            item = "true" if item else "false"
        elif isinstance(item, (int, float)):
            item = str(item)
        elif item is None:
            item = ""
        out[key] = item
    return out


def _variable_problem(name: str) -> str:
    if not _VARIABLE_NAME.match(name):
        return f"{name!r} is not a variable name (a letter, then letters, digits or '_')"
    if name in DERIVED_VARIABLES:
        return f"{name} is set by the deployer for the region it deploys to; remove it"
    if name not in VARIABLES:
        near = difflib.get_close_matches(name, VARIABLES, 1)
        hint = f": did you mean {near[0]}?" if near else " (autotracker.settings.VARIABLES)"
        return f"{name} is not a variable the function reads{hint}"
    return ""


def _check_variable_names(names: List[str]) -> None:
    """Every bad name at once, one line each (each with its nearest known name)."""
    problems = [problem for problem in map(_variable_problem, names) if problem]
    if problems:
        raise ValueError("\n".join(problems))


@functools.lru_cache(maxsize=None)
def known_regions() -> FrozenSet[str]:
    """Every region id an installed official SDK (`huaweicloudsdk*`) knows: the union of their
    `v*/region/*_region.py` tables, read from the packages, never copied here."""
    regions: set = set()
    for module in pkgutil.iter_modules():
        if not module.name.startswith("huaweicloudsdk") or module.name == "huaweicloudsdkcore":
            continue
        spec = importlib.util.find_spec(module.name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            for path in sorted(pathlib.Path(location).glob("v*/region/*_region.py")):
                table = importlib.import_module(f"{module.name}.{path.parent.parent.name}.region.{path.stem}")
                for value in vars(table).values():
                    regions.update(getattr(value, "static_fields", None) or {})
    return frozenset(regions)


_LOOKALIKES = str.maketrans({"l": "1", "i": "1", "o": "0"})


def _region(value: str) -> str:
    if not _REGION.match(value):
        raise ValueError(f"{value!r} is not a region id such as ap-southeast-1")
    known = known_regions()
    if known and value not in known:
        stem, _, number = value.rpartition("-")
        lookalike = f"{stem}-{number.translate(_LOOKALIKES)}"  # ap-southeast-l: a letter typed for a digit
        near = [lookalike] if lookalike in known else difflib.get_close_matches(value, sorted(known), 1)
        hint = f": did you mean {near[0]}?" if near else ""
        raise ValueError(f"{value!r} is not a region the Huawei Cloud SDKs know{hint}")
    return value


class AgencySpec(_Strict):
    """The function's agency (trusting FunctionGraph). Its permissions are not listed here: they
    are derived from the function's environment (`deployer/policy.py`, shown by `--plan`)."""

    name: str

    _name = field_validator("name")(_match(_AGENCY_NAME, "1-64 letters, digits, spaces, '.', '_' or '-'"))

    @model_validator(mode="before")
    @classmethod
    def _no_action_list(cls, value: Any) -> Any:
        if isinstance(value, dict) and "actions" in value:
            raise ValueError(
                "actions: remove the list; the agency is granted exactly what the function's environment "
                "needs (see `scripts/deploy.py --plan`)"
            )
        return value


class TopicSpec(_Strict):
    """The SMN topic the function reports to (its URN becomes SMN_TOPIC_URN)."""

    name: str
    display_name: str = Field(min_length=1)

    _name = field_validator("name")(_match(_TOPIC_NAME, "1-255 letters, digits, '_' or '-'"))

    @field_validator("display_name")
    @classmethod
    def _display(cls, value: str) -> str:
        if len(value.encode("utf-8")) > 192:
            raise ValueError("at most 192 bytes")
        return value


class CtsTrigger(_Strict):
    """Fires on CTS traces of these operations (`Service:resource_type:trace_name`) recorded in the
    function's region."""

    type: Literal["CTS"]
    name: str
    operations: List[str] = Field(min_length=1)

    _name = field_validator("name")(_match(_CTS_TRIGGER_NAME, "1-64 letters, digits or '_'"))

    @field_validator("operations")
    @classmethod
    def _operations(cls, value: List[str]) -> List[str]:
        bad = [op for op in value if not _OPERATION.match(op)]
        if bad:
            raise ValueError("not Service:resource_type:trace_name: " + ", ".join(bad))
        if len(set(value)) != len(value):
            raise ValueError("operations must not repeat")
        per_service: Dict[str, int] = {}
        for op in value:
            service = op.split(":", 1)[0]
            per_service[service] = per_service.get(service, 0) + 1
        if len(per_service) > CTS_TRIGGER_MAX_SERVICES:
            raise ValueError(f"at most {CTS_TRIGGER_MAX_SERVICES} services per CTS trigger")
        crowded = [s for s, n in per_service.items() if n > CTS_TRIGGER_MAX_OPERATIONS_PER_SERVICE]
        if crowded:
            raise ValueError(f"at most {CTS_TRIGGER_MAX_OPERATIONS_PER_SERVICE} operations per service: {crowded}")
        global_ = {s for s in per_service if s in GLOBAL_TRACE_SERVICES}
        if global_ and len(per_service) > len(global_):
            raise ValueError(
                "operations of global services (" + ", ".join(sorted(global_)) + ") are traced only in "
                "iam_trace_region: give them a trigger of their own"
            )
        return value

    @property
    def services(self) -> List[str]:
        return sorted({op.split(":", 1)[0] for op in self.operations})

    @property
    def global_services(self) -> List[str]:
        return [service for service in self.services if service in GLOBAL_TRACE_SERVICES]


class TimerTrigger(_Strict):
    """Runs the baseline sweep on a FunctionGraph cron schedule."""

    type: Literal["TIMER"]
    name: str
    cron: str
    user_event: str = Field(default="", max_length=4096)

    _name = field_validator("name")(
        _match(_TIMER_TRIGGER_NAME, "1-64 letters, digits, '_' or '-', starting with a letter")
    )

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        value = " ".join(value.split())
        problem = cron_problem(value)
        if problem:
            raise ValueError(f"{value!r}: {problem}")
        return value


class ApigTrigger(_Strict):
    """An HTTPS API in an existing API Gateway group that calls the function synchronously with a
    manual request (docs/security.md, "Who may call the APIG trigger"). IAM authentication only: the API can
    create trackers, so an anonymous (NONE) or app-key (APP) API is refused here."""

    type: Literal["APIG"]
    name: str  # the API's name
    group_id: str = Field(min_length=1, max_length=64)
    instance_id: Optional[str] = Field(default=None, max_length=64)  # a dedicated gateway's instance
    env_name: str = "RELEASE"
    env_id: str = "DEFAULT_ENVIRONMENT_RELEASE_ID"
    path: str = "/cts-autotracker"
    req_method: Literal["POST"] = "POST"
    protocol: Literal["HTTPS"] = "HTTPS"
    auth: str = "IAM"

    _name = field_validator("name")(_match(_APIG_NAME, "3-64 letters, digits or '_', starting with a letter"))
    _path = field_validator("path")(_match(re.compile(r"^/[A-Za-z0-9_./-]{0,127}$"), "an API path such as /cts"))

    @field_validator("auth")
    @classmethod
    def _iam_only(cls, value: str) -> str:
        if value != "IAM":
            raise ValueError(f"{value!r}: only IAM: the API can create trackers, so every caller must be authenticated")
        return value

    def event_data(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {
            "name": self.name,
            "group_id": self.group_id,
            "env_name": self.env_name,
            "env_id": self.env_id,
            "path": self.path,
            "req_method": self.req_method,
            "protocol": self.protocol,
            "auth": self.auth,
            "match_mode": "NORMAL",
            "type": 1,  # a public API
        }
        if self.instance_id:
            data["instance_id"] = self.instance_id
        return data


# Every CTS-derived event type of OBS (the Terraform provider's EventGrid examples): a bucket created
# by the console, an SDK, a service or as OBS's documented createBucket trace (`trace_type` Others)
# arrives under a different one, so subscribing to fewer misses creations.
OBS_CLOUDTRACE_TYPES = tuple(
    f"OBS:CloudTrace:{kind}" for kind in ("ApiCall", "ObsSDK", "ConsoleAction", "SystemAction", "Others")
)


class EventGridTrigger(_Strict):
    """EventGrid delivers the CTS-derived events of a cloud service (source `HC.OBS`, by default
    all of OBS's CloudTrace types) from a channel to the function; the function keeps the
    creations and skips every other operation."""

    type: Literal["EVENTGRID"]
    name: str  # the trigger's name
    channel_id: str = Field(min_length=1, max_length=64)
    channel_name: str = "default"
    source_name: str = "HC.OBS"
    event_types: List[str] = Field(default_factory=lambda: list(OBS_CLOUDTRACE_TYPES))
    agency: str = "EG_TARGET_AGENCY"  # the agency EventGrid invokes the function with

    _name = field_validator("name")(
        _match(_TIMER_TRIGGER_NAME, "1-64 letters, digits, '_' or '-', starting with a letter")
    )
    _source = field_validator("source_name")(
        _match(re.compile(r"^HC\.[A-Z][A-Za-z0-9]{1,31}$"), "a source such as HC.OBS")
    )

    @field_validator("event_types")
    @classmethod
    def _types(cls, value: List[str]) -> List[str]:
        bad = [t for t in value if not re.match(r"^[A-Z][A-Za-z0-9]*:CloudTrace:[A-Za-z]+$", t)]
        if bad or not value:
            raise ValueError("CTS-derived event types such as OBS:CloudTrace:ApiCall: " + ", ".join(bad))
        return value

    def event_data(self) -> Dict[str, Any]:
        return {
            "name": self.name,
            "trigger_name": self.name,
            "channel_id": self.channel_id,
            "channel_name": self.channel_name,
            "source_name": self.source_name,
            "event_types": list(self.event_types),
            "agency": self.agency,
        }


Trigger = Annotated[Union[CtsTrigger, TimerTrigger, ApigTrigger, EventGridTrigger], Field(discriminator="type")]


class OnFailure(_Strict):
    """Where FunctionGraph sends an async event whose retries are exhausted: an SMN topic by name
    (the template's own topic, or an existing one in the same region)."""

    smn_topic: str

    _topic = field_validator("smn_topic")(_match(_TOPIC_NAME, "an SMN topic name"))


class AsyncInvoke(_Strict):
    """FunctionGraph async-invoke settings: retried when the handler raises (docs/results.md)."""

    max_async_retry_attempts: int = Field(default=2, ge=0, le=3)
    max_async_event_age_in_seconds: int = Field(default=3600, ge=1, le=86400)
    on_failure: Optional[OnFailure] = None


CONFIG_PERIODS = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
CONFIG_RESOURCES = (("buckets", "obs"), ("projects", "iam"))  # (type, provider): one assignment each


class Remediation(_Strict):
    """Config's remediation of our rule's noncompliant resources by the function itself
    (CreateOrUpdateRemediationConfiguration: `target_type: fgs`, the function's URN). The bounds
    and defaults are the API's: 1-25 attempts within 60-43,200 seconds."""

    automatic: bool = False
    maximum_attempts: int = Field(default=5, ge=1, le=25)
    retry_attempt_seconds: int = Field(default=3600, ge=60, le=43200)


REMEDIATION_RESOURCE_PARAMETER = "resource_id"  # the parameter Config passes the resource id in


class ConfigRule(_Strict):
    """A Config (RMS) custom rule backed by the function. An assignment has either a resource
    filter (evaluated when a matching resource changes) or a period, never both (the provider's
    `huaweicloud_rms_policy_assignment` and Config refuse the pair): so one assignment per
    resource type, OBS buckets and IAM projects, and one periodic assignment over both."""

    name: str = Field(min_length=1, max_length=55)  # + "-buckets" / "-projects" / "-period" within 64
    period: Literal["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"] = "TwentyFour_Hours"
    description: str = Field(default="Every OBS bucket and project is covered by a CTS tracker", max_length=256)
    agency: str = "rms_tracker_agency"  # the agency Config invokes the function with
    data_events: Optional[str] = None  # rule parameter: READ, WRITE or READ,WRITE
    regions: List[str] = Field(default_factory=list)  # rule parameter
    remediation: Optional[Remediation] = None  # off unless the section is present

    _name = field_validator("name")(_match(re.compile(r"^[A-Za-z0-9_.-]{1,55}$"), "letters, digits, '_', '-', '.'"))

    def assignments(self, function_urn: str) -> List[Dict[str, Any]]:
        """The CreatePolicyAssignments bodies, in order: buckets, projects, period."""
        common: Dict[str, Any] = {}
        if self.data_events:
            common["data_events"] = {"value": self.data_events}
        if self.regions:
            common["regions"] = {"value": ",".join(self.regions)}
        custom = {"function_urn": function_urn, "auth_type": "agency", "auth_value": {"agency_name": self.agency}}
        out = []
        for resource_type, provider in CONFIG_RESOURCES:
            out.append(
                {
                    "policy_assignment_type": "custom",
                    "name": f"{self.name}-{resource_type}",
                    "description": self.description,
                    "policy_filter": {"resource_provider": provider, "resource_type": resource_type},
                    "custom_policy": custom,
                    "parameters": {"resource_type": {"value": resource_type}, **common},
                }
            )
        out.append(
            {
                "policy_assignment_type": "custom",
                "name": f"{self.name}-period",
                "description": self.description,
                "period": self.period,
                "custom_policy": custom,
                "parameters": common,
            }
        )
        return out

    def remediations(self, function_urn: str) -> Dict[str, Dict[str, Any]]:
        """The CreateOrUpdateRemediationConfiguration body of each assignment, by assignment name
        (none without a `remediation` section). The function receives the resource's id in
        `resource_id` and, for a typed assignment, the resource type as a static parameter; the
        periodic assignment names no type (its record is the account)."""
        spec = self.remediation
        if spec is None:
            return {}
        out = {}
        for assignment in self.assignments(function_urn):
            static = []
            kind = assignment["parameters"].get("resource_type")
            if kind:
                static.append({"var_key": "resource_type", "var_value": kind["value"]})
            out[assignment["name"]] = {
                "target_type": "fgs",
                "target_id": function_urn,
                "automatic": spec.automatic,
                "maximum_attempts": spec.maximum_attempts,
                "retry_attempt_seconds": spec.retry_attempt_seconds,
                "resource_parameter": {"resource_id": REMEDIATION_RESOURCE_PARAMETER},
                "static_parameter": static,
                "auth_type": "agency",
                "auth_value": self.agency,
            }
        return out


class Template(_Strict):
    """A whole deployment in one region."""

    region: str
    iam_trace_region: str
    function: FunctionSpec
    agency: AgencySpec
    smn_topic: TopicSpec
    triggers: List[Trigger] = Field(default_factory=list)
    async_invoke: AsyncInvoke = Field(default_factory=AsyncInvoke)
    config_rule: Optional[ConfigRule] = None

    @field_validator("region", "iam_trace_region")
    @classmethod
    def _regions(cls, value: str) -> str:
        return _region(value)

    @model_validator(mode="after")
    def _coherent(self) -> "Template":
        problems: List[str] = []
        seen: Dict[Tuple[str, str], int] = {}
        for index, trigger in enumerate(self.triggers):
            key = (trigger.type, trigger.name)
            if key in seen:
                problems.append(f"triggers[{index}].name: {trigger.type} trigger {trigger.name!r} repeats")
            seen[key] = index
        env = self.function.user_data
        for name in sorted(set(env) & set(SECRET_VARIABLES)):  # plain variables show in the console and the API
            problems.append(f"function.user_data.{name}: a secret: list it in function.encrypted_user_data instead")
        count = len(env) + len(self.function.encrypted_user_data) + len(DERIVED_VARIABLES)
        if count > MAX_USER_VARIABLES:
            problems.append(
                f"function.user_data: {count} variables with encrypted_user_data and the deployer's "
                f"{', '.join(DERIVED_VARIABLES)}; FunctionGraph allows {MAX_USER_VARIABLES}"
            )
        size = len(json.dumps(self.user_data(PLACEHOLDER_PROJECT_ID), separators=(",", ":")).encode("utf-8"))
        if size > MAX_USER_DATA_BYTES:
            problems.append(f"function.user_data: {size} bytes as JSON; FunctionGraph allows {MAX_USER_DATA_BYTES}")
        problems.extend(self._settings_problems())
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _settings_problems(self) -> List[str]:
        """The function's own configuration check, run on what it will receive."""
        try:
            load_settings(self.user_data(PLACEHOLDER_PROJECT_ID))
        except ConfigurationError as error:
            encrypted = tuple(f"{name}:" for name in self.function.encrypted_user_data)
            return [f"function.user_data.{p}" for p in error.problems if not p.startswith(encrypted)]
        return []

    # ----- derived values ------------------------------------------------------------------
    def topic_urn(self, project_id: str, name: Optional[str] = None) -> str:
        return f"urn:smn:{self.region}:{project_id}:{name or self.smn_topic.name}"

    def settings(self) -> Settings:
        """The function's settings as deployed. An encrypted variable is known to be set, not its
        value: an id-like stand-in takes its place (enough for KMS_KEY_ID, the one that changes the
        grants), unless the stand-in is not valid there."""
        values = self.user_data(PLACEHOLDER_PROJECT_ID)
        stand_ins = {name: "0" * 36 for name in self.function.encrypted_user_data}
        try:
            return load_settings({**values, **stand_ins})
        except ConfigurationError:
            return load_settings(values)

    def grants(self) -> List[Grant]:
        """What the agency is granted: exactly what the configured function can call."""
        return grants_for(self.settings(), (self.function.app, self.function.name), self.config_rule is not None)

    def user_data(self, project_id: str) -> Dict[str, str]:
        """The function's plain variables: the template's plus REGION and SMN_TOPIC_URN."""
        return {**self.function.user_data, "REGION": self.region, "SMN_TOPIC_URN": self.topic_urn(project_id)}

    def skip_reason(self, trigger: CtsTrigger) -> Optional[str]:
        """Why this CTS trigger cannot fire in this region (IAM traces live in one region only)."""
        if trigger.global_services and self.region != self.iam_trace_region:
            services = ", ".join(trigger.global_services)
            return (
                f"{services} traces are recorded only in {self.iam_trace_region} and a CTS trigger fires only "
                f"for traces in its function's region ({self.region}); deploy a copy with --region "
                f"{self.iam_trace_region} or rely on the timer sweep"
            )
        return None

    @property
    def cts_triggers(self) -> List[CtsTrigger]:
        return [trigger for trigger in self.triggers if isinstance(trigger, CtsTrigger)]

    @property
    def timer_triggers(self) -> List[TimerTrigger]:
        return [trigger for trigger in self.triggers if isinstance(trigger, TimerTrigger)]

    @property
    def api_triggers(self) -> List[Union[ApigTrigger, EventGridTrigger]]:
        """APIG and EventGrid triggers: their event data is their own."""
        return [trigger for trigger in self.triggers if isinstance(trigger, (ApigTrigger, EventGridTrigger))]

    def for_region(self, region: str) -> "Template":
        """The same deployment in another region (validated again)."""
        return parse_template({**self.model_dump(), "region": region}, f"--region {region}")


def _path(location: Tuple[Any, ...]) -> str:
    """('triggers', 0, 'CTS', 'name') -> 'triggers[0].name' (the union tag is dropped)."""
    out = ""
    previous: Any = None
    for part in location:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(previous, int) and part in ("CTS", "TIMER"):
            pass
        else:
            out += f".{part}" if out else str(part)
        previous = part
    return out


def _describe(item: Dict[str, Any]) -> List[str]:
    message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
    where = _path(tuple(item.get("loc") or ()))
    kind = item.get("type")
    if kind == "missing":
        message = "required"
    elif kind == "extra_forbidden":
        message = "unknown field"
    lines = message.split("\n")
    if not where:
        return lines
    return [line if line.startswith((where + ".", where + ":")) else f"{where}: {line}" for line in lines]


def parse_template(data: Any, source: str = "template") -> Template:
    """Validate already-loaded data; TemplateError lists every problem."""
    if not isinstance(data, dict):
        raise TemplateError(source, ["the template must be a mapping of sections (region, function, ...)"])
    try:
        return Template.model_validate(data)
    except ValidationError as error:
        problems: List[str] = []
        for item in error.errors():
            problems.extend(_describe(dict(item)))
        # A bad field stops the whole-template check: still run the function's own check on its
        # variables, so a bad memory_size never hides a bad TRACE_LIFECYCLE_DAYS.
        problems.extend(problem for problem in _variables_problems(data) if problem not in problems)
        raise TemplateError(source, problems) from None


def _variables_problems(data: Dict[str, Any]) -> List[str]:
    """The function's configuration check on the template's known variables as written (the
    derived REGION and SMN_TOPIC_URN are judged at their own fields, the encrypted ones unseen)."""
    function = data.get("function")
    if not isinstance(function, dict) or not isinstance(_as_text(function.get("user_data")), dict):
        return []
    values: Dict[str, str] = {
        name: value
        for name, value in _as_text(function["user_data"]).items()
        if name in VARIABLES and isinstance(value, str)
    }
    region = "ap-southeast-1"  # a stand-in: the region field's own check reports a bad one
    values.update({"REGION": region, "SMN_TOPIC_URN": f"urn:smn:{region}:{PLACEHOLDER_PROJECT_ID}:topic"})
    encrypted = function.get("encrypted_user_data")
    unseen = [name for name in encrypted if isinstance(name, str)] if isinstance(encrypted, list) else []
    skipped = tuple(f"{name}:" for name in [*unseen, *DERIVED_VARIABLES])
    try:
        load_settings(values)
    except ConfigurationError as error:
        return [f"function.user_data.{p}" for p in error.problems if not p.startswith(skipped)]
    return []


def load_template(path: Union[str, pathlib.Path]) -> Template:
    """Read and validate a template file."""
    path = pathlib.Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TemplateError(str(path), [f"cannot read: {error.strerror}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise TemplateError(str(path), [f"not valid YAML{where}"]) from None
    return parse_template(data, str(path))
