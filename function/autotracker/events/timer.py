"""The FunctionGraph timer trigger: enforce the audit baseline on a schedule."""

from __future__ import annotations

from typing import Any, Dict, Optional

from pydantic import BaseModel, ConfigDict


class TimerEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    trigger_type: str
    trigger_name: Optional[str] = None
    time: Optional[str] = None
    user_event: Optional[str] = None


def is_timer(event: Dict[str, Any]) -> bool:
    return str(event.get("trigger_type", "")).upper() == "TIMER"
