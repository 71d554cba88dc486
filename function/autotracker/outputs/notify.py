"""One SMN message per invocation, written for people: the run's facts and counts first, then
the targets needing attention grouped by project (lines of at most WIDTH characters, full
names), what to do about each error code that occurred, and where the auditor's report is.

Limits from SMN: subject <= 512 bytes, message <= 256 KB. The SMS form is the counts only, in
one SMS (160 Latin characters, 70 otherwise), without brackets. Long reports are truncated
with a marker, keeping the next steps and report keys; the full detail stays in the result.

What went wrong with the invocation itself comes first: the subject says FAILED, the message
opens with the PROBLEM and with a report that could not be written, and a failed run never
says "Nothing needs attention". Every text is one line where it must be (subject, SMS) and
free of control characters (a service's CR/LF cannot forge a line or a header).
"""

from __future__ import annotations

import json
import re
import textwrap
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

from ..cloud.credentials import scrub
from ..cloud.errors import CloudError
from ..cloud.gateway import Gateway
from ..contract import ErrorCode, ErrorInfo, Kind, Notification, Outcome, TargetResult, needs_attention, summarise
from ..pipeline.quota import WHAT_TO_DO, warning
from ..settings import TOPIC_URN
from ..untrusted import printable
from .logs import RunLog, log_problem

if TYPE_CHECKING:
    from ..invocation import Run

SUBJECT_BYTES = 512
MESSAGE_BYTES = 256 * 1024
SMS_LATIN, SMS_OTHER = 160, 70  # one SMS
WIDTH = 100  # email-friendly line length
TRUNCATED = "\n... [truncated: {count} more target(s) not listed; see the function's result for everything]"
_SMS_FORBIDDEN = re.compile(r"[\[\]【】]")


class Heading(NamedTuple):
    """What the message says about the run before any target."""

    trigger: str
    region: str
    scope: Optional[str] = None  # "account <id>" or "organization" in organization mode
    function: Optional[str] = None
    time: Optional[datetime] = None
    request_id: Optional[str] = None
    report_id: str = ""
    dry_run: bool = False
    problem: Optional[str] = None
    problem_code: Optional[str] = None  # the run's own error code: its next step is listed first
    report_bucket: Optional[str] = None
    report_keys: Tuple[str, ...] = ()  # the report objects written
    report_error: Optional[str] = None  # why (some of) the report could not be written
    quota: Tuple[Dict[str, Any], ...] = ()  # data trackers in use per project (pipeline/quota.py)

    @property
    def quota_warnings(self) -> List[Dict[str, Any]]:
        return [use for use in self.quota if use.get("warn")]


# What a reader does about each of the function's own codes; a service's code gets the generic line.
NEXT_STEPS: Dict[str, str] = {
    ErrorCode.INVALID_EVENT: "The event or request was not understood; fix its sender (nothing was done).",
    ErrorCode.UNAUTHENTICATED: "Call the APIG trigger with IAM authentication (nothing was done).",
    ErrorCode.INVALID_CONFIGURATION: "Fix the named environment variables (nothing was done).",
    ErrorCode.MISSING_CREDENTIALS: "Give the function its agency (nothing was done).",
    ErrorCode.INTERNAL_ERROR: "A bug: the function's log has the details; please report it.",
    ErrorCode.INVALID_RESPONSE: "A service answered something that cannot be read (see the message): the next "
    "run asks again; if it persists, report it to the service with the request id.",
    ErrorCode.INVALID_REQUEST: "The configuration asks for a tracker CTS would refuse: fix the variable named.",
    ErrorCode.NOT_FOUND: "Check the names: the bucket, project or account must exist (new accounts appear "
    "in the organization within minutes).",
    ErrorCode.NOT_REACHED: "The run ran out of time before these: a later run takes them (an organization run "
    "queues its accounts in a different order each time); or raise the timeout or SWEEP_CONCURRENCY.",
    ErrorCode.DEADLINE_EXCEEDED: "A call did not fit in the time left: FunctionGraph retries; or raise the timeout.",
    ErrorCode.QUOTA_EXHAUSTED: "A project holds at most 100 data trackers (not raisable): list the buckets that "
    "matter most in PRIORITY_BUCKETS and leave others out with EXCLUDE_BUCKETS.",
    ErrorCode.TRACKER_DRIFT: "The tracker differs from the baseline: set REMEDIATE_DRIFT=true to repair it, or "
    "fix it by hand.",
    ErrorCode.NOT_COVERED: 'Run a backfill ({"action": "backfill", "all": true}) or wait for the timer sweep.',
    ErrorCode.COVERAGE_UNVERIFIED: "CTS said covered but the tracker could not be checked: the next run checks again.",
    ErrorCode.LOCATION_UNKNOWN: "OBS did not say where the bucket is: check it with HEAD bucket; the next run "
    "tries again.",
    ErrorCode.UNKNOWN_REGION: "A region in scope has no project: fix BASELINE_REGIONS, REGION or the request.",
    ErrorCode.NO_PROJECT: "The bucket's region has no project in the account, so no tracker can record it: "
    "create the region's project, or add the bucket to EXCLUDE_BUCKETS.",
    ErrorCode.TRANSFER_BUCKET_CONFLICT: "Another tracker writes its trace files to this bucket: decide, and add it "
    "to EXCLUDE_BUCKETS if it should stay untracked.",
    ErrorCode.AGENCY_UNAVAILABLE: "Create the member agency named in the message, in that account, trusting this "
    "one (scripts/deploy.py --emit-member-terraform).",
    ErrorCode.NOT_IN_SCOPE: "Nothing was changed: point Config's remediation only at this rule's bucket and project "
    "assignments, add a remediation exception for the resource, or widen BASELINE_REGIONS if it should be covered.",
    ErrorCode.QUOTA_NEARLY_FULL: WHAT_TO_DO,
    ErrorCode.OUT_OF_SCOPE: "Nothing was done in that account: this function acts only in active accounts of its "
    "organization, with ORGANIZATION_SWEEP=true, that ACCOUNTS admits and EXCLUDE_ACCOUNTS does not name.",
}
SERVICE_STEP = (
    "A cloud service refused or failed a call: its message and request id above say why; transient "
    "failures are retried by FunctionGraph and the next run."
)


def _summary(tally: Dict[str, int]) -> str:
    return ", ".join(f"{count} {outcome.replace('_', ' ')}" for outcome, count in tally.items()) or "nothing to do"


def _fit_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    return text if len(encoded) <= limit else encoded[:limit].decode("utf-8", "ignore")


def _wrapped(text: str, indent: str) -> List[str]:
    if len(indent) + len(text) <= WIDTH:  # most reasons fit on one line: no need for textwrap
        return [indent + text]
    return list(_wrap(text, indent))


@lru_cache(maxsize=512)
def _wrap(text: str, indent: str) -> Tuple[str, ...]:
    """A long reason wrapped, once: a sweep repeats the same reason for thousands of targets."""
    lines = textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False)
    return tuple(lines) or (indent.rstrip(),)


def _group_title(account: Optional[str], project: Optional[str], region: Optional[str]) -> str:
    where = f"project {project}" if project else "no project"
    where += f" ({region})" if region else ""
    return (f"Account {account}, " + where if account else where[0].upper() + where[1:]) + ":"


def _chunks(results: Sequence[TargetResult]) -> Iterator[Tuple[List[str], int]]:
    """The target lines, lazily, as (lines, targets in them): grouped by account and project (the
    id once per group), failures first in each, every line within WIDTH characters (outcome and
    full name, then the code and reason wrapped). Lazily, because a 10,000-target sweep shows only
    what fits in one SMN message."""
    groups: Dict[Tuple[Optional[str], Optional[str], Optional[str]], List[TargetResult]] = {}
    for result in results:
        target = result.target
        key = (target.account_id, target.project_id, target.region) if target else (None, None, None)
        if target is not None and target.kind == Kind.ACCOUNT:
            key = (None, None, None)
        groups.setdefault(key, []).append(result)
    ordered = sorted(groups.items(), key=lambda item: (all(r.outcome != Outcome.FAILED for r in item[1]), str(item[0])))
    for (account, project, region), members in ordered:
        yield [_group_title(account, project, region)], 0
        for result in sorted(members, key=lambda r: r.outcome != Outcome.FAILED):
            target = result.target
            what = f"{target.kind} {target.name or target.account_id or target.project_id or '?'}" if target else "-"
            outcome = str(result.outcome).upper() if result.outcome == Outcome.FAILED else str(result.outcome)
            detail = f"{result.error.code}: {result.reason}" if result.error else result.reason
            yield [f"  {outcome:<16} {what}", *_wrapped(detail, " " * 19)], 1
        yield [""], 0


def _body_text(
    head: List[str], chunks: Iterator[Tuple[List[str], int]], total: int, tail: List[str], budget: int
) -> str:
    """Head, as many targets as fit in `budget` bytes with the tail, a marker naming how many
    were left out, then the tail (next steps and report keys always survive). Sizes are counted
    as the text will travel, escaped inside message_structure's JSON (a newline is two bytes)."""
    end = "\n".join(tail)
    parts = ["\n".join(head)]
    reserve = _json_size(end) + _json_size(TRUNCATED.format(count=total)) + 4
    size = _json_size(parts[0]) + reserve
    shown = 0
    for lines, targets in chunks:
        text = "\n".join(lines)
        size += _json_size(text) + 2
        if size > budget:
            parts.append(TRUNCATED.format(count=total - shown).lstrip("\n"))
            break
        parts.append(text)
        shown += targets
    return "\n".join([*parts, end])


def _json_size(text: str) -> int:
    """Bytes of `text` inside a JSON string (json.dumps escapes to ASCII, so characters are bytes)."""
    return len(json.dumps(text)) - 2


def _sms(heading: Heading, tally: Dict[str, int]) -> str:
    """Counts only, in one SMS: 160 characters of Latin text, 70 otherwise."""
    where = f"{heading.scope}, {heading.region}" if heading.scope else heading.region
    text = f"cts-autotracker {where}: " + ("FAILED: " + heading.problem if heading.problem else _summary(tally))
    text += " (dry run)" if heading.dry_run else ""
    text += " (report not written)" if heading.report_error and not heading.problem else ""
    text += _quota_summary(heading, short=True)
    text = " ".join(_SMS_FORBIDDEN.sub("", printable(text)).split())
    limit = SMS_LATIN if all(ord(char) < 128 for char in text) else SMS_OTHER
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _quota_summary(heading: Heading, short: bool = False) -> str:
    """The fullest project at or above QUOTA_WARN_PERCENT, for the subject (and, shorter, the SMS)."""
    warned = heading.quota_warnings
    if not warned:
        return ""
    top = max(warned, key=lambda use: use["used"])
    if short:
        return f"; data tracker quota {top['used']}/{top['limit']}"
    more = f" (+{len(warned) - 1} more project(s))" if len(warned) > 1 else ""
    return f"; quota {top['used']}/{top['limit']} data trackers in project {top['project_id']}{more}"


def _head(heading: Heading, tally: Dict[str, int], unlisted: int) -> List[str]:
    flag = " (dry run: nothing was created)" if heading.dry_run else ""
    head: List[str] = []
    if heading.problem:  # the opener: nothing after it may read as "all is well"
        head += _wrapped(f"PROBLEM: the run failed: {heading.problem}", "")
    if heading.report_error:
        head += _wrapped(f"REPORT NOT WRITTEN: {heading.report_error}", "")
    for use in heading.quota_warnings:  # before the targets: a truncated message still says it
        head += _wrapped(f"QUOTA WARNING: {warning(use)}", "")
    head += [""] if head else []
    head += [f"cts-autotracker report{flag}", ""]
    facts = [
        ("Account", heading.scope or "this function's account"),
        ("Region", heading.region),
        ("Function", heading.function or "unknown"),
        ("Time", heading.time.strftime("%Y-%m-%d %H:%M:%S UTC") if heading.time else "unknown"),
        ("Request id", heading.request_id or "unknown"),
        ("Trigger", heading.trigger),
    ]
    if heading.report_id:
        facts.append(("Report id", f"{heading.report_id} (the same for every delivery and retry of one event)"))
    head += [f"{name + ':':<12}{value}" for name, value in facts]
    head += ["", "Outcomes:"] + [f"  {outcome:<16}{count:>6}" for outcome, count in tally.items()]
    if not tally:
        head.append("  nothing to do")
    head.append("")
    if unlisted:
        head.append(f"Needing attention ({unlisted} compliant or skipped target(s) not listed):")
    return head


def _tail(heading: Heading, results: Sequence[TargetResult]) -> List[str]:
    """Next steps, the run's own failure first (it may have no target to carry it), then the
    targets' codes, then a quota warning's; then the report objects."""
    first = [heading.problem_code] if heading.problem_code else []
    codes = [str(code) for code in dict.fromkeys([*first, *(r.error.code for r in results if r.error is not None)])]
    codes += [str(ErrorCode.QUOTA_NEARLY_FULL)] if heading.quota_warnings else []
    tail: List[str] = []
    if codes:
        tail.append("What to do next:")
        for code in codes:
            tail += _wrapped(f"{code}: {NEXT_STEPS.get(code, SERVICE_STEP)}", "  ")
        tail.append("")
    if heading.report_keys:  # only the objects written
        tail.append(f"Report objects (bucket {heading.report_bucket}):")
        tail += [f"  {key}" for key in heading.report_keys]
    return tail


def build_message(heading: Heading, results: Sequence[TargetResult], attention_only: bool = False) -> Dict[str, Any]:
    """The PublishMessage body: subject and a message_structure with default, email and sms.

    Sweeps (`attention_only`) list only targets that need a reader's attention; the counts
    still cover everything.
    """
    tally = summarise(results)
    flag = " (dry run)" if heading.dry_run else ""
    summary = f"FAILED: {heading.problem}" if heading.problem else _summary(tally)
    summary += "; report not written" if heading.report_error else ""
    summary += _quota_summary(heading)
    where = f"{heading.scope}, {heading.region}" if heading.scope else heading.region
    subject = _fit_bytes(" ".join(printable(f"cts-autotracker {where}: {summary}{flag}").split()), SUBJECT_BYTES)
    listed = [r for r in results if needs_attention(r)] if attention_only else list(results)
    head = _head(heading, tally, len(results) - len(listed))
    tail = _tail(heading, results)
    sms = _sms(heading, tally)
    # message_structure is one JSON string holding the text twice (default, email): halve the budget
    overhead = len(json.dumps({"default": "", "email": "", "sms": sms}).encode("utf-8"))
    budget = (MESSAGE_BYTES - overhead) // 2 - 64

    nothing = "No target was judged: see the PROBLEM above." if heading.problem else "Nothing needs attention."

    def body(budget: int) -> str:
        chunks = _chunks(listed) if listed else iter([([nothing, ""], 0)])
        text = _body_text(head, chunks, len(listed), tail, budget)
        if text.replace("\n", "").isprintable():  # the common case: one scan
            return text
        return "\n".join(printable(line) for line in text.split("\n"))  # no CR, no forged line

    text = body(budget)
    structure = json.dumps({"default": text, "email": text, "sms": sms})
    while len(structure.encode("utf-8")) > MESSAGE_BYTES:
        budget = budget * 9 // 10  # a safety net: the sizes above are counted escaped
        text = body(budget)
        structure = json.dumps({"default": text, "email": text, "sms": sms})
    return {"subject": subject, "message_structure": structure}


def publish(gateway: Gateway, topic_urn: Optional[str], body: Dict[str, Any]) -> Notification:
    """Publish the report; a failure is reported in the result, never raised."""
    if not topic_urn:
        return Notification(False, "SMN_TOPIC_URN is not set")
    match = TOPIC_URN.match(topic_urn)
    assert match is not None  # Settings validated the URN
    try:
        answer = gateway.publish(topic_urn, match.group("region"), match.group("project_id"), body)
    except CloudError as error:
        reason = "publishing the report failed; the tracker work above stands"
        return Notification(False, reason, topic_urn, error=error.info(), publish_failed=True)
    return Notification(True, "published", topic_urn, answer.get("message_id"))


def notify(
    run: Run, heading: Heading, results: List[TargetResult], problem: Optional[ErrorInfo], log: RunLog
) -> Notification:
    """Publish the SMN report, unless NOTIFY or the source's limit (APIG: per caller) says not to.
    A failure to build or publish it is recorded and logged, never raised: the results stand without it."""
    settings, work = run.settings, run.work
    if settings.notify == "never":
        return Notification(False, "NOTIFY=never")
    attention = problem is not None or heading.report_error is not None or bool(heading.quota_warnings)
    attention = attention or any(needs_attention(r) for r in results)
    if settings.notify == "attention" and not attention:
        return Notification(False, "NOTIFY=attention: nothing needed attention")
    if run.source.may_report is not None and not run.source.may_report(work):
        return Notification(False, "rate limited: at most one APIG report per caller per minute")
    try:
        body = build_message(heading, results, attention_only=work.traces is None and work.remediation is None)
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
