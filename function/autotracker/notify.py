"""One SMN message per invocation, summarising every outcome, failures included.

Limits from SMN: subject <= 512 bytes, message <= 256 KB, SMS text <= 490
characters without brackets. Long reports are truncated with a marker; the
full detail stays in the returned result.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Sequence

from .contract import Notification, Outcome, TargetResult, summarise
from .gateway import CloudError, Gateway
from .settings import TOPIC_URN

SUBJECT_BYTES = 512
MESSAGE_BYTES = 256 * 1024
SMS_CHARS = 490
TRUNCATED = "\n... [truncated: {count} more line(s); see the function's result for everything]"
_SMS_FORBIDDEN = re.compile(r"[\[\]【】]")


def _summary(tally: Dict[str, int]) -> str:
    return ", ".join(f"{count} {outcome.replace('_', ' ')}" for outcome, count in tally.items()) or "nothing to do"


def needs_attention(result: TargetResult) -> bool:
    """Created, repaired, planned, failed or flagged: what a reader of a sweep report must see."""
    return result.error is not None or result.outcome not in ("already_tracked", "skipped")


def _table(results: Sequence[TargetResult]) -> List[str]:
    """A compact fixed-width table: outcome, kind, name, project, code, reason."""
    rows = [
        (
            r.outcome,
            r.target.kind if r.target else "-",
            (r.target.name or "-") if r.target else "-",
            (r.target.project_id or "-") if r.target else "-",
            r.error.code if r.error else "-",
            r.reason,
        )
        for r in results
    ]
    header = ("OUTCOME", "KIND", "NAME", "PROJECT", "CODE", "REASON")
    widths = [min(40, max(len(row[i]) for row in [header, *rows])) for i in range(5)]
    return [
        "  ".join(cell[:40].ljust(width) for cell, width in zip(row[:5], widths)) + "  " + row[5]
        for row in [header, *rows]
    ]


def _fit_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    return text if len(encoded) <= limit else encoded[:limit].decode("utf-8", "ignore")


def _body_text(header: List[str], lines: List[str], budget: int) -> str:
    """Header plus as many lines as fit in `budget` bytes, then a marker naming how many were cut."""
    text = "\n".join(header)
    for index, line in enumerate(lines):
        rest = len(lines) - index - 1
        candidate = text + "\n" + line
        needed = candidate + (TRUNCATED.format(count=rest) if rest else "")
        if len(needed.encode("utf-8")) > budget:
            return text + TRUNCATED.format(count=len(lines) - index)
        text = candidate
    return text


def _sms(
    trigger: str, region: str, tally: Dict[str, int], results: Sequence[TargetResult], problem: Optional[str]
) -> str:
    failed = [r.target.name or r.target.project_id or "?" for r in results if r.outcome == Outcome.FAILED and r.target]
    text = f"cts-autotracker {region} {trigger}: {_summary(tally)}."
    if problem:
        text += f" Problem: {problem}."
    if failed:
        text += " Failed: " + ", ".join(failed)
    text = _SMS_FORBIDDEN.sub("", text)
    return text if len(text) <= SMS_CHARS else text[: SMS_CHARS - 3] + "..."


def build_message(
    trigger: str,
    region: str,
    results: Sequence[TargetResult],
    dry_run: bool,
    attention_only: bool = False,
    problem: Optional[str] = None,
    report_id: str = "",
    scope: Optional[str] = None,
) -> Dict[str, Any]:
    """The PublishMessage body: subject and a message_structure with default, email and sms.

    Sweeps (`attention_only`) list only targets that need a reader's attention; the
    counts still cover everything. `scope` names a member account or the organization.
    """
    tally = summarise(results)
    flag = " (dry run)" if dry_run else ""
    summary = f"FAILED: {problem}" if problem else _summary(tally)
    where = f"{scope}, {region}" if scope else region  # scope: a member account, or the organization
    subject = _fit_bytes(f"cts-autotracker {where}: {summary}{flag}", SUBJECT_BYTES)
    about = f"{scope}, region {region}" if scope else f"region {region}"
    header = [f"cts-autotracker, {trigger} trigger, {about}{flag}", f"Summary: {_summary(tally)}"]
    if problem:
        header.append(f"Problem: {problem}")
    if report_id:
        header.append(f"Report id: {report_id} (every delivery and retry of one event has the same id)")
    listed = [r for r in results if needs_attention(r)] if attention_only else list(results)
    if len(listed) < len(results):
        header.append(f"({len(results) - len(listed)} compliant or skipped target(s) not listed)")
    ordered = sorted(listed, key=lambda r: r.outcome != Outcome.FAILED)  # failures first, so truncation keeps them
    lines = _table(ordered) if ordered else []
    sms = _sms(trigger, region, tally, results, problem)
    # message_structure is one JSON string holding the text twice (default, email): halve the budget
    overhead = len(json.dumps({"default": "", "email": "", "sms": sms}).encode("utf-8"))
    budget = (MESSAGE_BYTES - overhead) // 2 - 64
    text = _body_text([*header, ""], lines, budget)
    while len(json.dumps({"default": text, "email": text, "sms": sms}).encode("utf-8")) > MESSAGE_BYTES:
        budget = budget * 9 // 10  # JSON escaping (quotes, non-ASCII) made it longer than counted
        text = _body_text([*header, ""], lines, budget)
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
        return Notification(False, reason, topic_urn, error=error.info())
    return Notification(True, "published", topic_urn, answer.get("message_id"))
