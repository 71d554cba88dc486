"""Which source sent an event, what it asks for and which job does it: one ordered table.

Each row is a `Source`: `matches` is a cheap key check, `read` parses the event into `Work` and
raises EventError (or Unauthenticated) when it cannot, `job` names the module in jobs/ that does
the work, and APIG's row says how its caller is answered and how often it may be sent a report.
Rows are tried in order; the first that matches decides, once. Sweep sources import their models
(and jobs) only when such an event arrives, so a bucket event's cold start never pays for them.
A new trigger is one module here and one row.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, NamedTuple, Optional, Tuple, Union

from ..contract import Trigger
from ..untrusted import UntrustedJsonError, check_depth
from .envelopes import EventError, unwrap
from .fanout import FANOUT, FanoutRequest, verify

if TYPE_CHECKING:
    from .config import ConfigEvent
    from .manual import ManualRequest
    from .remediation import RemediationParameters

MAX_EVENT_BYTES = 256 * 1024  # FunctionGraph's async payload limit
MAX_EVENT_DEPTH = 400  # keeps the size check's encoder off the recursion limit; each CloudEvent is held to 32


class Work(NamedTuple):
    """What the event asks for: traces to cover (CTS, EventGrid), a sweep (timer, manual, APIG) or
    an evaluation (Config)."""

    trigger: Trigger
    traces: Optional[List[Any]] = None  # raw traces, or Rejected values for unreadable batch items
    manual: Optional["ManualRequest"] = None
    config: Optional["ConfigEvent"] = None
    remediation: Optional["RemediationParameters"] = None  # Config's remediation: the resource it names
    caller: Optional[str] = None  # the APIG caller, for the report rate limit
    fanout: Optional[FanoutRequest] = None  # the coordinator's verified request (FANOUT only)
    report_id: str = ""  # the same for every delivery and retry of one event: a reader can drop repeats

    @property
    def request(self) -> Optional[Union["ManualRequest", FanoutRequest]]:
        """The sweep's request, whoever sent it: a manual or APIG caller, or the coordinator."""
        return self.fanout if self.fanout is not None else self.manual


Reader = Callable[[Dict[str, Any], Optional[str]], Work]  # given FANOUT_KEY, which only the fan-out's reader uses


def _apig(event: Dict[str, Any], _key: Optional[str]) -> Work:
    from .apig import caller_of, request_body
    from .manual import parse_manual

    caller = caller_of(event)  # before the body is even read
    return Work(Trigger.APIG, manual=parse_manual(request_body(event)), caller=caller)


def _timer(event: Dict[str, Any], _key: Optional[str]) -> Work:
    from .timer import parse_timer

    parse_timer(event)
    return Work(Trigger.TIMER)


def _config(event: Dict[str, Any], _key: Optional[str]) -> Work:
    from .config import parse_config

    return Work(Trigger.CONFIG, config=parse_config(event))


def _remediation(event: Dict[str, Any], _key: Optional[str]) -> Work:
    from .remediation import parse_remediation

    return Work(Trigger.REMEDIATION, remediation=parse_remediation(event))


def _is_remediation(event: Dict[str, Any]) -> bool:
    from .remediation import is_remediation

    return is_remediation(event)


def _fanout(event: Dict[str, Any], key: Optional[str]) -> Work:
    """A member sweep the coordinator queued: verified with FANOUT_KEY first (`fanout.verify`),
    so only the coordinator's own request is FANOUT (it may raise for FunctionGraph's retry and
    files its report under the run); a forged, altered or expired one is refused before anything
    in it is read."""
    return Work(Trigger.FANOUT, fanout=verify(event, key or "", time.time()))


def _manual(event: Dict[str, Any], _key: Optional[str]) -> Work:
    from .manual import parse_manual

    return Work(Trigger.MANUAL, manual=parse_manual(event))


def _traces(trigger: Trigger) -> Reader:
    def read(event: Dict[str, Any], _key: Optional[str]) -> Work:
        return Work(trigger, traces=unwrap(event))

    return read


def _http_answer(result: Dict[str, Any]) -> Dict[str, Any]:
    from .apig import http_response

    return http_response(result)


def _caller_may_be_sent_a_report(work: Work) -> bool:
    from .apig import REPORTS

    return work.caller is None or REPORTS.allow(work.caller)


class Source(NamedTuple):
    trigger: Trigger
    matches: Callable[[Dict[str, Any]], bool]
    read: Reader
    job: str  # its module in jobs/: track (the targets named), sweep, config_rule, remediate
    answer: Optional[Callable[[Dict[str, Any]], Any]] = None  # the result as the caller gets it (APIG: HTTP)
    may_report: Optional[Callable[[Work], bool]] = None  # whether an SMN report may go out now (APIG: rate limit)


SOURCES: Tuple[Source, ...] = (
    Source(
        Trigger.APIG, lambda event: "httpMethod" in event, _apig, "sweep", _http_answer, _caller_may_be_sent_a_report
    ),
    Source(Trigger.REMEDIATION, _is_remediation, _remediation, "remediate"),
    Source(Trigger.CONFIG, lambda event: "policy_assignment_id" in event, _config, "config_rule"),
    Source(Trigger.TIMER, lambda event: str(event.get("trigger_type", "")).upper() == "TIMER", _timer, "sweep"),
    Source(Trigger.FANOUT, lambda event: FANOUT in event, _fanout, "sweep"),
    Source(Trigger.MANUAL, lambda event: "action" in event, _manual, "sweep"),
    Source(Trigger.CTS, lambda event: "cts" in event, _traces(Trigger.CTS), "track"),
    Source(
        Trigger.EVENTGRID,
        lambda event: "events" in event or "specversion" in event,
        _traces(Trigger.EVENTGRID),
        "track",
    ),
)

UNRECOGNISED = (
    'unrecognised event: expected a CTS trigger event {"cts": {...}}, an EventGrid CloudEvent '
    '(alone or as {"events": [...]}), a timer event, a Config rule event, a Config remediation '
    '{"resource_id", "resource_type"}, or a manual request '
    '{"action": "backfill"|"audit", ...}'
)


def source_of(event: Any) -> Optional[Source]:
    """The first row whose key check the event passes, or None."""
    if isinstance(event, dict):
        for source in SOURCES:
            if source.matches(event):
                return source
    return None


def read_event(event: Any, source: Optional[Source], fanout_key: Optional[str] = None) -> Work:
    """The event's work; EventError says what is wrong with it (nothing is done then).
    `fanout_key` verifies the coordinator's queued member sweeps."""
    if not isinstance(event, dict):
        raise EventError("the event must be a JSON object")
    try:
        check_depth(event, MAX_EVENT_DEPTH)  # before anything walks it recursively
    except UntrustedJsonError as error:
        raise EventError(f"the event is {error}") from None
    canonical = json.dumps(event, default=str, sort_keys=True).encode("utf-8")
    if len(canonical) > MAX_EVENT_BYTES:
        raise EventError(f"the event is {len(canonical)} bytes; at most {MAX_EVENT_BYTES} are accepted")
    if source is None:
        raise EventError(UNRECOGNISED)
    return source.read(event, fanout_key)._replace(report_id=hashlib.sha256(canonical).hexdigest()[:16])
