"""Unwrap a delivery format down to the CTS traces it carries.

- CTS trigger: `{"cts": {...trace...}}`
- EventGrid CloudEvent: `{"specversion": "1.0", "type": ..., "source": ..., "data": trace}`;
  `data` may also be `{"cts": trace}` or a JSON string (both readings are handled).
- EventGrid batch: `{"events": [cloudevent, ...]}`
"""

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from ..untrusted import UntrustedJsonError, check_depth, parse_json

MAX_TRACES = 100


class EventError(ValueError):
    """The event cannot be understood; the message says what was expected."""


class Unauthenticated(EventError):
    """An APIG request that shows no authenticated caller (answered 401)."""


def describe(item: Any) -> str:
    """A pydantic error as field and problem, cut short: an unknown field's name is the sender's
    text, not ours."""
    location = ".".join(str(part)[:40] for part in item.get("loc") or ())
    message = str(item.get("msg", "invalid")).removeprefix("Value error, ")[:200]
    return f"{location}: {message}" if location else message


@dataclass(frozen=True)
class Rejected:
    """One item of a batch that could not be read: a value in the batch, so the rest goes on."""

    index: int
    reason: str


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)  # built on first CloudEvent

    specversion: str
    id: str
    source: str
    type: str
    data: Any = None


def _trace_of(data: Any) -> Any:
    if isinstance(data, str):
        try:
            data = parse_json(data)
        except UntrustedJsonError as error:
            raise EventError(f"CloudEvent data is a string but not usable JSON ({error})") from None
    if isinstance(data, dict) and isinstance(data.get("cts"), dict):
        return data["cts"]
    return data


def unwrap(event: Dict[str, Any]) -> List[Any]:
    """The raw traces a delivery carries (a Rejected value for each unreadable item of a batch);
    EventError for a malformed delivery."""
    if "cts" in event:
        return [event["cts"]]
    if "events" in event:
        items = event["events"]
        if not isinstance(items, list) or not items:
            raise EventError("'events' must be a non-empty list of CloudEvents")
        if len(items) > MAX_TRACES:
            raise EventError(f"'events' holds {len(items)} CloudEvents; at most {MAX_TRACES} are accepted")
        return [_item(item, index) for index, item in enumerate(items)]
    return [_cloud_event_trace(event, None)]


def _item(item: Any, index: int) -> Any:
    """One CloudEvent of a batch; a malformed one becomes a Rejected value, so the others still count."""
    try:
        return _cloud_event_trace(item, index)
    except EventError as error:
        return Rejected(index, str(error))


def _cloud_event_trace(item: Any, index: Optional[int]) -> Any:
    where = "CloudEvent" if index is None else f"events[{index}]"
    if not isinstance(item, dict):
        raise EventError(f"{where} must be a JSON object")
    try:
        check_depth(item)
    except UntrustedJsonError as error:
        raise EventError(f"{where}: {error}") from None
    try:
        cloud_event = CloudEvent.model_validate(item)
    except ValidationError as error:
        missing = sorted({str(problem["loc"][0]) for problem in error.errors() if problem.get("loc")})
        raise EventError(f"{where} is not a CloudEvent 1.0: bad or missing {', '.join(missing)}") from None
    if cloud_event.data is None:
        raise EventError(f"{where} has no data")
    return _trace_of(cloud_event.data)
