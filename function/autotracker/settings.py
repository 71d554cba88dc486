"""Configuration: FunctionGraph environment variables, validated once, every problem named.

The variable names are the public contract (docs/configuration.md, template.yaml). Validation
happens before any cloud call so that a bad configuration creates nothing.
"""

import fnmatch
import re
from typing import Any, Callable, Dict, List, Literal, Mapping, Optional, Sequence, Tuple

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from .cloud.services import BY_NAME, SERVICES
from .pipeline.rules import COMPRESS_TYPES, DATA_EVENTS, FilePrefix, LifecycleDays, check_bucket_name

TOPIC_URN = re.compile(r"urn:smn:(?P<region>[a-z0-9-]+):(?P<project_id>[A-Za-z0-9]+):(?P<name>[A-Za-z0-9_-]{1,255})\Z")
REGION = re.compile(r"[a-z]{2,}(-[a-z0-9]+)+\Z")
AGENCY = "cts_admin_trust"
ACCOUNT_ID = re.compile(r"[A-Za-z0-9]{1,64}\Z")  # an account (domain) id: 32 hex characters on Huawei Cloud
AGENCY_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}\Z")  # IAM's rule for agency names
FUNCTION_URN = re.compile(
    r"urn:fss:(?P<region>[a-z0-9-]+):(?P<project_id>[A-Za-z0-9]+):function:(?P<package>[A-Za-z0-9_-]+)"
    r":(?P<name>[A-Za-z][A-Za-z0-9_-]{0,127})(?::(?P<version>[A-Za-z0-9_.-]+))?\Z"
)
MEMBER_AGENCY = "cts_autotracker_member"
REPORT_PREFIX = "cts-autotracker/reports/"
ACCOUNT_PLACEHOLDER = "{account_id}"  # in TRACE_BUCKET: each account's own transfer bucket

SECRET_VARIABLES: Tuple[str, ...] = ("FANOUT_KEY",)  # only ever set as encrypted user data
FANOUT_KEY_CHARS = (32, 512)
MAKE_FANOUT_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def _flag(value: Any) -> Any:
    """Accept the usual spellings of a boolean in an environment variable, nothing else."""
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError("must be true or false")
    return value


def _csv(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


class Settings(BaseModel):
    """What the function does, read from its environment variables."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    region: str = Field(alias="REGION")
    trace_bucket: Optional[str] = Field(default=None, alias="TRACE_BUCKET")
    trace_file_prefix: Optional[FilePrefix] = Field(default=None, alias="TRACE_FILE_PREFIX")
    trace_lifecycle_days: Optional[LifecycleDays] = Field(default=None, alias="TRACE_LIFECYCLE_DAYS")
    trace_compress: Optional[str] = Field(default=None, alias="TRACE_COMPRESS")
    trace_sort_by_service: Optional[bool] = Field(default=None, alias="TRACE_SORT_BY_SERVICE")
    data_events: Tuple[str, ...] = Field(default=DATA_EVENTS, alias="DATA_EVENTS")
    enable_lts: bool = Field(default=False, alias="ENABLE_LTS")
    enable_validation: bool = Field(default=False, alias="ENABLE_VALIDATION")
    kms_key_id: Optional[str] = Field(default=None, alias="KMS_KEY_ID")
    exclude_kms_datakey_traces: bool = Field(default=False, alias="EXCLUDE_KMS_DATAKEY_TRACES")
    organization_tracker: bool = Field(default=False, alias="ORGANIZATION_TRACKER")
    agency_name: Optional[Literal["cts_admin_trust"]] = Field(default="cts_admin_trust", alias="AGENCY_NAME")
    smn_topic_urn: Optional[str] = Field(default=None, alias="SMN_TOPIC_URN")
    exclude_buckets: Tuple[str, ...] = Field(default=(), alias="EXCLUDE_BUCKETS")
    dry_run: bool = Field(default=False, alias="DRY_RUN")
    retry_max_attempts: int = Field(default=5, ge=1, le=10, alias="RETRY_MAX_ATTEMPTS")
    retry_base_delay_ms: int = Field(default=500, ge=0, le=10_000, alias="RETRY_BASE_DELAY_MS")
    baseline_regions: Tuple[str, ...] = Field(default=(), alias="BASELINE_REGIONS")
    remediate_drift: bool = Field(default=False, alias="REMEDIATE_DRIFT")
    sweep_concurrency: int = Field(default=8, ge=1, le=64, alias="SWEEP_CONCURRENCY")
    priority_buckets: Tuple[str, ...] = Field(default=(), alias="PRIORITY_BUCKETS")
    quota_warn_percent: int = Field(default=90, ge=1, le=100, alias="QUOTA_WARN_PERCENT")
    raise_on_transient: bool = Field(default=True, alias="RAISE_ON_TRANSIENT")
    organization_sweep: bool = Field(default=False, alias="ORGANIZATION_SWEEP")
    member_agency_name: str = Field(default=MEMBER_AGENCY, alias="MEMBER_AGENCY_NAME")
    accounts: Tuple[str, ...] = Field(default=(), alias="ACCOUNTS")
    exclude_accounts: Tuple[str, ...] = Field(default=(), alias="EXCLUDE_ACCOUNTS")
    function_urn: Optional[str] = Field(default=None, alias="FUNCTION_URN")
    report_bucket: Optional[str] = Field(default=None, alias="REPORT_BUCKET")
    report_prefix: str = Field(default=REPORT_PREFIX, alias="REPORT_PREFIX")
    notify: Literal["always", "attention", "never"] = Field(default="always", alias="NOTIFY")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", alias="LOG_LEVEL")
    fanout_key: Optional[SecretStr] = Field(default=None, alias="FANOUT_KEY")  # signs the fan-out
    endpoints: Tuple[Tuple[str, str], ...] = ()  # (service, URL), from each service's endpoint variable

    _flags = field_validator(
        "trace_sort_by_service",
        "enable_lts",
        "enable_validation",
        "exclude_kms_datakey_traces",
        "organization_tracker",
        "dry_run",
        "remediate_drift",
        "raise_on_transient",
        "organization_sweep",
        mode="before",
    )(_flag)

    _optional_text = field_validator(
        "trace_bucket",
        "trace_file_prefix",
        "trace_lifecycle_days",
        "trace_compress",
        "kms_key_id",
        "smn_topic_urn",
        "function_urn",
        "report_bucket",
        mode="before",
    )(_blank_to_none)

    @field_validator("region", mode="before")
    @classmethod
    def _region(cls, value: Any) -> Any:
        if isinstance(value, str) and not REGION.match(value.strip()):
            raise ValueError("must be a region id such as ap-southeast-1")
        return value.strip() if isinstance(value, str) else value

    @field_validator("trace_bucket")
    @classmethod
    def _trace_bucket(cls, value: Optional[str]) -> Optional[str]:
        """A bucket name, or one with `{account_id}` in it (checked with a 32-character id in place)."""
        if value is not None:
            if value.count(ACCOUNT_PLACEHOLDER) > 1:
                raise ValueError(f"may hold {ACCOUNT_PLACEHOLDER} once")
            check_bucket_name(value.replace(ACCOUNT_PLACEHOLDER, "0" * 32))
        return value

    @field_validator("report_bucket")
    @classmethod
    def _report_bucket(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else check_bucket_name(value)

    @field_validator("report_prefix", mode="before")
    @classmethod
    def _report_prefix(cls, value: Any) -> Any:
        """An object key prefix: printable, no leading '/', at most 512 characters, ending in '/'."""
        if not isinstance(value, str):
            return value
        value = value.strip() or REPORT_PREFIX
        if value.startswith("/") or len(value) > 512 or not value.isprintable() or "\\" in value:
            raise ValueError("must be an object key prefix such as cts-autotracker/reports/ (no leading '/')")
        return value if value.endswith("/") else value + "/"

    @field_validator("notify", mode="before")
    @classmethod
    def _notify(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() not in ("always", "attention", "never"):
            raise ValueError("must be always, attention or never")
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("fanout_key", mode="before")
    @classmethod
    def _fanout_key(cls, value: Any) -> Any:
        """A key to sign with: 32-512 printable characters without blanks. Never echoed."""
        if isinstance(value, str):
            low, high = FANOUT_KEY_CHARS
            if not (low <= len(value) <= high) or not value.isprintable() or not value.isascii() or " " in value:
                raise ValueError(
                    f"must be {low}-{high} printable ASCII characters without blanks; make one with {MAKE_FANOUT_KEY}"
                )
        return value

    @field_validator("trace_compress")
    @classmethod
    def _compress(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and value.lower() not in COMPRESS_TYPES:
            raise ValueError("must be gzip or json")
        return None if value is None else value.lower()

    @field_validator("data_events", mode="before")
    @classmethod
    def _data_events(cls, value: Any) -> Any:
        events = _csv(value)
        if isinstance(events, list):
            upper = [event.upper() for event in events]
            unknown = sorted(set(upper) - set(DATA_EVENTS))
            if unknown:
                raise ValueError("only READ and WRITE are allowed, got " + ", ".join(unknown))
            if not upper:
                raise ValueError("must name at least one of READ, WRITE")
            return tuple(event for event in DATA_EVENTS if event in upper)
        return value

    @field_validator("agency_name", mode="before")
    @classmethod
    def _agency(cls, value: Any) -> Any:
        """The API's agency_name takes one value, cts_admin_trust; 'none' leaves the field out
        (the agency must then already exist, or CreateTracker answers CTS.0228)."""
        value = _blank_to_none(value)
        if isinstance(value, str) and value.lower() == "none":
            return None
        if value is not None and value != AGENCY:
            raise ValueError(f"must be {AGENCY} (the only agency CTS accepts) or none")
        return value

    @field_validator("smn_topic_urn")
    @classmethod
    def _topic(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not TOPIC_URN.match(value):
            raise ValueError("must look like urn:smn:{region}:{project_id}:{topic}")
        return value

    @field_validator("baseline_regions", mode="before")
    @classmethod
    def _regions(cls, value: Any) -> Any:
        regions = tuple(_csv(value)) if isinstance(value, str) else value
        bad = [region for region in regions or () if not REGION.match(str(region))]
        if bad:
            raise ValueError("not region ids: " + ", ".join(map(str, bad)))
        return regions

    @field_validator("exclude_buckets", "priority_buckets", mode="before")
    @classmethod
    def _globs(cls, value: Any) -> Any:
        return tuple(_csv(value)) if isinstance(value, str) else value

    @field_validator("accounts", "exclude_accounts", mode="before")
    @classmethod
    def _accounts(cls, value: Any) -> Any:
        ids = tuple(_csv(value)) if isinstance(value, str) else value
        bad = [item for item in ids or () if not ACCOUNT_ID.match(str(item))]
        if bad:
            raise ValueError("not account ids (letters and digits): " + ", ".join(str(item)[:80] for item in bad))
        return tuple(dict.fromkeys(ids or ()))

    @field_validator("member_agency_name", mode="before")
    @classmethod
    def _member_agency(cls, value: Any) -> Any:
        value = _blank_to_none(value) or MEMBER_AGENCY
        if isinstance(value, str) and not AGENCY_NAME.match(value):
            raise ValueError("must be an agency name: 1-64 letters, digits, '_', '-' or '.'")
        return value

    @field_validator("function_urn")
    @classmethod
    def _function_urn(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not FUNCTION_URN.match(value):
            raise ValueError("must look like urn:fss:{region}:{project_id}:function:{package}:{name}[:{version}]")
        return value

    @model_validator(mode="before")
    @classmethod
    def _gather_endpoints(cls, values: Any) -> Any:
        """Each service's endpoint variable (cloud/services.py), gathered into `endpoints`."""
        if not isinstance(values, dict):
            return values
        found = {s.name: values[s.endpoint_variable] for s in SERVICES if s.endpoint_variable in values}
        given = {name: value.strip() if isinstance(value, str) else value for name, value in found.items()}
        return {**values, "endpoints": tuple((name, value) for name, value in given.items() if value != "")}

    @field_validator("endpoints")
    @classmethod
    def _endpoint(cls, value: Tuple[Tuple[str, str], ...]) -> Tuple[Tuple[str, str], ...]:
        problems = [
            f"{BY_NAME[name].endpoint_variable}: must be a full URL such as https://cts.ap-southeast-1.myhuaweicloud.com"
            for name, url in value
            if not re.match(r"https?://[^\s/]+(/[^\s]*)?\Z", url)
        ]
        if problems:
            raise ValueError("\n".join(problems))
        return tuple((name, url.rstrip("/")) for name, url in value)

    @model_validator(mode="after")
    def _coherent(self) -> "Settings":
        problems = coherence_problems(
            self.trace_bucket is not None,
            self.enable_lts,
            bool(self.trace_file_prefix) or self.trace_lifecycle_days is not None,
            self.accounts,
            self.exclude_accounts,
            self.organization_sweep and self.fanout_key is None,
        )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def endpoint(self, service: str) -> Optional[str]:
        """The service's endpoint: its variable's, else a global service's one, else None (the SDK's region's)."""
        return dict(self.endpoints).get(service) or BY_NAME[service].default_endpoint

    @property
    def per_account_bucket(self) -> bool:
        """TRACE_BUCKET names each account's own bucket: it must be resolved before use."""
        return ACCOUNT_PLACEHOLDER in (self.trace_bucket or "")

    def for_account(self, account_id: str) -> "Settings":
        """The settings as they apply in one account: `{account_id}` in TRACE_BUCKET filled in."""
        if not self.per_account_bucket:
            return self
        return self.model_copy(
            update={"trace_bucket": (self.trace_bucket or "").replace(ACCOUNT_PLACEHOLDER, account_id)}
        )

    @property
    def scope_regions(self) -> Tuple[str, ...]:
        """Regions a sweep covers: BASELINE_REGIONS, else REGION."""
        return self.baseline_regions or (self.region,)

    @property
    def encrypt_trace_files(self) -> bool:
        return self.kms_key_id is not None

    def account_excluded(self, account_id: str) -> Optional[str]:
        """Why an organization sweep leaves this account out, or None."""
        if account_id in self.exclude_accounts:
            return "listed in EXCLUDE_ACCOUNTS"
        if self.accounts and account_id not in self.accounts:
            return "not listed in ACCOUNTS"
        return None

    def is_excluded(self, bucket: str) -> Optional[str]:
        """The EXCLUDE_BUCKETS pattern that matches the bucket, if any."""
        return next((glob for glob in self.exclude_buckets if fnmatch.fnmatchcase(bucket, glob)), None)


# Every variable the function reads: the settings' aliases and the services' endpoint variables.
VARIABLES: Tuple[str, ...] = tuple(
    [str(field.alias) for field in Settings.model_fields.values() if field.alias]
    + [service.endpoint_variable for service in SERVICES]
)


class ConfigurationError(Exception):
    """Every problem with the configuration, each naming its variable."""

    def __init__(self, problems: List[str]):
        super().__init__("invalid configuration: " + "; ".join(problems))
        self.problems = problems


def read_environment(environ: Mapping[str, str], user_data: Optional[Callable[[str], Any]] = None) -> Dict[str, str]:
    """Collect the known variables; FunctionGraph's getUserData also sees encrypted ones."""
    values: Dict[str, str] = {}
    for name in VARIABLES:
        value = environ.get(name)
        if value is None and user_data is not None:
            try:
                value = user_data(name) or None
            except Exception:  # noqa: BLE001 - a runtime without the variable is not an error
                value = None
        if value is not None and str(value).strip():  # blank means unset, as in the console
            values[name] = str(value)
    if "REGION" not in values and "SMN_TOPIC_URN" in values:
        match = TOPIC_URN.match(values["SMN_TOPIC_URN"].strip())
        if match:
            values["REGION"] = match.group("region")
    return values


def coherence_problems(
    has_bucket: bool,
    lts: bool,
    bucket_options: bool,
    accounts: Sequence[str],
    excluded: Sequence[str],
    unsigned_fanout: bool = False,
) -> List[str]:
    """What the variables get wrong together (each alone may be fine)."""
    problems = []
    if unsigned_fanout:
        problems.append(
            "FANOUT_KEY: required with ORGANIZATION_SWEEP=true (it signs the member sweeps the coordinator "
            f"queues); make one with {MAKE_FANOUT_KEY} and set it as encrypted user data "
            "(template.yaml function.encrypted_user_data)"
        )
    if not has_bucket and not lts:
        problems.append("TRACE_BUCKET: set a transfer bucket, or ENABLE_LTS=true, so that traces are kept")
    if not has_bucket and bucket_options:
        problems.append("TRACE_BUCKET: TRACE_FILE_PREFIX and TRACE_LIFECYCLE_DAYS need a transfer bucket")
    both = sorted(set(accounts) & set(excluded))
    if both:
        problems.append("EXCLUDE_ACCOUNTS: also listed in ACCOUNTS: " + ", ".join(both))
    return problems


_LOADED: Dict[Tuple[Tuple[str, str], ...], Settings] = {}  # warm invocations reuse validated settings


def load_settings(values: Mapping[str, str]) -> Settings:
    """Validate the variables; raise ConfigurationError listing every bad one at once: the
    variables' own problems, and what they get wrong together (checked on the raw values when
    a variable is invalid, so a missing REGION never hides a missing TRACE_BUCKET). The same
    variables give the same (frozen) settings: a warm container validates them once."""
    key = tuple(sorted(values.items()))
    known = _LOADED.get(key)
    if known is not None:
        return known
    try:
        settings = Settings.model_validate(dict(values))
    except ValidationError as error:
        problems = []
        for item in error.errors():
            problems.extend(_describe(item).split("\n"))
        raw = {name: str(value).strip() for name, value in values.items() if str(value).strip()}
        together = coherence_problems(
            "TRACE_BUCKET" in raw,
            lenient_flag(raw.get("ENABLE_LTS")),
            "TRACE_FILE_PREFIX" in raw or "TRACE_LIFECYCLE_DAYS" in raw,
            _csv(raw.get("ACCOUNTS", "")),
            _csv(raw.get("EXCLUDE_ACCOUNTS", "")),
            lenient_flag(raw.get("ORGANIZATION_SWEEP")) and "FANOUT_KEY" not in raw,
        )
        raise ConfigurationError(list(dict.fromkeys(problems + together))) from None
    if len(_LOADED) >= 16:
        _LOADED.clear()
    _LOADED[key] = settings
    return settings


def lenient_flag(value: Optional[str]) -> bool:
    """A boolean variable read without judging it (true only for a true spelling)."""
    return value is not None and value.strip().lower() in _TRUE


def _describe(item: Any) -> str:
    message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
    location = item.get("loc") or ()
    if not location:
        return message
    name = str(location[0])
    if name == "endpoints":  # each line names its variable
        return message
    if item.get("type") == "missing":
        extra = " (or set SMN_TOPIC_URN to derive it)" if name == "REGION" else ""
        return f"{name}: required{extra}"
    return f"{name}: {message}"
