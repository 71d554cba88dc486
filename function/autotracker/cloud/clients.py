"""The SDK clients behind the gateway: built per (service, endpoint, project, credentials), kept
while those credentials last (`ClientCache`), each call bounded by the invocation's deadline
(`Core._call`), and answers read as plain JSON where the SDK's models would cost more.

Every service's calls (cts.py, obs.py, iam.py, sts.py, organizations.py, functiongraph.py,
rms.py, smn.py) build on `Core`; the gateway (gateway.py) is all of them together.
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
from typing import Any, Callable, Dict, Optional, Tuple, TypeVar

import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exception_handler import DefaultExceptionHandler
from huaweicloudsdkcore.exceptions.exceptions import SdkException
from huaweicloudsdkcore.http.http_config import HttpConfig

from ..contract import ErrorCode
from ..settings import Settings
from ..untrusted import encodable
from . import sdk_modules
from .credentials import Credentials
from .errors import CloudError, DeadlineReached, is_transient, normalise
from .retry import Deadline, RetryPolicy, call_with_retry

sdk_modules.install()  # the SDK's clients and models load one module at a time

T = TypeVar("T")

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0  # at most, per request; less when less of the invocation is left
POOL_SIZE = 32  # connections per client: sweeps call one endpoint from many threads
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")  # where a JSON answer may hold a lone surrogate
# HEAD bucket's failures by status: the answer has no body to say why

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


DEFAULT_ERRORS = DefaultExceptionHandler()


def json_object(response: Any) -> Dict[str, Any]:
    """The response's JSON object; anything else (empty, a list, text) reads as {}."""
    try:
        payload = response.to_json_object()
    except ValueError:  # not JSON at all
        return {}
    return encodable(payload) if isinstance(payload, dict) else {}


def raw_invoker(client: Any, info: Dict[str, Any], package: str) -> Any:
    """The SDK's invoker for a call whose answer the caller reads itself (`.content`): the SDK
    builds, signs, sends and checks it as usual, but does not convert the answer to its model."""
    from huaweicloudsdkcore.invoker.invoker import SyncInvoker

    info["response_type"] = sdk_modules.raw_response(package)
    return SyncInvoker(client, info)


def json_answer(client: Any, info: Dict[str, Any], package: str) -> Callable[[], Dict[str, Any]]:
    """A call whose JSON answer is read as plain data, for the calls made per target or per
    invocation: converting it to the SDK's model and back is a tenth of a CreateTracker's CPU,
    and more for 100 listed trackers."""
    invoker = raw_invoker(client, info, package)

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


class Core:
    """The plumbing every service's calls share: credentials, settings, deadline and retries."""

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
            raise normalise(error, self._credentials.secrets()) from None

    def _global(self, account_id: str) -> Any:
        from huaweicloudsdkcore.auth.credentials import GlobalCredentials

        credentials = GlobalCredentials(self._credentials.ak, self._credentials.sk, account_id)
        token = self._credentials.security_token
        return credentials.with_security_token(token) if token else credentials

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
