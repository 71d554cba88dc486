"""The thin layer over the official SDK clients: build, call, retry, normalise errors.

Everything that touches `huaweicloudsdk*` lives here, so the rest of the code
deals in plain dicts and `CloudError`. Clients are built per (service, endpoint,
project, credentials) and reused while those credentials last (`ClientCache`):
agency credentials are temporary, and a client never outlives the ones it holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Set, Tuple, TypeVar

import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exception_handler import DefaultExceptionHandler
from huaweicloudsdkcore.exceptions.exceptions import (
    ClientRequestException,
    ConnectionException,
    HostUnreachableException,
    RequestTimeoutException,
    SdkError,
    SdkException,
    ServerResponseException,
    ServiceResponseException,
    SslHandShakeException,
)
from huaweicloudsdkcore.http.http_config import HttpConfig

from ..contract import ErrorCode, ErrorInfo, TargetResult
from ..settings import REGION, Settings
from ..untrusted import encodable, shown
from . import sdk_modules
from .credentials import Credentials, scrub
from .retry import Deadline, RetryPolicy, call_with_retry

sdk_modules.install()  # the SDK's clients and models load one module at a time

if TYPE_CHECKING:
    from .records import TrackerRecord

T = TypeVar("T")

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0  # at most, per request; less when less of the invocation is left
POOL_SIZE = 32  # connections per client: sweeps call one endpoint from many threads
_DOTTED_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]*\.\d+$")  # CTS.0007, APIGW.0301, SMN.0004, STS5.1106
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")  # where a JSON answer may hold a lone surrogate
# HEAD bucket's failures by status: the answer has no body to say why
_HEAD_STATUS = {
    403: "access denied (the bucket is another account's, or the agency lacks obs:bucket:HeadBucket)",
    404: "no such bucket",
}
PUBLISH_MARGIN = 1.0  # seconds kept after the report's publish, so the handler returns in time

# The timeout of the call running in this thread: cached clients are shared by invocations
# (and a sweep's threads), so a call's timeout must never be written into the client.
_CALL_TIMEOUT: ContextVar[Optional[Tuple[float, float]]] = ContextVar("call_timeout", default=None)


class _PerCallTimeoutConfig(HttpConfig):
    """An HttpConfig whose `timeout` is the calling thread's, set around each call."""

    @property
    def timeout(self) -> Any:
        return _CALL_TIMEOUT.get() or self._timeout

    @timeout.setter
    def timeout(self, value: Any) -> None:
        self._timeout = value


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


def _normalise(error: BaseException, redact: Tuple[str, ...]) -> CloudError:
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


def _xml_root(content: bytes) -> Any:
    """An OBS answer's XML root, with the standard library's parser, hardened: a document with
    a DTD (where entity expansion lives) is refused; ValueError when it is not XML."""
    from xml.etree import ElementTree

    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise ValueError("a DTD is not expected in an OBS answer")
    try:
        return ElementTree.fromstring(content)
    except ElementTree.ParseError as error:
        raise ValueError(str(error)) from None


def _namespace(root: Any) -> str:
    return str(root.tag[: root.tag.index("}") + 1]) if root.tag.startswith("{") else ""


def bucket_listing(content: bytes) -> List[Dict[str, Optional[str]]]:
    """`<ListAllMyBucketsResult>`'s buckets as {name, location}."""
    root = _xml_root(content)
    namespace = _namespace(root)
    buckets: List[Dict[str, Optional[str]]] = []
    for bucket in root.iter(namespace + "Bucket"):
        name = (bucket.findtext(namespace + "Name") or "").strip()
        if name:
            buckets.append({"name": name, "location": (bucket.findtext(namespace + "Location") or "").strip() or None})
    return buckets


class ObsErrorHandler(DefaultExceptionHandler):
    """OBS answers errors in XML (`<Error><Code/><Message/><RequestId/>...`) with the id in
    `x-obs-request-id`; the SDK's default handler reads JSON and `X-Request-Id` only, so an OBS
    error would surface as code "404" with the XML as its message and no request id."""

    def handle_exception(self, request: Any, response: Any) -> None:
        if response.status_code < 400:
            return
        try:
            root = _xml_root(response.content or b"")
        except ValueError:
            root = None
        if root is None or root.tag.rsplit("}", 1)[-1] != "Error":
            try:  # not OBS's XML: JSON from a gateway, or nothing (HEAD, a plain 403)
                super().handle_exception(request, response)
            except ServiceResponseException as refused:  # the default reads X-Request-Id only
                refused.request_id = refused.request_id or response.headers.get("x-obs-request-id")
                raise
            return
        namespace = _namespace(root)

        def text(name: str) -> Optional[str]:
            return (root.findtext(namespace + name) or "").strip() or None

        request_id = response.headers.get("x-obs-request-id") or text("RequestId")
        status = response.status_code
        error = SdkError(request_id, text("Code") or str(status), text("Message") or f"OBS answered {status}")
        raise ClientRequestException(status, error) if status < 500 else ServerResponseException(status, error)


OBS_ERRORS = ObsErrorHandler()
DEFAULT_ERRORS = DefaultExceptionHandler()


def _object(response: Any) -> Dict[str, Any]:
    """The response's JSON object; anything else (empty, a list, text) reads as {}."""
    try:
        payload = response.to_json_object()
    except ValueError:  # not JSON at all
        return {}
    return encodable(payload) if isinstance(payload, dict) else {}


def _raw_invoker(client: Any, info: Dict[str, Any], package: str) -> Any:
    """The SDK's invoker for a call whose answer the caller reads itself (`.content`): the SDK
    builds, signs, sends and checks it as usual, but does not convert the answer to its model."""
    from huaweicloudsdkcore.invoker.invoker import SyncInvoker

    info["response_type"] = sdk_modules.raw_response(package)
    return SyncInvoker(client, info)


def _json_answer(client: Any, info: Dict[str, Any], package: str) -> Callable[[], Dict[str, Any]]:
    """A call whose JSON answer is read as plain data, for the calls made per target or per
    invocation: converting it to the SDK's model and back is a tenth of a CreateTracker's CPU,
    and more for 100 listed trackers."""
    invoker = _raw_invoker(client, info, package)

    def call() -> Dict[str, Any]:
        content = invoker.invoke().content
        try:  # decoded here: json.loads(bytes) would let raw surrogate bytes (ED A0 80) through
            payload = json.loads(content.decode("utf-8", "replace"))
        except ValueError:  # not JSON at all
            return {}
        if not isinstance(payload, dict):
            return {}
        return encodable(payload) if _ESCAPED_SURROGATE.search(content) else payload

    return call


class Gateway:
    def __init__(
        self,
        credentials: Credentials,
        settings: Settings,
        deadline: Deadline,
        policy: RetryPolicy,
        reserve: float = 0.0,
    ):
        self._credentials = credentials
        self._settings = settings
        self._deadline = deadline
        self._policy = policy
        self._reserve = reserve
        self._fingerprint = hashlib.sha256(
            "\0".join(credentials.secrets()).encode("utf-8")
        ).hexdigest()  # keys the client cache without keeping the secrets in the key

    def acting_as(self, credentials: Credentials) -> "Gateway":
        """The same deadline, retries and endpoints with other credentials (a member account's); the
        invocation's other secrets (FANOUT_KEY) are still scrubbed from what those calls answer."""
        for secret in self._credentials.kept:
            credentials = credentials.keeping_secret(secret)
        return Gateway(credentials, self._settings, self._deadline, self._policy, self._reserve)

    # -- CTS ---------------------------------------------------------------
    def create_tracker(
        self,
        region: str,
        project_id: str,
        body: Dict[str, Any],
        retry_on: Callable[[BaseException], bool] = is_transient,
    ) -> Dict[str, Any]:
        from huaweicloudsdkcts.v3.cts_client import CtsClient
        from huaweicloudsdkcts.v3.model.create_tracker_request import CreateTrackerRequest

        info = CtsClient._create_tracker_http_info(CreateTrackerRequest(body=body))
        return self._call(_json_answer(self._cts(region, project_id), info, "huaweicloudsdkcts.v3"), retry_on)

    def list_trackers(
        self, region: str, project_id: str, tracker_type: Optional[str] = None, tracker_name: Optional[str] = None
    ) -> List[TrackerRecord]:
        from huaweicloudsdkcts.v3.cts_client import CtsClient
        from huaweicloudsdkcts.v3.model.list_trackers_request import ListTrackersRequest

        from .records import TrackerRecord

        info = CtsClient._list_trackers_http_info(
            ListTrackersRequest(tracker_name=tracker_name, tracker_type=tracker_type)
        )
        payload = self._call(_json_answer(self._cts(region, project_id), info, "huaweicloudsdkcts.v3"))
        trackers = payload.get("trackers")
        return [TrackerRecord.from_wire(item) for item in trackers or [] if isinstance(item, dict)]

    def update_tracker(self, region: str, project_id: str, body: Dict[str, Any]) -> None:
        from huaweicloudsdkcts.v3.model.update_tracker_request import UpdateTrackerRequest

        client = self._cts(region, project_id)
        request = UpdateTrackerRequest(body=body)
        self._call(lambda: client.update_tracker(request))

    # -- inventory ---------------------------------------------------------
    def list_buckets(self, region: str) -> List[Dict[str, Optional[str]]]:
        """Every bucket of the account (OBS lists all regions from any endpoint), asking for each
        one's location with `x-obs-location: true`: huaweicloudsdkobs does not send it by itself,
        and without it the answer has no `<Location>`. A bucket still without one has `None`.

        The SDK signs, sends and checks the answer as usual; the listing itself (1.5 MB of XML at
        10,000 buckets) is read with the standard library instead of the SDK's generic
        XML-to-model conversion, which costs twice as much."""
        from huaweicloudsdkobs.v1.model.list_buckets_request import ListBucketsRequest
        from huaweicloudsdkobs.v1.obs_client import ObsClient

        info = ObsClient._list_buckets_http_info(ListBucketsRequest())
        invoker = _raw_invoker(self._obs(region), info, "huaweicloudsdkobs.v1").add_header("x-obs-location", "true")
        response = self._call(invoker.invoke)
        try:
            return bucket_listing(response.content)
        except ValueError as error:
            raise CloudError(ErrorCode.INVALID_RESPONSE, f"OBS ListBuckets answered unreadable XML: {error}") from None

    def bucket_location(self, region: str, bucket: str) -> Optional[str]:
        """A bucket's region from HEAD bucket (GetBucketMetadata's `x-obs-bucket-location`): the
        official Python SDK has no GetBucketLocation, and HEAD answers the same question. The
        answer is untrusted: it becomes an IAM filter and a CTS host, so only a region name is
        used. OBS may answer 301 (a bucket of another region, on some endpoints): its location
        header is read if present; without it the region cannot be told, and that is an error."""
        from huaweicloudsdkobs.v1.model.get_bucket_metadata_request import GetBucketMetadataRequest

        client = self._obs(region)
        try:
            response = self._call(lambda: client.get_bucket_metadata(GetBucketMetadataRequest(bucket_name=bucket)))
        except CloudError as error:
            if not error.message.strip():  # HEAD answers have no body: say what the status means
                error.message = _HEAD_STATUS.get(error.status or 0, f"HTTP {error.status} (HEAD answers carry no body)")
            raise
        found = getattr(response, "x_obs_bucket_location", None)
        location = str(found).strip() if found else ""
        if getattr(response, "status_code", None) == 301 and not location:
            message = "HEAD bucket answered 301 (the bucket is in another region) without naming its region"
            raise CloudError(ErrorCode.LOCATION_UNKNOWN, message, status=301)
        if location and not REGION.match(location):
            raise CloudError(ErrorCode.LOCATION_UNKNOWN, f"HEAD bucket named no region: {shown(location)!r}")
        return location or None

    def list_projects(
        self, region: str, project_id: str, page_size: int = 1000, name: Optional[str] = None
    ) -> List[Dict[str, Any]]:
        """Every project of the account, page by page (IAM KeystoneListProjects); with `name`,
        only the project of that name (one call: a region's main project is named for it)."""
        from huaweicloudsdkiam.v3.model.keystone_list_projects_request import KeystoneListProjectsRequest

        client = self._iam(region, project_id)
        projects: List[Dict[str, Any]] = []
        page = 1
        while True:
            request = KeystoneListProjectsRequest(name=name, page=page, per_page=page_size)

            def call(request: Any = request) -> Dict[str, Any]:
                return _object(client.keystone_list_projects(request))

            payload = self._call(call)
            batch = [item for item in payload.get("projects") or [] if isinstance(item, dict)]
            projects.extend(batch)
            if len(batch) < page_size:
                return projects
            page += 1

    # -- organizations -----------------------------------------------------
    def caller_account(self) -> str:
        """The account these credentials act in (STS GetCallerIdentity: no permission needed)."""
        from huaweicloudsdksts.v1.model.get_caller_identity_request import GetCallerIdentityRequest

        client = self._sts()
        payload = self._call(lambda: _object(client.get_caller_identity(GetCallerIdentityRequest())))
        account_id = payload.get("account_id")
        if not account_id:
            raise CloudError(ErrorCode.INVALID_RESPONSE, "STS GetCallerIdentity answered without an account_id")
        return str(account_id)

    def list_accounts(self, account_id: str, page_size: int = 1000) -> List[Dict[str, Any]]:
        """Every account of the organization, page by page (Organizations ListAccounts); the client
        is given the caller's account id so the SDK never looks it up through IAM."""
        from huaweicloudsdkorganizations.v1.model.list_accounts_request import ListAccountsRequest
        from huaweicloudsdkorganizations.v1.organizations_client import OrganizationsClient

        client = self._organizations(account_id)
        accounts: List[Dict[str, Any]] = []
        marker: Optional[str] = None
        seen: Set[str] = set()
        while True:  # read as plain JSON: up to 1,000 accounts a page, no model conversion
            info = OrganizationsClient._list_accounts_http_info(ListAccountsRequest(limit=page_size, marker=marker))
            payload = self._call(_json_answer(client, info, "huaweicloudsdkorganizations.v1"))
            accounts.extend(item for item in payload.get("accounts") or [] if isinstance(item, dict))
            page = payload.get("page_info") or {}
            marker = page.get("next_marker") if isinstance(page, dict) else None
            if not marker:
                return accounts
            marker = str(marker)
            if marker in seen:  # the listing would go round until the deadline: a bad answer, not a slow one
                message = f"ListAccounts repeated the page marker {shown(marker, 80)!r}: listing stopped"
                raise CloudError(ErrorCode.INVALID_RESPONSE, message)
            seen.add(marker)

    def show_account(self, own_account: str, account_id: str) -> Optional[Dict[str, Any]]:
        """One account of the organization as Organizations ShowAccount answers it (`account`), or
        None when the service answers 404: not an account of this organization. One call, read as
        plain JSON: every member invocation checks its account with it before acting there."""
        from huaweicloudsdkorganizations.v1.model.show_account_request import ShowAccountRequest
        from huaweicloudsdkorganizations.v1.organizations_client import OrganizationsClient

        info = OrganizationsClient._show_account_http_info(ShowAccountRequest(account_id=account_id))
        try:
            payload = self._call(_json_answer(self._organizations(own_account), info, "huaweicloudsdkorganizations.v1"))
        except CloudError as error:
            if error.status == 404:
                return None
            raise
        account = payload.get("account")
        return account if isinstance(account, dict) else {}

    def assume_agency(self, agency_urn: str, session_name: str, duration_seconds: int) -> Credentials:
        """Temporary credentials in another account (STS AssumeAgency). Not retried on 403/404: a
        missing agency is the member's to create, and the caller decides what that means."""
        from huaweicloudsdksts.v1.model.assume_agency_req_body import AssumeAgencyReqBody
        from huaweicloudsdksts.v1.model.assume_agency_request import AssumeAgencyRequest

        client = self._sts()
        body = AssumeAgencyReqBody(
            agency_urn=agency_urn, agency_session_name=session_name, duration_seconds=duration_seconds
        )
        payload = self._call(lambda: _object(client.assume_agency(AssumeAgencyRequest(body=body))))
        issued = payload.get("credentials") or {}
        ak, sk, token = (issued.get(k) for k in ("access_key_id", "secret_access_key", "security_token"))
        if not (ak and sk and token):
            raise CloudError(ErrorCode.INVALID_RESPONSE, "STS AssumeAgency answered without complete credentials")
        account_id = agency_urn.split(":")[2]
        return Credentials(str(ak), str(sk), str(token), None, account_id)

    def invoke_async(self, function_urn: str, payload: Dict[str, Any]) -> Optional[str]:
        """Queue one asynchronous invocation of a function (FunctionGraph AsyncInvokeFunction);
        returns FunctionGraph's request id. Retried only when it surely was not queued."""
        from huaweicloudsdkfunctiongraph.v2.model.async_invoke_function_request import AsyncInvokeFunctionRequest

        region, project_id = function_urn.split(":")[2:4]
        client = self._fgs(region, project_id)
        request = AsyncInvokeFunctionRequest(function_urn=function_urn, body=payload)
        answer = self._call(lambda: _object(client.async_invoke_function(request)), retry_on=nothing_sent)
        request_id = answer.get("request_id")
        return str(request_id) if request_id else None

    # -- Config and reports ------------------------------------------------
    def update_policy_state(self, domain_id: str, body: Dict[str, Any]) -> None:
        """Report one resource's compliance to Config (RMS UpdatePolicyState)."""
        from huaweicloudsdkrms.v1.model.update_policy_state_request import UpdatePolicyStateRequest

        client = self._rms(domain_id)
        request = UpdatePolicyStateRequest(body=body)  # the account id comes from the credentials
        self._call(lambda: client.update_policy_state(request))

    def put_object(self, region: str, bucket: str, key: str, data: bytes, content_type: str) -> None:
        """Write one object (OBS PutObject). Retried only when surely not written: a report object
        is then written once, or reported as not written."""
        import io

        from huaweicloudsdkobs.v1.model.put_object_request import PutObjectRequest

        client = self._obs(region)

        def call() -> Any:
            request = PutObjectRequest(stream=io.BytesIO(data), bucket_name=bucket, object_key=key)
            return client.put_object_invoker(request).add_header("Content-Type", content_type).invoke()

        self._call(call, retry_on=nothing_sent)

    # -- SMN ---------------------------------------------------------------
    def publish(self, topic_urn: str, region: str, project_id: str, body: Dict[str, Any]) -> Dict[str, Any]:
        from huaweicloudsdksmn.v2.model.publish_message_request import PublishMessageRequest
        from huaweicloudsdksmn.v2.smn_client import SmnClient

        info = SmnClient._publish_message_http_info(PublishMessageRequest(topic_urn=topic_urn, body=body))
        call = _json_answer(self._smn(region, project_id), info, "huaweicloudsdksmn.v2")
        # the report may use the time kept back from the tracker work, all but a final margin
        return self._call(call, retry_on=nothing_sent, reserve=PUBLISH_MARGIN)

    # -- plumbing ----------------------------------------------------------
    def _call(
        self,
        call: Callable[[], T],
        retry_on: Callable[[BaseException], bool] = is_transient,
        reserve: Optional[float] = None,
    ) -> T:
        """One SDK call within the deadline: no attempt starts without time for it, and no
        attempt may outlast the time left (the per-request timeout shrinks with it)."""
        reserve = self._reserve if reserve is None else reserve

        def bounded() -> T:
            budget = self._deadline.remaining() - reserve
            if budget < self._policy.min_call_time:
                raise DeadlineReached(f"{budget:.1f} s left before the invocation's deadline; not started")
            token = _CALL_TIMEOUT.set((min(CONNECT_TIMEOUT, budget), min(READ_TIMEOUT, budget)))
            try:
                return call()
            finally:
                _CALL_TIMEOUT.reset(token)

        try:
            return call_with_retry(bounded, retry_on, self._policy, self._deadline, reserve)
        except DeadlineReached as error:
            raise CloudError(ErrorCode.DEADLINE_EXCEEDED, str(error), transient=True) from None
        except (SdkException, requests.RequestException) as error:
            raise _normalise(error, self._credentials.secrets()) from None

    def _cts(self, region: str, project_id: str) -> Any:
        from huaweicloudsdkcts.v3.cts_client import CtsClient

        return self._client("cts", CtsClient, region, project_id)

    def _smn(self, region: str, project_id: str) -> Any:
        from huaweicloudsdksmn.v2.smn_client import SmnClient

        return self._client("smn", SmnClient, region, project_id)

    def _iam(self, region: str, project_id: str) -> Any:
        from huaweicloudsdkiam.v3.iam_client import IamClient

        account_id = self._credentials.account_id
        if account_id and not project_id:  # a member's credentials: IAM's global APIs by account
            return self._client("iam", IamClient, region, "", self._global(account_id))
        return self._client("iam", IamClient, region, project_id)

    def _sts(self) -> Any:
        from huaweicloudsdksts.v1.sts_client import StsClient

        region, project_id = self._settings.region, self._credentials.project_id or ""
        return self._client("sts", StsClient, region, project_id)

    def _organizations(self, account_id: str) -> Any:
        from huaweicloudsdkorganizations.v1.organizations_client import OrganizationsClient

        return self._client("organizations", OrganizationsClient, "", "", self._global(account_id))  # global

    def _rms(self, domain_id: str) -> Any:
        from huaweicloudsdkrms.v1.rms_client import RmsClient

        return self._client("rms", RmsClient, "", "", self._global(domain_id))  # a global service

    def _fgs(self, region: str, project_id: str) -> Any:
        from huaweicloudsdkfunctiongraph.v2.functiongraph_client import FunctionGraphClient

        return self._client("functiongraph", FunctionGraphClient, region, project_id)

    def _global(self, account_id: str) -> Any:
        from huaweicloudsdkcore.auth.credentials import GlobalCredentials

        credentials = GlobalCredentials(self._credentials.ak, self._credentials.sk, account_id)
        token = self._credentials.security_token
        return credentials.with_security_token(token) if token else credentials

    def _obs(self, region: str) -> Any:
        from huaweicloudsdkobs.v1.obs_client import ObsClient
        from huaweicloudsdkobs.v1.obs_credentials import ObsCredentials

        credentials = ObsCredentials(self._credentials.ak, self._credentials.sk, self._credentials.security_token)
        return self._client("obs", ObsClient, region, "", credentials, OBS_ERRORS)

    def _client(
        self,
        service: str,
        client_type: Any,
        region: str,
        project_id: str,
        credentials: Any = None,
        errors: Optional[DefaultExceptionHandler] = None,
    ) -> Any:
        # the service's endpoint variable may name the region ("https://cts.{region}.example"), for
        # multi-region sweeps; a global service has one endpoint (cloud/services.py)
        override = self._settings.endpoint(service)
        endpoint = override.replace("{region}", region) if override else f"https://{service}.{region}.myhuaweicloud.com"

        def build() -> Any:
            config = _PerCallTimeoutConfig()
            config.retry_times = 0  # retries are ours, bounded by the deadline
            config.timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)
            config.pool_maxsize = config.pool_connections = POOL_SIZE
            bundle = ca_bundle()
            if bundle:
                config.ssl_ca_cert = bundle  # what requests would read from the environment, given once
            sdk_credentials = credentials
            if sdk_credentials is None:
                sdk_credentials = BasicCredentials(self._credentials.ak, self._credentials.sk, project_id)
                if self._credentials.security_token:
                    sdk_credentials = sdk_credentials.with_security_token(self._credentials.security_token)
            built = (
                client_type.new_builder()
                .with_credentials(sdk_credentials)
                .with_endpoints([endpoint])
                .with_http_config(config)
                .with_exception_handler(errors or DEFAULT_ERRORS)
                .build()
            )
            if not uses_proxy_or_netrc():
                # requests would scan the environment for proxies and look for a .netrc on every
                # call; with neither set that finds nothing (the CA bundle is given above), so skip it
                built.get_http_client()._session.trust_env = False
            return built

        scope = project_id or str(getattr(credentials, "domain_id", None) or "")  # project, or account
        return CLIENTS.get((service, endpoint, scope, self._fingerprint), build)


def ca_bundle() -> Optional[str]:
    """The CA bundle requests would take from the environment (its own variables, in its order)."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None


def uses_proxy_or_netrc() -> bool:
    """Whether requests would take a proxy or a netrc from the environment."""
    import urllib.request

    return bool(urllib.request.getproxies()) or bool(os.environ.get("NETRC"))


class ClientCache:
    """SDK clients kept across warm invocations (building one per call is most of a warm
    invocation's overhead), keyed by service, endpoint, project and a hash of the credentials:
    rotated agency credentials never reuse a client built for the old ones. Entries expire after
    `ttl` seconds and at most `size` are kept; a dropped client is left to the garbage collector
    rather than closed, since another thread of a sweep may still be using it."""

    def __init__(self, size: int = 64, ttl: float = 900.0):
        self._size = size
        self._ttl = ttl
        self._clients: "OrderedDict[Tuple[str, ...], Tuple[float, Any]]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Tuple[str, ...], build: Callable[[], Any]) -> Any:
        now = time.monotonic()
        with self._lock:
            entry = self._clients.get(key)
            if entry is None or entry[0] <= now:
                for stale in [k for k, (expires, _) in self._clients.items() if expires <= now]:
                    del self._clients[stale]
                entry = self._clients[key] = (now + self._ttl, build())
                while len(self._clients) > self._size:
                    self._clients.popitem(last=False)
            self._clients.move_to_end(key)
            return entry[1]

    def __len__(self) -> int:
        return len(self._clients)


CLIENTS = ClientCache()
