"""One SMN message per invocation, summarising every outcome, failures included.

Limits from SMN: subject <= 512 bytes, message <= 256 KB, SMS text <= 490
characters without brackets. Long reports are truncated with a marker; the
full detail stays in the returned result.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence

from .gateway import CloudError, Gateway
from .outcomes import FAILED, OUTCOMES, TargetResult
from .settings import TOPIC_URN

SUBJECT_BYTES = 512
MESSAGE_BYTES = 256 * 1024
SMS_CHARS = 490
TRUNCATED = "\n... [truncated: {count} more line(s); see the function's result for everything]"
_SMS_FORBIDDEN = re.compile(r"[\[\]【】]")


def counts(results: Sequence[TargetResult]) -> Dict[str, int]:
    tally = Counter(result.outcome for result in results)
    return {outcome: tally[outcome] for outcome in OUTCOMES if tally[outcome]}


def _summary(tally: Dict[str, int]) -> str:
    return ", ".join(f"{count} {outcome.replace('_', ' ')}" for outcome, count in tally.items()) or "nothing to do"


def _line(result: TargetResult) -> str:
    target = result.target
    what = (
        f"{target.kind} {target.name or '-'} (project {target.project_id or '-'}, {target.region or '-'})"
        if target
        else "event"
    )
    tracker = f" tracker={result.tracker.name}" if result.tracker else ""
    error = f" error={result.error.code}" if result.error else ""
    return f"- {result.outcome.upper()}: {what}{tracker}{error}: {result.reason}"


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


def _sms(trigger: str, region: str, tally: Dict[str, int], results: Sequence[TargetResult]) -> str:
    failed = [r.target.name or r.target.project_id or "?" for r in results if r.outcome == FAILED and r.target]
    text = f"cts-autotracker {region} {trigger}: {_summary(tally)}."
    if failed:
        text += " Failed: " + ", ".join(failed)
    text = _SMS_FORBIDDEN.sub("", text)
    return text if len(text) <= SMS_CHARS else text[: SMS_CHARS - 3] + "..."


def build_message(trigger: str, region: str, results: Sequence[TargetResult], dry_run: bool) -> Dict[str, Any]:
    """The PublishMessage body: subject and a message_structure with default, email and sms."""
    tally = counts(results)
    flag = " (dry run)" if dry_run else ""
    subject = _fit_bytes(f"cts-autotracker {region}: {_summary(tally)}{flag}", SUBJECT_BYTES)
    header = [f"cts-autotracker, {trigger} trigger, region {region}{flag}", f"Summary: {_summary(tally)}", ""]
    ordered = sorted(results, key=lambda r: r.outcome != FAILED)  # failures first, so truncation keeps them
    lines = [_line(result) for result in ordered]
    sms = _sms(trigger, region, tally, results)
    # message_structure is one JSON string holding the text twice (default, email): halve the budget
    overhead = len(json.dumps({"default": "", "email": "", "sms": sms}).encode("utf-8"))
    budget = (MESSAGE_BYTES - overhead) // 2 - 64
    text = _body_text(header, lines, budget)
    while len(json.dumps({"default": text, "email": text, "sms": sms}).encode("utf-8")) > MESSAGE_BYTES:
        budget = budget * 9 // 10  # JSON escaping (quotes, non-ASCII) made it longer than counted
        text = _body_text(header, lines, budget)
    structure = json.dumps({"default": text, "email": text, "sms": sms})
    return {"subject": subject, "message_structure": structure}


def publish(
    gateway: Optional[Gateway],
    topic_urn: Optional[str],
    trigger: str,
    region: str,
    results: Sequence[TargetResult],
    dry_run: bool,
) -> Dict[str, Any]:
    """Publish the report; a failure is reported in the result, never raised."""
    if not topic_urn:
        return {
            "sent": False,
            "topic_urn": None,
            "message_id": None,
            "error": None,
            "reason": "SMN_TOPIC_URN is not set",
        }
    if gateway is None:
        return {"sent": False, "topic_urn": topic_urn, "message_id": None, "error": None, "reason": "no credentials"}
    match = TOPIC_URN.match(topic_urn)
    assert match is not None  # Settings validated the URN
    body = build_message(trigger, region, results, dry_run)
    try:
        answer = gateway.publish(topic_urn, match.group("region"), match.group("project_id"), body)
    except CloudError as error:
        return {
            "sent": False,
            "topic_urn": topic_urn,
            "message_id": None,
            "error": {"code": error.code, "message": error.message},
            "reason": "publishing the report failed; the tracker work above stands",
        }
    return {
        "sent": True,
        "topic_urn": topic_urn,
        "message_id": answer.get("message_id"),
        "error": None,
        "reason": "published",
    }
