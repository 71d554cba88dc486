"""Cloud errors as the rest of the function sees them: `CloudError` (one failed call, with the
service's own code and whether retrying may help), `Unjudged` (what an invocation needed could
not be read), and how an SDK exception is told transient, permanent or surely not sent."""

from __future__ import annotations

import re
from typing import Optional, Tuple

import requests
from huaweicloudsdkcore.exceptions.exceptions import (
    ConnectionException,
    HostUnreachableException,
    RequestTimeoutException,
    SdkException,
    ServiceResponseException,
    SslHandShakeException,
)

from ..contract import ErrorInfo, TargetResult
from ..untrusted import shown
from .credentials import scrub

_DOTTED_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]*\.\d+$")  # CTS.0007, APIGW.0301, SMN.0004, STS5.1106


class DeadlineReached(Exception):
    """Not enough of the invocation is left to start a call."""


class CloudError(Exception):
    """A failed cloud call, with the service's own code; `transient` says whether retrying may help."""

    def __init__(
        self,
        code: str,
        message: str,
        status: Optional[int] = None,
        transient: bool = False,
        request_id: Optional[str] = None,
    ):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.transient = transient
        self.request_id = request_id  # the service's id of the failed request

    def info(self, message: Optional[str] = None) -> ErrorInfo:
        """The error as a result shows it (optionally with a message of the caller's)."""
        return ErrorInfo(self.code, self.message if message is None else message, self.request_id)


class Unjudged(Exception):
    """What the invocation needed to read could not be read (an inventory, an organization), so
    nothing was judged: the result's top-level error, with the code and whether a retry may help.
    `results` holds what was still done about it (a Config rule's NonCompliant for the record
    its event names), reported alongside that error."""

    def __init__(self, code: str, message: str, transient: bool = False):
        super().__init__(message)
        self.code = code
        self.transient = transient
        self.results: Tuple[TargetResult, ...] = ()


def is_transient(error: BaseException) -> bool:
    """Throttling, 5xx, dropped connections and timeouts; never 401/403, quota or validation errors."""
    if isinstance(error, ServiceResponseException):
        return _refused_for_now(error)
    return isinstance(error, (ConnectionException, RequestTimeoutException, requests.RequestException))


def _refused_for_now(error: ServiceResponseException) -> bool:
    """Throttled (429, not a disabled function) or failed on the server (5xx): nothing took effect,
    and a later attempt may succeed."""
    return (error.status_code == 429 and not is_disabled(error)) or error.status_code >= 500


def is_disabled(error: ServiceResponseException) -> bool:
    """FunctionGraph answers 429 `FSS.0429` both for throttling and for "Function Disabled"; the
    second is permanent (a disabled function stays so until a human enables it), told by its message."""
    return service_code(error) == "FSS.0429" and "disabled" in str(error.error_msg or "").lower()


def service_code(error: BaseException) -> Optional[str]:
    """The service's error code in one spelling: some editions answer `cts.0007` in lower case.
    Only a dotted code all in lower case is upper-cased (`sts5.1106` is `STS5.1106`); a documented
    mixed-case one stays as the service spells it (`Organizations.1002`), as do OBS's words
    (`AccessDenied`, `NoSuchBucket`)."""
    code = getattr(error, "error_code", None)
    if not code:
        return None
    text = str(code)
    return text.upper() if _DOTTED_CODE.match(text) and text.islower() else text


def nothing_sent(error: BaseException) -> bool:
    """The request surely did not take effect: refused (429), failed on the server (5xx), or the
    connection was never made. A dropped connection or a read timeout may hide a success, so a
    publish is not repeated on those (the report would go out twice)."""
    if isinstance(error, ServiceResponseException):
        return _refused_for_now(error)
    if isinstance(error, (HostUnreachableException, SslHandShakeException, requests.ConnectTimeout)):
        return True
    cause = error.__context__
    while cause is not None:
        if isinstance(cause, requests.ConnectTimeout) or "NewConnectionError" in repr(cause):
            return True
        cause = cause.__context__
    return False


def normalise(error: BaseException, redact: Tuple[str, ...]) -> CloudError:
    if isinstance(error, ServiceResponseException):
        code = service_code(error) or str(error.status_code)
        message = str(error.error_msg or "")
        status: Optional[int] = error.status_code
    elif isinstance(error, (SdkException, requests.RequestException)):
        code, status = type(error).__name__, None
        message = str(getattr(error, "error_msg", None) or error)
    else:
        raise error
    # a service's text is untrusted: printable and encodable before it reaches any output
    message = shown(scrub(message, redact), 500)
    request_id = getattr(error, "request_id", None)
    request_id = shown(request_id, 128) if request_id else None
    return CloudError(shown(code, 100), message, status, is_transient(error), request_id)
