"""The APIG trigger: a manual request in an HTTP body, answered as an HTTP response."""

import base64
import binascii
import json
from typing import Any, Dict, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from ..untrusted import UntrustedJsonError, parse_json
from .envelopes import EventError

MAX_BODY_BYTES = 64 * 1024


class ApigEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    httpMethod: str
    body: Optional[str] = None
    isBase64Encoded: bool = False


def request_body(event: Dict[str, Any]) -> Dict[str, Any]:
    """The JSON object in the HTTP body; EventError says why it is not one."""
    try:
        apig = ApigEvent.model_validate(event)
    except ValidationError as error:
        fields = ", ".join(sorted({str(item["loc"][0]) for item in error.errors() if item.get("loc")}))
        raise EventError(f"invalid APIG event: bad {fields}") from None
    if apig.httpMethod.upper() != "POST":
        raise EventError("use POST with a JSON body")
    raw = apig.body or ""
    if apig.isBase64Encoded:
        try:
            raw = base64.b64decode(raw, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise EventError("body is marked base64 but is not valid base64 UTF-8") from None
    if len(raw.encode("utf-8")) > MAX_BODY_BYTES:
        raise EventError(f"body larger than {MAX_BODY_BYTES} bytes")
    try:
        payload = parse_json(raw)
    except UntrustedJsonError as error:
        raise EventError(f"body is {error}") from None
    if not isinstance(payload, dict):
        raise EventError("body must be a JSON object")
    return payload


def http_response(result: Dict[str, Any]) -> Dict[str, Any]:
    error = result.get("error") or {}
    if result.get("ok"):
        status = 200
    elif error.get("code") == "InvalidEvent":
        status = 400
    elif error:
        status = 500
    else:
        status = 207  # the request was valid; some targets need attention (see results)
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(result),
        "isBase64Encoded": False,
    }
