"""A CTS audit trace (the `cts` object of a CTS-trigger event, or EventGrid's `data`).

Real traces vary: empty or JSON-string `request`/`response`, `code` as 0, an
HTTP status or a string, times in any form (not read), `resource_id`
as `{}` (FunctionGraph's own CTS-trigger template), `trace_rating` instead of
`trace_status`, extra fields. Parsing is
tolerant; what the function uses (bucket name, project id, region) is then
validated strictly in `intents`.
"""

from typing import Any, Dict, Optional

from pydantic import BaseModel, ConfigDict, field_validator

from ..untrusted import UntrustedJsonError, parse_json, shown


def _text(value: Any) -> Optional[str]:
    """The value as text, unchanged (a name with surrounding blanks is not silently repaired);
    None when absent, blank or not a scalar (`"resource_id": {}` in FunctionGraph's template)."""
    if value is None or isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value)
    return text if text.strip() else None


def _json_object(value: Any) -> Dict[str, Any]:
    """An object, or a JSON string of one; anything else (including hostile nesting) reads as {}."""
    if isinstance(value, str):
        try:
            value = parse_json(value)
        except UntrustedJsonError:
            return {}
    return value if isinstance(value, dict) else {}


class CtsTrace(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    service_type: Optional[str] = None
    resource_type: Optional[str] = None
    trace_name: Optional[str] = None
    resource_name: Optional[str] = None
    resource_id: Optional[str] = None
    trace_id: Optional[str] = None
    trace_status: Optional[str] = None
    trace_rating: Optional[str] = None
    project_id: Optional[str] = None
    code: Optional[int] = None
    request: Dict[str, Any] = {}
    response: Dict[str, Any] = {}
    user: Dict[str, Any] = {}  # who called: {"domain": {"id", "name"}, ...}

    @field_validator(
        "service_type",
        "resource_type",
        "trace_name",
        "resource_name",
        "resource_id",
        "trace_id",
        "trace_status",
        "trace_rating",
        "project_id",
        mode="before",
    )
    @classmethod
    def _tolerant_text(cls, value: Any) -> Optional[str]:
        return _text(value)

    @field_validator("code", mode="before")
    @classmethod
    def _tolerant_code(cls, value: Any) -> Optional[int]:
        text = (_text(value) or "").strip()
        return int(text) if text.isdigit() and len(text) <= 6 else None

    @field_validator("request", "response", "user", mode="before")
    @classmethod
    def _tolerant_body(cls, value: Any) -> Dict[str, Any]:
        return _json_object(value)

    @property
    def operation(self) -> str:
        """`Service:resource_type:trace_name`, the form CTS triggers are configured with (as shown)."""
        return shown(f"{self.service_type or '?'}:{self.resource_type or '?'}:{self.trace_name or '?'}", 120)

    def failure(self) -> Optional[str]:
        """Why the traced operation did not succeed, or None when it did."""
        if self.code is not None and self.code >= 400:
            return f"the traced operation failed (code {self.code})"
        for field, level in (("trace_status", self.trace_status), ("trace_rating", self.trace_rating)):
            if level is not None and level.strip().lower() != "normal":  # a failed call can show code 200
                return f"the traced operation did not succeed ({field} {shown(level, 40)})"
        return None
