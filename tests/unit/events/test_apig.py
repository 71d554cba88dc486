"""events/apig.py: who called (never anonymous), the body read as a bounded JSON object, and the HTTP answer."""

from __future__ import annotations

import base64
import json
from typing import Any, Dict

import pytest

from autotracker.contract import ErrorCode
from autotracker.events.apig import MAX_BODY_BYTES, ReportLimiter, caller_of, http_response, request_body
from autotracker.events.envelopes import EventError, Unauthenticated


def apig(body: str, method: str = "POST", encoded: bool = False, **headers: str) -> Dict[str, Any]:
    return {"httpMethod": method, "path": "/", "headers": headers, "body": body, "isBase64Encoded": encoded}


def test_the_caller_is_the_authorizers_identity_or_a_hash_of_the_token_never_the_token() -> None:
    assert caller_of({"requestContext": {"authorizer": {"user_id": " u-1 "}}}) == "user_id:u-1"
    by_token = caller_of(apig("{}", **{"X-Auth-Token": "secret-token"}))
    assert by_token.startswith("token:") and "secret-token" not in by_token
    with pytest.raises(Unauthenticated):
        caller_of(apig("{}"))


def test_the_body_is_a_json_object_plain_or_base64() -> None:
    body = json.dumps({"action": "audit", "all": True})
    assert request_body(apig(body)) == {"action": "audit", "all": True}
    assert request_body(apig(base64.b64encode(body.encode()).decode(), encoded=True))["action"] == "audit"


@pytest.mark.parametrize(
    ("event", "said"),
    [
        (apig("{}", method="GET"), "POST"),
        (apig("[1]"), "JSON object"),
        (apig("not json"), "not JSON"),
        (apig("%%%", encoded=True), "base64"),
        (apig(" " * (MAX_BODY_BYTES + 1)), "larger"),
    ],
)
def test_a_body_that_is_no_bounded_json_object_is_an_event_error(event: Dict[str, Any], said: str) -> None:
    with pytest.raises(EventError, match=said):
        request_body(event)


def test_the_http_status_follows_the_result() -> None:
    assert http_response({"ok": True})["statusCode"] == 200
    assert http_response({"ok": False, "error": {"code": ErrorCode.UNAUTHENTICATED}})["statusCode"] == 401
    assert http_response({"ok": False, "error": {"code": ErrorCode.INVALID_EVENT}})["statusCode"] == 400


def test_one_report_per_caller_per_interval_and_the_oldest_caller_forgotten_first() -> None:
    limiter = ReportLimiter(interval=3600.0, size=2)
    assert limiter.allow("a") and not limiter.allow("a") and limiter.allow("b")
    assert limiter.allow("c")  # "a" is forgotten: the limiter stays bounded
    assert limiter.allow("a")
