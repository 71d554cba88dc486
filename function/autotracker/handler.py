"""The invocation, end to end: event -> intents -> plan -> SDK calls -> results -> notification.

Bad input (malformed event, invalid configuration, missing credentials) is
answered with `ok: false` and a reason, never raised: FunctionGraph would
retry a permanently bad event.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .contract import ErrorCode, Outcome, TargetResult
from .credentials import Credentials, CredentialsError, resolve_credentials, scrub
from .events.envelopes import EventError, Unauthenticated, unwrap
from .events.kinds import is_apig, is_cts_delivery, is_manual, is_timer
from .execute import execute
from .gateway import Gateway
from .intents import wanted_from_trace
from .notify import build_message, counts, publish, unsent
from .plan import Mode, ProjectState, Wanted, plan
from .retry import Deadline, RetryPolicy
from .settings import ConfigurationError, Settings, load_settings, read_environment
from .untrusted import UntrustedJsonError, check_depth

if TYPE_CHECKING:
    from .events.manual import ManualRequest

# The sweep triggers' modules (manual, APIG, timer models; inventory, baseline, sweep) are
# imported only when such an event arrives: a bucket event's cold start never pays for them.

LOG = logging.getLogger("cts_autotracker")
NOTIFY_RESERVE_SECONDS = 3.0
MAX_EVENT_BYTES = 256 * 1024  # FunctionGraph's async payload limit
MAX_EVENT_DEPTH = 400  # keeps the size check's encoder off the recursion limit; each CloudEvent is held to MAX_DEPTH
ASYNC_TRIGGERS = ("cts", "eventgrid", "timer")


class TransientFailure(RuntimeError):
    """Raised after the report is out, so FunctionGraph's async retry and on_failure take over.

    Safe because every step is idempotent: a retry finds created trackers already there.
    """


@dataclass(frozen=True)
class Work:
    """What the event asks for: traces to cover (CTS, EventGrid) or a sweep (timer, manual, APIG)."""

    trigger: str
    traces: Optional[List[Any]] = None
    manual: Optional["ManualRequest"] = None
    http: bool = False
    caller: Optional[str] = None  # the APIG caller, for the report rate limit
    report_id: str = ""  # the same for every delivery and retry of one event: a reader can drop repeats


def handle(event: Any, context: Any, environ: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    environ = os.environ if environ is None else environ
    result, retry = _handle(event, context, environ)
    if retry:
        raise TransientFailure(retry)
    if isinstance(event, dict) and is_apig(event):
        from .events.apig import http_response

        return http_response(result)
    return result


def _handle(event: Any, context: Any, environ: Mapping[str, str]) -> Tuple[Dict[str, Any], Optional[str]]:
    """The result, and why the invocation should be retried by FunctionGraph (or None)."""
    try:
        credentials = resolve_credentials(context, environ)
    except CredentialsError as error:
        credentials, missing = None, error
    secrets = credentials.secrets() if credentials else ()
    trigger = _trigger_name(event)
    try:
        work = _classify(event)
        settings = load_settings(read_environment(environ, getattr(context, "getUserData", None)))
    except EventError as error:
        code = ErrorCode.UNAUTHENTICATED if isinstance(error, Unauthenticated) else ErrorCode.INVALID_EVENT
        return _finish(_error_result(trigger, code, str(error)), secrets), None
    except ConfigurationError as error:
        return _finish(_error_result(trigger, ErrorCode.INVALID_CONFIGURATION, str(error)), secrets), None
    if credentials is None:
        return _finish(_error_result(trigger, ErrorCode.MISSING_CREDENTIALS, str(missing)), secrets), None
    try:
        return _run(work, context, settings, credentials, secrets)
    except Exception as error:  # noqa: BLE001 - a bug must still answer, scrubbed, and not be retried forever
        LOG.error("cts-autotracker internal error: %s", scrub(f"{type(error).__name__}: {error}", secrets))
        message = f"unexpected {type(error).__name__}; see the function's log"
        return _finish(_error_result(work.trigger, ErrorCode.INTERNAL_ERROR, message), secrets), None


def _run(
    work: Work, context: Any, settings: Settings, credentials: Credentials, secrets: Sequence[str]
) -> Tuple[Dict[str, Any], Optional[str]]:
    deadline = Deadline(_remaining_ms(context))
    policy = RetryPolicy(max_attempts=settings.retry_max_attempts, base_delay=settings.retry_base_delay_ms / 1000.0)
    gateway = Gateway(credentials, settings, deadline, policy, reserve=NOTIFY_RESERVE_SECONDS)
    dry_run = settings.dry_run or bool(work.manual and work.manual.dry_run)
    audit = bool(work.manual and work.manual.action == "audit")
    mode = Mode(mutate=not (dry_run or audit), audit=audit)
    problem: Optional[Dict[str, str]] = None
    transient_problem = False
    if work.traces is not None:
        results = _track(work, credentials.project_id, settings, gateway, deadline, mode)
    else:
        from .inventory import SweepError

        try:
            results = _sweep(work, credentials.project_id, settings, gateway, deadline, mode)
        except SweepError as error:
            results, problem = [], {"code": error.code, "message": str(error)}
            transient_problem = error.transient
    body = build_message(
        work.trigger,
        settings.region,
        results,
        dry_run,
        attention_only=work.traces is None,
        problem=problem["message"] if problem else None,
        report_id=work.report_id,
    )
    body = {name: scrub(value, secrets) for name, value in body.items()}  # the report is scrubbed too
    if work.caller is not None and not _report_allowed(work.caller):
        notification = unsent("rate limited: at most one APIG report per caller per minute; the result is here")
    else:
        notification = publish(gateway, settings.smn_topic_urn, body)
    if notification["error"] is not None:  # the log is then the only copy of the report
        LOG.warning(
            "cts-autotracker report not published (%s): %s",
            json.dumps(notification["error"]),
            json.dumps(body),
        )
    result = _finish(_result(work.trigger, dry_run, results, notification, problem), secrets)
    return result, _retry_reason(work, settings, result, results, transient_problem)


def _retry_reason(
    work: Work, settings: Settings, result: Dict[str, Any], results: List[TargetResult], transient_problem: bool
) -> Optional[str]:
    """Ask FunctionGraph to retry only async deliveries whose failures were transient, or whose
    report could not be published (the retry's report then says what this attempt did)."""
    if work.trigger not in ASYNC_TRIGGERS or not settings.raise_on_transient:
        return None
    notification_error = result["notification"].get("error")
    if notification_error is not None:
        code = notification_error.get("code")
        return f"the report could not be published ({code}); FunctionGraph may retry this invocation"
    transient = [r.target.label for r in results if r.transient and r.target]
    if not transient and not transient_problem:
        return None
    what = ", ".join(transient[:20]) or (result["error"] or {}).get("code", "inventory")
    return f"transient failures remain after retries ({what}); FunctionGraph may retry this invocation"


def _trigger_name(event: Any) -> str:
    if not isinstance(event, dict):
        return "unknown"
    if is_apig(event):
        return "apig"
    if is_timer(event):
        return "timer"
    if is_manual(event):
        return "manual"
    if "cts" in event:
        return "cts"
    return "eventgrid" if is_cts_delivery(event) else "unknown"


def _classify(event: Any) -> Work:
    if not isinstance(event, dict):
        raise EventError("the event must be a JSON object")
    try:
        check_depth(event, MAX_EVENT_DEPTH)  # before anything walks it recursively
    except UntrustedJsonError as error:
        raise EventError(f"the event is {error}") from None
    canonical = json.dumps(event, default=str, sort_keys=True).encode("utf-8")
    if len(canonical) > MAX_EVENT_BYTES:
        raise EventError(f"the event is {len(canonical)} bytes; at most {MAX_EVENT_BYTES} are accepted")
    report_id = hashlib.sha256(canonical).hexdigest()[:16]
    if is_apig(event):
        from .events.apig import caller_of, request_body
        from .events.manual import parse_manual

        caller = caller_of(event)  # before the body is even read
        return Work("apig", manual=parse_manual(request_body(event)), http=True, caller=caller, report_id=report_id)
    if is_timer(event):
        from .events.timer import parse_timer

        parse_timer(event)
        return Work("timer", report_id=report_id)
    if is_manual(event):
        from .events.manual import parse_manual

        return Work("manual", manual=parse_manual(event), report_id=report_id)
    if is_cts_delivery(event):
        trigger, traces = unwrap(event)
        return Work(trigger, traces=traces, report_id=report_id)
    raise EventError(
        'unrecognised event: expected a CTS trigger event {"cts": {...}}, an EventGrid CloudEvent '
        '(alone or as {"events": [...]}), a timer event, or a manual request {"action": "backfill"|"audit", ...}'
    )


def _track(
    work: Work, default_project_id: Optional[str], settings: Settings, gateway: Gateway, deadline: Deadline, mode: Mode
) -> List[TargetResult]:
    """An event is a sweep over the targets its traces name, their projects' state unknown.
    Results come in the order the traces arrived; a target repeated in one delivery is reported once."""
    decided = [wanted_from_trace(trace, default_project_id, settings.region) for trace in work.traces or []]
    wanted = [item for item in decided if isinstance(item, Wanted)]
    states: Dict[str, ProjectState] = {}  # nothing listed: create first, look only on a conflict
    steps = plan(wanted, states, mode, settings)
    done = {result.target: result for result in execute(steps, states, gateway, deadline, settings.sweep_concurrency)}
    ordered: List[TargetResult] = []
    for item in decided:
        if isinstance(item, TargetResult):
            ordered.append(item)
        elif item.target in done:
            ordered.append(done.pop(item.target))
    return ordered


def _sweep(
    work: Work, default_project_id: Optional[str], settings: Settings, gateway: Gateway, deadline: Deadline, mode: Mode
) -> List[TargetResult]:
    """A sweep over the inventory in scope, each project's state listed."""
    from .inventory import Scope, take_inventory

    manual = work.manual
    regions = tuple(manual.regions) if manual and manual.regions else settings.scope_regions
    scope = Scope(regions, tuple(manual.buckets) if manual else (), tuple(manual.projects) if manual else ())
    inventory = take_inventory(scope, settings, gateway, default_project_id or "")
    steps = inventory.decided + plan(inventory.wanted, inventory.states, mode, settings)
    return execute(steps, inventory.states, gateway, deadline, settings.sweep_concurrency)


def _report_allowed(caller: str) -> bool:
    from .events.apig import REPORTS

    return REPORTS.allow(caller)


def _remaining_ms(context: Any) -> Optional[float]:
    getter = getattr(context, "getRemainingTimeInMilliSeconds", None)
    try:
        return float(getter()) if getter else None
    except Exception:  # noqa: BLE001 - a context without a clock means "no limit known"
        return None


def _result(
    trigger: str,
    dry_run: bool,
    results: List[TargetResult],
    notification: Dict[str, Any],
    problem: Optional[Dict[str, str]] = None,
) -> Dict[str, Any]:
    attention = any(result.outcome == Outcome.FAILED or result.error is not None for result in results)
    notification_failed = notification.get("error") is not None
    return {
        "ok": not attention and not notification_failed and problem is None,
        "trigger": trigger,
        "dry_run": dry_run,
        "summary": counts(results),
        "results": [result.to_dict() for result in results],
        "notification": notification,
        "error": problem,
    }


def _error_result(trigger: str, code: str, message: str) -> Dict[str, Any]:
    return {
        "ok": False,
        "trigger": trigger,
        "dry_run": False,
        "summary": {},
        "results": [],
        "notification": {
            "sent": False,
            "topic_urn": None,
            "message_id": None,
            "error": None,
            "reason": "nothing was done",
        },
        "error": {"code": code, "message": message},
    }


def _finish(result: Dict[str, Any], secrets: Sequence[str]) -> Dict[str, Any]:
    """Scrub any credential value that slipped into a string, then log one summary line."""
    text = json.dumps(result, default=str)
    scrubbed = scrub(text, [json.dumps(secret)[1:-1] for secret in secrets])  # as they appear in JSON
    clean: Dict[str, Any] = json.loads(scrubbed) if scrubbed != text else result  # re-parse only what changed
    LOG.info(
        "cts-autotracker %s",
        json.dumps({k: clean[k] for k in ("ok", "trigger", "summary", "error", "notification")}),
    )
    return clean
