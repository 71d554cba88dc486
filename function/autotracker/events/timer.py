"""The FunctionGraph timer trigger: enforce the audit baseline on a schedule."""

from typing import Any, Dict, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from .envelopes import EventError


class TimerEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    trigger_type: str
    trigger_name: Optional[str] = None
    time: Optional[str] = None
    user_event: Optional[str] = None


def parse_timer(event: Dict[str, Any]) -> TimerEvent:
    try:
        return TimerEvent.model_validate(event)
    except ValidationError as error:
        fields = ", ".join(sorted({str(item["loc"][0]) for item in error.errors() if item.get("loc")}))
        raise EventError(f"invalid timer event: bad {fields}") from None
