"""cloud/errors.py: which failures are transient, which surely sent nothing, and the service's code in one spelling."""

from __future__ import annotations

import pytest
import requests
from huaweicloudsdkcore.exceptions.exceptions import ConnectionException, SdkError, ServiceResponseException

from autotracker.cloud.errors import is_disabled, is_transient, nothing_sent, service_code


def answer(status: int, code: str = "X.0001", message: str = "m") -> ServiceResponseException:
    """The exception the SDK raises for an error answer (its own constructor, as its transport calls it)."""
    return ServiceResponseException(status, SdkError("req-1", code, message))


@pytest.mark.parametrize(("status", "transient"), [(429, True), (500, True), (503, True), (400, False), (403, False)])
def test_throttling_and_server_errors_are_transient_others_not(status: int, transient: bool) -> None:
    assert is_transient(answer(status)) is transient
    assert nothing_sent(answer(status)) is transient


def test_a_disabled_function_is_a_permanent_429() -> None:
    disabled = answer(429, "FSS.0429", "Function Disabled")
    assert is_disabled(disabled) and not is_transient(disabled)
    assert is_transient(answer(429, "FSS.0429", "Too many requests"))


def test_a_dropped_connection_is_transient_but_may_have_taken_effect() -> None:
    dropped = ConnectionException("connection reset")
    assert is_transient(dropped) and not nothing_sent(dropped)
    assert nothing_sent(requests.ConnectTimeout("never connected"))


@pytest.mark.parametrize(
    ("code", "read"),
    [
        ("cts.0007", "CTS.0007"),
        ("sts5.1106", "STS5.1106"),
        ("Organizations.1002", "Organizations.1002"),
        ("NoSuchBucket", "NoSuchBucket"),
    ],
)
def test_a_service_code_is_read_in_one_spelling(code: str, read: str) -> None:
    assert service_code(answer(400, code)) == read


def test_an_error_without_a_code_has_none() -> None:
    assert service_code(ValueError("plain")) is None
