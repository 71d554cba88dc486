"""Which event source sent this: cheap key checks, so a bucket event never imports the
models of the other sources."""

from __future__ import annotations

from typing import Any, Dict


def is_apig(event: Dict[str, Any]) -> bool:
    return "httpMethod" in event


def is_timer(event: Dict[str, Any]) -> bool:
    return str(event.get("trigger_type", "")).upper() == "TIMER"


def is_manual(event: Dict[str, Any]) -> bool:
    return "action" in event


def is_cts_delivery(event: Dict[str, Any]) -> bool:
    return "cts" in event or "events" in event or "specversion" in event
