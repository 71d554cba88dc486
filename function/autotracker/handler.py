"""The invocation, end to end, the same for every trigger:
event -> wanted targets -> project state -> plan -> execute -> results -> report.

An event names its targets and knows nothing of their projects; a sweep (timer, manual, APIG)
takes the inventory and lists each project first. Both then go through the one planner and
executor. Bad input (malformed event, invalid configuration, missing credentials) is answered
with `ok: false` and a reason, never raised: FunctionGraph would retry a permanently bad event.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .contract import (
    ASYNC_TRIGGERS,
    NOTHING_DONE,
    ErrorCode,
    ErrorInfo,
    InvocationResult,
    Notification,
    Target,
    TargetResult,
    Trigger,
)
from .credentials import Credentials, CredentialsError, context_text, resolve_credentials, scrub
from .events.envelopes import EventError, Unauthenticated
from .events.sources import Work, read_event, trigger_of
from .execute import execute
from .gateway import Gateway
from .intents import wanted_from_trace
from .notify import build_message, publish
from .plan import Mode, ProjectState, Wanted, plan
from .retry import Deadline, RetryPolicy
from .settings import ConfigurationError, Settings, load_settings, read_environment

# The sweep's modules (manual, APIG, timer models; inventory) are imported only when such an
# event arrives: a bucket event's cold start never pays for them.

LOG = logging.getLogger("cts_autotracker")
NOTIFY_RESERVE_SECONDS = 3.0


class TransientFailure(RuntimeError):
    """Raised after the report is out, so FunctionGraph's async retry and on_failure take over.

    Safe because every step is idempotent: a retry finds created trackers already there.
    """


def handle(event: Any, context: Any, environ: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    environ = os.environ if environ is None else environ
    trigger = trigger_of(event)
    result, retry = _handle(event, trigger, context, environ)
    if retry:
        raise TransientFailure(retry)
    if trigger == Trigger.APIG:
        from .events.apig import http_response

        return http_response(result)
    return result


def _handle(
    event: Any, trigger: Trigger, context: Any, environ: Mapping[str, str]
) -> Tuple[Dict[str, Any], Optional[str]]:
    """The result, and why the invocation should be retried by FunctionGraph (or None)."""
    request_id = (context_text(context, "getRequestID") or "")[:128] or None
    try:
        credentials = resolve_credentials(context, environ)
    except CredentialsError as error:
        credentials, missing = None, error
    secrets = credentials.secrets() if credentials else ()

    def refused(code: ErrorCode, message: str) -> Dict[str, Any]:
        error = ErrorInfo(code, message)
        return _finish(InvocationResult(trigger, False, [], NOTHING_DONE, error, request_id), secrets)

    try:
        work = read_event(event)
        settings = load_settings(read_environment(environ, getattr(context, "getUserData", None)))
    except EventError as error:
        code = ErrorCode.UNAUTHENTICATED if isinstance(error, Unauthenticated) else ErrorCode.INVALID_EVENT
        return refused(code, str(error)), None
    except ConfigurationError as error:
        return refused(ErrorCode.INVALID_CONFIGURATION, str(error)), None
    if credentials is None:
        return refused(ErrorCode.MISSING_CREDENTIALS, str(missing)), None
    try:
        return _run(work, context, settings, credentials, secrets, request_id)
    except Exception as error:  # noqa: BLE001 - a bug must still answer, scrubbed, and not be retried forever
        LOG.error("cts-autotracker internal error: %s", scrub(f"{type(error).__name__}: {error}", secrets))
        return refused(ErrorCode.INTERNAL_ERROR, f"unexpected {type(error).__name__}; see the function's log"), None


def _run(
    work: Work,
    context: Any,
    settings: Settings,
    credentials: Credentials,
    secrets: Sequence[str],
    request_id: Optional[str],
) -> Tuple[Dict[str, Any], Optional[str]]:
    deadline = Deadline(_remaining_ms(context))
    policy = RetryPolicy(max_attempts=settings.retry_max_attempts, base_delay=settings.retry_base_delay_ms / 1000.0)
    gateway = Gateway(credentials, settings, deadline, policy, reserve=NOTIFY_RESERVE_SECONDS)
    dry_run = settings.dry_run or bool(work.manual and work.manual.dry_run)
    audit = bool(work.manual and work.manual.action == "audit")
    mode = Mode(mutate=not (dry_run or audit), audit=audit)
    problem: Optional[ErrorInfo] = None
    transient_problem = False
    if work.traces is not None:
        results = _track(work, credentials.project_id, settings, gateway, deadline, mode)
    else:
        from .inventory import SweepError

        try:
            results = _sweep(work, credentials.project_id, settings, gateway, deadline, mode)
        except SweepError as error:
            results, problem = [], ErrorInfo(error.code, str(error))
            transient_problem = error.transient
    body = build_message(
        work.trigger,
        settings.region,
        results,
        dry_run,
        attention_only=work.traces is None,
        problem=problem.message if problem else None,
        report_id=work.report_id,
    )
    body = {name: scrub(value, secrets) for name, value in body.items()}  # the report is scrubbed too
    if work.caller is not None and not _report_allowed(work.caller):
        notification = Notification(False, "rate limited: at most one APIG report per caller per minute")
    else:
        notification = publish(gateway, settings.smn_topic_urn, body)
    if notification.error is not None:  # the log is then the only copy of the report
        failure = json.dumps(notification.error.to_dict())
        LOG.warning("cts-autotracker report not published (%s): %s", failure, json.dumps(body))
    result = InvocationResult(work.trigger, dry_run, results, notification, problem, request_id)
    return _finish(result, secrets), _retry_reason(work, settings, result, transient_problem)


def _track(
    work: Work, default_project_id: Optional[str], settings: Settings, gateway: Gateway, deadline: Deadline, mode: Mode
) -> List[TargetResult]:
    """An event is a sweep over the targets its traces name, their projects' state unknown.
    Results come in the order the traces arrived; a target repeated in one delivery is reported once."""
    decided = [wanted_from_trace(trace, default_project_id, settings.region) for trace in work.traces or []]
    wanted: Dict[Target, Wanted] = {}
    for item in decided:
        if isinstance(item, Wanted):
            wanted.setdefault(item.target, item)  # the first trace of a target asks for it
    states: Dict[str, ProjectState] = {}  # nothing listed: create first, look only on a conflict
    steps = plan(list(wanted.values()), states, mode, settings)
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


def _retry_reason(work: Work, settings: Settings, result: InvocationResult, transient_problem: bool) -> Optional[str]:
    """Ask FunctionGraph to retry only async deliveries whose failures were transient, or whose
    report could not be published (the retry's report then says what this attempt did)."""
    if work.trigger not in ASYNC_TRIGGERS or not settings.raise_on_transient:
        return None
    if result.notification.error is not None:
        code = result.notification.error.code
        return f"the report could not be published ({code}); FunctionGraph may retry this invocation"
    transient = [r.target.label for r in result.results if r.transient and r.target]
    if not transient and not transient_problem:
        return None
    what = ", ".join(transient[:20]) or (result.error.code if result.error else "inventory")
    return f"transient failures remain after retries ({what}); FunctionGraph may retry this invocation"


def _report_allowed(caller: str) -> bool:
    from .events.apig import REPORTS

    return REPORTS.allow(caller)


def _remaining_ms(context: Any) -> Optional[float]:
    getter = getattr(context, "getRemainingTimeInMilliSeconds", None)
    try:
        return float(getter()) if getter else None
    except Exception:  # noqa: BLE001 - a context without a clock means "no limit known"
        return None


def _finish(result: InvocationResult, secrets: Sequence[str]) -> Dict[str, Any]:
    """The result as JSON data with any credential that slipped into a string scrubbed, and one
    summary log line carrying the request id."""
    answer = result.to_dict()
    text = json.dumps(answer, default=str)
    scrubbed = scrub(text, [json.dumps(secret)[1:-1] for secret in secrets])  # as they appear in JSON
    clean: Dict[str, Any] = json.loads(scrubbed) if scrubbed != text else answer  # re-parse only what changed
    summary = {k: clean[k] for k in ("ok", "trigger", "request_id", "summary", "error", "notification")}
    LOG.info("cts-autotracker %s", json.dumps(summary))
    return clean
