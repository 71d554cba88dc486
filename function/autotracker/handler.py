"""The invocation, end to end, the same for every trigger:
event -> wanted targets -> project state -> plan -> execute -> results -> report.

An event names its targets and knows nothing of their projects; a sweep (timer, manual, APIG)
takes the inventory and lists each project first. Both then go through the one planner and
executor. Bad input (malformed event, invalid configuration, missing credentials) is answered
with `ok: false` and a reason, never raised: FunctionGraph would retry a permanently bad event.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import datetime, timezone
from itertools import chain
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Set, Tuple

from .cloud.credentials import Credentials, CredentialsError, context_text, resolve_credentials, scrub
from .cloud.gateway import Gateway, Unjudged
from .cloud.retry import Deadline, RetryPolicy
from .contract import (
    ASYNC_TRIGGERS,
    NOTHING_DONE,
    ErrorCode,
    ErrorInfo,
    InvocationResult,
    Kind,
    Notification,
    Outcome,
    Target,
    TargetResult,
    Trigger,
    skipped,
)
from .events.envelopes import EventError, Unauthenticated
from .events.sources import Work, read_event, trigger_of
from .outputs.logs import RunLog, log_invocation, log_problem
from .outputs.notify import Heading, build_message, needs_attention, publish
from .pipeline.execute import execute
from .pipeline.intents import wanted_from_trace
from .pipeline.plan import Mode, ProjectState, Wanted, plan
from .settings import ConfigurationError, Settings, lenient_flag, load_settings, read_environment

if TYPE_CHECKING:
    from .outputs.reports import ReportObjects

# The sweep's modules (manual, APIG, timer models; inventory) are imported only when such an
# event arrives: a bucket event's cold start never pays for them.

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
    started = time.monotonic()
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
        refusal = InvocationResult(trigger, asked_dry_run, [], NOTHING_DONE, error, request_id)
        return _finish(refusal, log, started)

    try:
        work = read_event(event, fanout_key)
        asked_dry_run = asked_dry_run or bool(work.manual and work.manual.dry_run)
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
    try:
        return _run(work, context, environ, settings, credentials, log, request_id, started)
    except Exception as error:  # noqa: BLE001 - a bug must still answer, scrubbed, and not be retried forever
        log_problem(log, "internal error", {"error": f"{type(error).__name__}: {error}", "request_id": request_id})
        return refused(ErrorCode.INTERNAL_ERROR, f"unexpected {type(error).__name__}; see the function's log"), None


class Run(NamedTuple):
    """One invocation's fixed inputs, as every stage below needs them."""

    work: Work
    context: Any
    environ: Mapping[str, str]
    settings: Settings
    credentials: Credentials
    gateway: Gateway
    deadline: Deadline
    mode: Mode
    dry_run: bool
    request_id: Optional[str]
    own_id: str  # FunctionGraph's request id, else a random one: never the event's hash, which repeats


def _run(
    work: Work,
    context: Any,
    environ: Mapping[str, str],
    settings: Settings,
    credentials: Credentials,
    log: RunLog,
    request_id: Optional[str],
    started: float,
) -> Tuple[Dict[str, Any], Optional[str]]:
    deadline = Deadline(_remaining_ms(context))
    policy = RetryPolicy(max_attempts=settings.retry_max_attempts, base_delay=settings.retry_base_delay_ms / 1000.0)
    gateway = Gateway(credentials, settings, deadline, policy, reserve=NOTIFY_RESERVE_SECONDS)
    dry_run = settings.dry_run or bool(work.manual and work.manual.dry_run)
    audit = bool(work.manual and work.manual.action == "audit")
    mode = Mode(mutate=not (dry_run or audit), audit=audit)
    own_id = request_id or uuid.uuid4().hex
    run = Run(work, context, environ, settings, credentials, gateway, deadline, mode, dry_run, request_id, own_id)
    problem: Optional[ErrorInfo] = None
    transient_problem = False
    try:
        run = _in_its_account(run)
        if work.traces is not None:
            results = _track(run)
        else:
            results = _evaluate(run) if work.config is not None else _sweep(run)
    except Unjudged as error:  # an inventory or the organization could not be read
        results, problem = list(error.results), ErrorInfo(error.code, str(error))
        transient_problem = error.transient
    report = _report_standing_alone(run, results, problem, log) if _reported(run) else None
    heading = Heading(
        trigger=work.trigger,
        region=settings.region,
        scope=_scope(run) or (report.account if report else None),
        function=_function_name(run),
        time=datetime.now(timezone.utc),
        request_id=request_id,
        report_id=work.report_id,
        dry_run=dry_run,
        problem=problem.message if problem else None,
        problem_code=problem.code if problem else None,
        report_bucket=report.bucket if report else None,
        report_keys=report.keys if report else (),  # the objects written, and only those
        report_error=report.error.message if report and report.error else None,
    )
    notification = _notify(run, heading, results, problem, log)
    result = InvocationResult(work.trigger, dry_run, results, notification, problem, request_id, report)
    return _finish(result, log, started), _retry_reason(work, settings, result, transient_problem)


def _notify(
    run: Run, heading: Heading, results: List[TargetResult], problem: Optional[ErrorInfo], log: RunLog
) -> Notification:
    """Publish the SMN report, unless NOTIFY or the APIG rate limit says not to. A failure to
    build or publish it is recorded and logged, never raised: the results stand without it."""
    settings, work = run.settings, run.work
    if settings.notify == "never":
        return Notification(False, "NOTIFY=never")
    attention = problem is not None or heading.report_error is not None or any(needs_attention(r) for r in results)
    if settings.notify == "attention" and not attention:
        return Notification(False, "NOTIFY=attention: nothing needed attention")
    if work.caller is not None and not _report_allowed(work.caller):
        return Notification(False, "rate limited: at most one APIG report per caller per minute")
    try:
        body = build_message(heading, results, attention_only=work.traces is None)
        body = {name: scrub(value, run.credentials.secrets()) for name, value in body.items()}  # scrubbed too
        notification = publish(run.gateway, settings.smn_topic_urn, body)
    except Exception as error:  # noqa: BLE001 - a bug in the message must not take the results down
        info = ErrorInfo(ErrorCode.INTERNAL_ERROR, f"building the report failed: unexpected {type(error).__name__}")
        detail = f"{type(error).__name__}: {error}"
        log_problem(log, "report not published", {"error": info.to_dict(), "detail": detail})
        return Notification(False, "the report could not be built; the tracker work above stands", error=info)
    if notification.error is not None:  # the log is then the only copy of the report
        log_problem(log, "report not published", {"error": notification.error.to_dict(), "report": body})
    return notification


def _reported(run: Run) -> bool:
    """Sweeps and Config's periodic evaluations leave an auditor's report when REPORT_BUCKET is set."""
    if run.settings.report_bucket is None or run.work.traces is not None:
        return False
    return run.work.config is None or run.work.config.trigger_type == "period"


def _report_standing_alone(
    run: Run, results: List[TargetResult], problem: Optional[ErrorInfo], log: RunLog
) -> ReportObjects:
    """The report written, or why not: a bug in writing it is recorded, never raised, so the
    results, the SMN message and the log still go out."""
    try:
        return _write_report(run, results, problem)
    except Exception as error:  # noqa: BLE001 - one output failing never takes the others down
        log_problem(log, "report not written", {"error": f"{type(error).__name__}: {error}"})
        message = f"writing the report failed: unexpected {type(error).__name__}; see the function's log"
        from .outputs.reports import ReportObjects

        return ReportObjects(run.settings.report_bucket or "", (), ErrorInfo(ErrorCode.INTERNAL_ERROR, message))


def _write_report(run: Run, results: List[TargetResult], problem: Optional[ErrorInfo]) -> ReportObjects:
    from .organization.accounts import own_account
    from .outputs.reports import RunFacts, write

    manual = run.work.manual
    account = _scope(run)
    account_id = manual.account_id if manual and manual.account_id else None
    if account is None:
        try:
            account_id = own_account(run.gateway)
        except Unjudged:
            account_id = None
        account = f"account {account_id}" if account_id else None
    run_id, filed = run.own_id, None
    fanout = run.work.fanout  # verified: the coordinator's run, and its day, so a run's members share a folder
    if fanout is not None and account_id:  # side by side in the coordinator's folder (the key adds a nonce)
        run_id = f"{fanout.run_id}/{account_id}.{run.own_id}"
        filed = datetime.fromtimestamp(fanout.issued, timezone.utc)
    facts = RunFacts(
        datetime.now(timezone.utc),
        str(run.work.trigger),
        _function_name(run),
        run.request_id,
        account,
        account_id,
        run.settings.region,
        run.dry_run,
        run_id,
        filed,
    )
    summary = InvocationResult(run.work.trigger, run.dry_run, results, NOTHING_DONE, problem, run.request_id)
    answer = summary.to_dict()
    answer.pop("notification")
    bucket, prefix = run.settings.report_bucket or "", run.settings.report_prefix
    return write(run.gateway, run.settings.region, bucket, prefix, facts, answer, results)


def _function_name(run: Run) -> Optional[str]:
    return context_text(run.context, "getFunctionName") or run.environ.get("RUNTIME_FUNC_NAME") or None


def _evaluate(run: Run) -> List[TargetResult]:
    from .jobs.config_rule import evaluate

    assert run.work.config is not None
    return evaluate(run.work.config, run.settings, run.gateway, run.credentials.project_id or "")


def _in_its_account(run: Run) -> Run:
    """With `{account_id}` in TRACE_BUCKET, the settings of the account this invocation acts in:
    the named member's, else this function's own (one STS call)."""
    if not run.settings.per_account_bucket:
        return run
    from .organization.accounts import own_account

    manual = run.work.manual
    account_id = manual.account_id if manual and manual.account_id else own_account(run.gateway)
    return run._replace(settings=run.settings.for_account(account_id))


def _track(run: Run) -> List[TargetResult]:
    """An event is a sweep over the targets its traces name, their projects' state unknown; a new
    member account's sweep is dispatched. Results come in the order the traces arrived; a target
    repeated in one delivery is reported once."""
    settings = run.settings
    traces = run.work.traces or []
    decided = [wanted_from_trace(trace, run.credentials.project_id, settings.region) for trace in traces]
    wanted: Dict[Target, Wanted] = {}
    accounts: Dict[Target, Wanted] = {}
    for item in decided:
        if isinstance(item, Wanted):
            (accounts if item.target.kind == Kind.ACCOUNT else wanted).setdefault(item.target, item)
    states: Dict[str, ProjectState] = {}  # nothing listed: create first, look only on a conflict
    steps = plan(list(wanted.values()), states, run.mode, settings)
    done: Dict[Optional[Target], TargetResult] = {
        r.target: r for r in execute(steps, states, run.gateway, run.deadline, settings.sweep_concurrency, _order(run))
    }
    for target, result in _new_accounts(run, list(accounts.values())).items():
        done[target] = result
    ordered: List[TargetResult] = []
    for item in decided:
        if isinstance(item, TargetResult):
            ordered.append(item)
        elif item.target in done:
            ordered.append(done.pop(item.target))
    return ordered


def _new_accounts(run: Run, wanted: List[Wanted]) -> Dict[Target, TargetResult]:
    """Dispatch the sweeps of accounts that joined the organization (keyed by the traced target)."""
    if not wanted:
        return {}
    targets = [item.target for item in wanted]
    if not run.settings.organization_sweep:
        return {t: skipped(t, "ORGANIZATION_SWEEP is off: member accounts are not swept") for t in targets}
    try:
        results = _coordinate(run, targets, [item.target for item in wanted if item.invitation])
    except Unjudged as error:
        info = ErrorInfo(error.code, str(error))
        return {t: TargetResult(t, Outcome.FAILED, str(error), error=info, transient=error.transient) for t in targets}
    by_id = {r.target.account_id: r for r in results if r.target}
    by_name = {r.target.name: r for r in results if r.target and r.target.name}
    found = {t: by_id.get(t.account_id) if t.account_id else by_name.get(t.name or "") for t in targets}
    return {t: r for t, r in found.items() if r is not None}


def _sweep(run: Run) -> List[TargetResult]:
    """A sweep: of a member account (`account_id`), of the organization (ORGANIZATION_SWEEP, not
    for named buckets or projects, which are this account's), or of this account."""
    manual = run.work.manual
    if manual and manual.account_id:
        return _member_sweep(run, manual.account_id)
    if run.settings.organization_sweep and not (manual and (manual.buckets or manual.projects)):
        return _coordinate(run, None)
    return _account_sweep(run, run.gateway, run.credentials.project_id or "")


def _account_sweep(
    run: Run, gateway: Gateway, default_project_id: str, notice: Optional[Callable[[Any], None]] = None
) -> List[TargetResult]:
    """The inventory in scope, each project's state listed, planned and executed; `notice` may
    amend the listed states before planning (the organization tracker)."""
    from .pipeline.inventory import Scope, take_inventory

    manual, settings = run.work.manual, run.settings
    scope = Scope(_regions(run), tuple(manual.buckets) if manual else (), tuple(manual.projects) if manual else ())
    inventory = take_inventory(scope, settings, gateway, default_project_id)
    if notice is not None:
        notice(inventory)
    steps = chain(inventory.decided, plan(inventory.wanted, inventory.states, run.mode, settings))
    return execute(steps, inventory.states, gateway, run.deadline, settings.sweep_concurrency, _order(run))


def _order(run: Run) -> str:
    """What orders a run's steps (`execute`): this invocation's own id, so each run has its own."""
    return run.own_id


def _member_sweep(run: Run, account_id: str) -> List[TargetResult]:
    """One account of the organization, with credentials in it; every result names the account.
    The organization tracker is looked up meanwhile, with the function's own credentials."""
    from concurrent.futures import ThreadPoolExecutor

    from .organization.accounts import refusal
    from .organization.member import (
        act_in,
        in_account,
        note_organization_trackers,
        organization_trackers,
        project_regions,
    )

    own, refused = refusal(account_id, run.settings, run.gateway)  # before anything in the account
    if refused is not None:
        return [refused]
    fanout = run.work.fanout  # verified by its signature; a manual or APIG request carries none
    run_id = fanout.run_id if fanout else None
    new_account = bool(fanout and fanout.new_account)
    acting = act_in(account_id, own, run.gateway, run.settings, run.deadline, run.context, run_id, new_account)
    if isinstance(acting, TargetResult):
        return [acting]
    if acting is run.gateway:  # this function's own account
        return in_account(_account_sweep(run, acting, run.credentials.project_id or ""), account_id)
    own_project = run.credentials.project_id or ""
    with ThreadPoolExecutor(max_workers=1) as pool:
        lookup = pool.submit(organization_trackers, _regions(run), run.gateway, run.settings, own_project, own)

        def organization_tracker(inventory: Any) -> None:
            regions = project_regions([item.target for item in inventory.wanted])
            note_organization_trackers(inventory.states, regions, lookup.result())

        return in_account(_account_sweep(run, acting, "", organization_tracker), account_id)


def _regions(run: Run) -> Tuple[str, ...]:
    """The regions a sweep covers: the request's, else BASELINE_REGIONS or REGION."""
    manual = run.work.manual
    return tuple(manual.regions) if manual and manual.regions else run.settings.scope_regions


def _coordinate(run: Run, wanted: Optional[List[Target]], invited: Sequence[Target] = ()) -> List[TargetResult]:
    """Queue one invocation per account in scope (`wanted`: only those new accounts; `invited`:
    those of them that were only invited), each request signed with FANOUT_KEY."""
    from .events.fanout import sign
    from .organization.accounts import OrganizationError, choose, dispatch, function_urn, organization_accounts

    key = run.settings.fanout_key.get_secret_value() if run.settings.fanout_key else ""
    if not key:  # the settings require it in organization mode; never queue an unsigned request
        raise OrganizationError(ErrorCode.INVALID_CONFIGURATION, "FANOUT_KEY: required to queue member sweeps")
    _, accounts = organization_accounts(run.gateway)
    chosen, decided = choose(accounts, run.settings, wanted, run.own_id, invited)
    urn = function_urn(run.settings, run.context, run.environ, run.credentials.project_id)
    manual = run.work.manual
    action = manual.action if manual else "backfill"
    request: Dict[str, Any] = {"action": action}
    if action == "backfill":
        request["all"] = True
    if run.dry_run:
        request["dry_run"] = True
    if manual and manual.regions:
        request["regions"] = list(manual.regions)
    now = time.time()  # one date for the run: its members' reports share its day folder

    def signed(account_id: str) -> Dict[str, Any]:
        return sign({**request, "account_id": account_id}, run.own_id, wanted is not None, key, now)

    concurrency = run.settings.sweep_concurrency
    return decided + dispatch(chosen, signed, urn, run.gateway, run.deadline, concurrency, run.dry_run)


def _scope(run: Run) -> Optional[str]:
    """Whom an organization-mode report is about: a member account, or the organization."""
    manual = run.work.manual
    if manual and manual.account_id:
        return f"account {manual.account_id}"
    named = manual and (manual.buckets or manual.projects)
    if run.settings.organization_sweep and run.work.traces is None and not named:
        return "organization"
    return None


def _retry_reason(work: Work, settings: Settings, result: InvocationResult, transient_problem: bool) -> Optional[str]:
    """Ask FunctionGraph to retry only async deliveries whose failures were transient, or whose
    report could not be published (the retry's report then says what this attempt did). The
    trigger decides (a coordinator's queued sweep is FANOUT): a manual or APIG caller is answered."""
    if work.trigger not in ASYNC_TRIGGERS or not settings.raise_on_transient:
        return None
    if result.notification.publish_failed:  # not a message that could not be built: a retry would fail alike
        code = result.notification.error.code if result.notification.error else None
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


def _finish(result: InvocationResult, log: RunLog, started: float) -> Dict[str, Any]:
    """The result as JSON data with any credential that slipped into a string scrubbed, and the
    invocation's structured log lines. The usual case, nothing to scrub, is found without
    dumping a 10,000-target result to JSON and back."""
    answer = result.to_dict()
    if log.secrets and _may_hold_secrets(answer, result, log.secrets):
        text = json.dumps(answer, default=str)
        scrubbed = scrub(text, [json.dumps(secret)[1:-1] for secret in log.secrets])  # as they appear in JSON
        answer = json.loads(scrubbed) if scrubbed != text else answer
    log_invocation(log, answer, (time.monotonic() - started) * 1000, result.results)
    if log.failed:  # the log is one output: its failure is recorded, the result stands, and is not ok
        answer["ok"] = False
        answer["log_error"] = f"{log.failed} log line(s) could not be written"
    return answer


def _may_hold_secrets(answer: Dict[str, Any], result: InvocationResult, secrets: Sequence[str]) -> bool:
    """Whether any string of the result holds a credential: the targets' distinct strings (a sweep
    repeats most: reasons, errors, projects) joined once, and everything else, which is small, as JSON."""
    strings: Set[Any] = set()
    for item in result.results:  # the records are tuples of strings (or None)
        strings.update(item.target or (), item.tracker or (), item.error or ())
        strings.add(item.reason)
    rest = json.dumps({key: value for key, value in answer.items() if key != "results"}, default=str)
    joined = "\n".join(text for text in strings if isinstance(text, str)) + "\n" + rest
    return any(secret in joined for secret in secrets)
