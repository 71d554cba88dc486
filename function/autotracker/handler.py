"""The invocation's shell: read the event, build the settings and credentials, run the job the
event's source names (jobs/), and hand its results to the outputs (the result, the report, SMN,
the log).

Bad input (malformed event, invalid configuration, missing credentials) is answered with
`ok: false` and a reason, never raised: FunctionGraph would retry a permanently bad event. Each
job's modules are imported only when its event arrives: a bucket event's cold start never pays
for the sweep's.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from importlib import import_module
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .cloud.credentials import Credentials, CredentialsError, context_text, resolve_credentials
from .cloud.errors import Unjudged
from .contract import ASYNC_TRIGGERS, NOTHING_DONE, ErrorCode, ErrorInfo, InvocationResult, TargetResult, Trigger
from .events.envelopes import EventError, Unauthenticated
from .events.sources import Source, Work, read_event, source_of
from .invocation import start
from .outputs.logs import RunLog, finish, log_problem
from .outputs.notify import Heading, notify
from .settings import ConfigurationError, Settings, lenient_flag, load_settings, read_environment

NOTIFY_RESERVE_SECONDS = 3.0


class TransientFailure(RuntimeError):
    """Raised after the report is out, so FunctionGraph's async retry and on_failure take over.

    Safe because every step is idempotent: a retry finds created trackers already there.
    """


def handle(event: Any, context: Any, environ: Optional[Mapping[str, str]] = None) -> Any:
    environ = os.environ if environ is None else environ
    source = source_of(event)
    result, retry = _handle(event, source, context, environ)
    if retry:
        raise TransientFailure(retry)
    return source.answer(result) if source is not None and source.answer is not None else result


def _handle(
    event: Any, source: Optional[Source], context: Any, environ: Mapping[str, str]
) -> Tuple[Dict[str, Any], Optional[str]]:
    """The result, and why the invocation should be retried by FunctionGraph (or None)."""
    started = time.monotonic()
    trigger = source.trigger if source is not None else Trigger.UNKNOWN
    request_id = (context_text(context, "getRequestID") or "")[:128] or None
    values = read_environment(environ, getattr(context, "getUserData", None))
    fanout_key = values.get("FANOUT_KEY")  # a secret like the credentials: scrubbed from every output
    try:
        credentials = resolve_credentials(context, environ).keeping_secret(fanout_key)
    except CredentialsError as error:
        credentials, missing = None, error
    secrets = credentials.secrets() if credentials else tuple(filter(None, [fanout_key]))
    log = RunLog(context, "INFO", secrets)
    asked_dry_run = lenient_flag(values.get("DRY_RUN"))  # said even when the configuration is refused

    def refused(code: ErrorCode, message: str) -> Dict[str, Any]:
        error = ErrorInfo(code, message)
        return finish(InvocationResult(trigger, asked_dry_run, [], NOTHING_DONE, error, request_id), log, started)

    try:
        work = read_event(event, source, fanout_key)
        asked_dry_run = asked_dry_run or bool(work.request and work.request.dry_run)
        settings = load_settings(values)
        log = RunLog(context, settings.log_level, secrets)
    except EventError as error:
        code = ErrorCode.UNAUTHENTICATED if isinstance(error, Unauthenticated) else ErrorCode.INVALID_EVENT
        if trigger == Trigger.FANOUT:  # only a verified fan-out is one: who sent this is not established
            trigger = Trigger.UNKNOWN
        return refused(code, str(error)), None
    except ConfigurationError as error:
        return refused(ErrorCode.INVALID_CONFIGURATION, str(error)), None
    if credentials is None:
        return refused(ErrorCode.MISSING_CREDENTIALS, str(missing)), None
    assert source is not None  # read_event refuses an event no source matches
    try:
        return _run(source, work, context, environ, settings, credentials, log, request_id, started)
    except Exception as error:  # noqa: BLE001 - a bug must still answer, scrubbed, and not be retried forever
        log_problem(log, "internal error", {"error": f"{type(error).__name__}: {error}", "request_id": request_id})
        return refused(ErrorCode.INTERNAL_ERROR, f"unexpected {type(error).__name__}; see the function's log"), None


def _run(
    source: Source,
    work: Work,
    context: Any,
    environ: Mapping[str, str],
    settings: Settings,
    credentials: Credentials,
    log: RunLog,
    request_id: Optional[str],
    started: float,
) -> Tuple[Dict[str, Any], Optional[str]]:
    run = start(
        source,
        work,
        context,
        environ,
        settings,
        credentials,
        request_id,
        _remaining_ms(context),
        NOTIFY_RESERVE_SECONDS,
    )
    scope = run.scope
    job = import_module(f"{__package__}.jobs.{source.job}")
    problem: Optional[ErrorInfo] = None
    transient_problem = False
    report = None
    try:
        if settings.per_account_bucket:  # TRACE_BUCKET names `{account_id}`: the account it acts in
            run = run._replace(settings=settings.for_account(scope.account()))
        own_report = getattr(job, "perform_with_report", lambda _run: None)(run)  # a job writing its own
        results: List[TargetResult] = own_report[0] if own_report else job.perform(run)
        report = own_report[1] if own_report else None
    except Unjudged as error:  # an inventory or the organization could not be read
        results, problem = list(error.results), ErrorInfo(error.code, str(error))
        transient_problem = error.transient
    function = context_text(context, "getFunctionName") or environ.get("RUNTIME_FUNC_NAME") or None
    quota = run.quota.figures()
    if settings.report_bucket is not None and job.leaves_report(run):
        from .outputs.reports import report_standing_alone

        report = report_standing_alone(run, results, problem, log, function)
    heading = Heading(
        trigger=work.trigger,
        region=settings.region,
        scope=scope.label or (report.account if report else None),
        function=function,
        time=datetime.now(timezone.utc),
        request_id=request_id,
        report_id=work.report_id,
        dry_run=run.dry_run,
        problem=problem.message if problem else None,
        problem_code=problem.code if problem else None,
        report_bucket=report.bucket if report else None,
        report_keys=report.keys if report else (),  # the objects written, and only those
        report_error=report.error.message if report and report.error else None,
        quota=quota,
    )
    notification = notify(run, heading, results, problem, log)
    result = InvocationResult(work.trigger, run.dry_run, results, notification, problem, request_id, report, quota)
    return finish(result, log, started), _retry_reason(work, settings, result, transient_problem)


def _retry_reason(work: Work, settings: Settings, result: InvocationResult, transient_problem: bool) -> Optional[str]:
    """Ask FunctionGraph to retry only async deliveries whose failures were transient, or whose
    report could not be published (the retry's report then says what this attempt did). The
    trigger decides (a coordinator's queued sweep is FANOUT): a manual or APIG caller is answered."""
    if work.trigger not in ASYNC_TRIGGERS or not settings.raise_on_transient:
        return None
    if result.notification.publish_failed:  # not a message that could not be built: a retry would fail alike
        code = result.notification.error.code if result.notification.error else None
        return f"the report could not be published ({code}); FunctionGraph may retry this invocation"
    transient = [r.target.label for r in result.results if r.target and r.transient]
    if not transient and not transient_problem:
        return None
    what = ", ".join(transient[:20]) or (result.error.code if result.error else "inventory")
    return f"transient failures remain after retries ({what}); FunctionGraph may retry this invocation"


def _remaining_ms(context: Any) -> Optional[float]:
    getter = getattr(context, "getRemainingTimeInMilliSeconds", None)
    try:
        return float(getter()) if getter else None
    except Exception:  # noqa: BLE001 - a context without a clock means "no limit known"
        return None
