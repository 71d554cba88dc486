"""The invocation, end to end: event -> intents -> plan -> SDK calls -> results -> notification.

Bad input (malformed event, invalid configuration, missing credentials) is
answered with `ok: false` and a reason, never raised: FunctionGraph would
retry a permanently bad event.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from .apply import apply
from .credentials import CredentialsError, resolve_credentials
from .events.envelopes import EventError, is_cts_delivery, unwrap
from .gateway import Gateway
from .intents import Intent, intent_from_trace
from .notify import counts, publish
from .outcomes import FAILED, TargetResult
from .plan import plan
from .retry import Deadline, RetryPolicy
from .settings import ConfigurationError, Settings, load_settings, read_environment

LOG = logging.getLogger("cts_autotracker")
NOTIFY_RESERVE_SECONDS = 3.0


def handle(event: Any, context: Any, environ: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    environ = os.environ if environ is None else environ
    try:
        credentials = resolve_credentials(context, environ)
    except CredentialsError as error:
        credentials, missing = None, error
    secrets = credentials.secrets() if credentials else ()
    trigger = "unknown"
    try:
        trigger, traces = _classify(event)
        settings = load_settings(read_environment(environ, getattr(context, "getUserData", None)))
    except EventError as error:
        return _finish(_error_result(trigger, "InvalidEvent", str(error)), secrets)
    except ConfigurationError as error:
        return _finish(_error_result(trigger, "InvalidConfiguration", str(error)), secrets)
    if credentials is None:
        return _finish(_error_result(trigger, "MissingCredentials", str(missing)), secrets)

    deadline = Deadline(_remaining_ms(context))
    policy = RetryPolicy(max_attempts=settings.retry_max_attempts, base_delay=settings.retry_base_delay_ms / 1000.0)
    gateway = Gateway(credentials, settings, deadline, policy, reserve=NOTIFY_RESERVE_SECONDS)
    try:
        results = _track(traces, credentials.project_id, settings, gateway)
        notification = publish(gateway, settings.smn_topic_urn, trigger, settings.region, results, settings.dry_run)
    finally:
        gateway.close()
    return _finish(_result(trigger, settings.dry_run, results, notification), secrets)


def _classify(event: Any) -> "tuple[str, List[Any]]":
    if not isinstance(event, dict):
        raise EventError("the event must be a JSON object")
    if is_cts_delivery(event):
        return unwrap(event)
    raise EventError(
        'unrecognised event: expected a CTS trigger event {"cts": {...}} '
        'or an EventGrid CloudEvent (alone or as {"events": [...]})'
    )


def _track(
    traces: List[Any], default_project_id: Optional[str], settings: Settings, gateway: Gateway
) -> List[TargetResult]:
    """Results in the order the traces arrived; a target repeated in one delivery is reported once."""
    decided: List[Union[Intent, TargetResult]] = [
        intent_from_trace(trace, default_project_id, settings.region) for trace in traces
    ]
    intents = [item for item in decided if isinstance(item, Intent)]
    done = {result.target: result for result in apply(plan(intents, settings), gateway, settings.dry_run)}
    ordered: List[TargetResult] = []
    for item in decided:
        if isinstance(item, TargetResult):
            ordered.append(item)
        elif item.target in done:
            ordered.append(done.pop(item.target))
    return ordered


def _remaining_ms(context: Any) -> Optional[float]:
    getter = getattr(context, "getRemainingTimeInMilliSeconds", None)
    try:
        return float(getter()) if getter else None
    except Exception:  # noqa: BLE001 - a context without a clock means "no limit known"
        return None


def _result(trigger: str, dry_run: bool, results: List[TargetResult], notification: Dict[str, Any]) -> Dict[str, Any]:
    failed = any(result.outcome == FAILED for result in results)
    notification_failed = notification.get("error") is not None
    return {
        "ok": not failed and not notification_failed,
        "trigger": trigger,
        "dry_run": dry_run,
        "summary": counts(results),
        "results": [result.to_dict() for result in results],
        "notification": notification,
        "error": None,
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
    for secret in secrets:
        text = text.replace(json.dumps(secret)[1:-1], "***")
    clean: Dict[str, Any] = json.loads(text)
    LOG.info("cts-autotracker %s", json.dumps({k: clean[k] for k in ("ok", "trigger", "summary", "error")}))
    return clean
