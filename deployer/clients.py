"""The deployer's account, SDK clients and error handling.

Credentials come from CLOUD_SDK_AK / CLOUD_SDK_SK [/ CLOUD_SDK_SECURITY_TOKEN]; every client is
given its project id (FunctionGraph, SMN) or domain id (IAM) so the SDK never looks one up, has
its endpoint set explicitly (FGS_ENDPOINT / IAM_ENDPOINT / SMN_ENDPOINT override the defaults)
and does not retry on its own. Any service error becomes one `DeployError` line with every secret
value masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional, Tuple, TypeVar

import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import SdkException, ServiceResponseException
from huaweicloudsdkcore.http.http_config import HttpConfig

T = TypeVar("T")
CONNECT_TIMEOUT, READ_TIMEOUT = 10, 120  # code uploads can take a while
MASK = "***"


class DeployError(Exception):
    """A failure the deployer reports as one line and exits on."""


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret value replaced by ***."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


@dataclass(frozen=True)
class Account:
    """Who deploys, and where. The secret values are kept out of every repr."""

    ak: str = field(repr=False)
    sk: str = field(repr=False)
    project_id: str
    domain_id: str
    security_token: Optional[str] = field(default=None, repr=False)

    def secrets(self) -> Tuple[str, ...]:
        return tuple(value for value in (self.ak, self.sk, self.security_token) if value)


def account_from_env(environ: Mapping[str, str]) -> Account:
    """CLOUD_SDK_AK, CLOUD_SDK_SK, CLOUD_SDK_PROJECT_ID (the deployment region's project) and
    CLOUD_SDK_DOMAIN_ID (the account id, for IAM); DeployError names whatever is missing."""
    names = ("CLOUD_SDK_AK", "CLOUD_SDK_SK", "CLOUD_SDK_PROJECT_ID", "CLOUD_SDK_DOMAIN_ID")
    missing = [name for name in names if not environ.get(name)]
    if missing:
        raise DeployError(
            "missing " + ", ".join(missing) + " (access key, secret key, the region's project id and the "
            "account id: see docs/deployment.md)"
        )
    return Account(
        ak=environ["CLOUD_SDK_AK"],
        sk=environ["CLOUD_SDK_SK"],
        project_id=environ["CLOUD_SDK_PROJECT_ID"],
        domain_id=environ["CLOUD_SDK_DOMAIN_ID"],
        security_token=environ.get("CLOUD_SDK_SECURITY_TOKEN") or None,
    )


def _http_config() -> HttpConfig:
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    config.timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)
    return config


class Clients:
    """FunctionGraph, SMN, IAM and Config (RMS) clients for one account and region, built on first use."""

    def __init__(
        self, account: Account, region: str, environ: Mapping[str, str], extra_secrets: Iterable[str] = ()
    ) -> None:
        self.account = account
        self.region = region
        self._environ = environ
        self._secrets = account.secrets() + tuple(extra_secrets)
        self._built: dict[str, Any] = {}

    def endpoint(self, service: str) -> str:
        override = {
            "functiongraph": "FGS_ENDPOINT",
            "smn": "SMN_ENDPOINT",
            "iam": "IAM_ENDPOINT",
            "rms": "RMS_ENDPOINT",
        }[service]
        default = (
            f"https://{service}.myhuaweicloud.com"  # global services
            if service in ("iam", "rms")
            else f"https://{service}.{self.region}.myhuaweicloud.com"
        )
        return (self._environ.get(override) or default).rstrip("/")

    @property
    def fgs(self) -> Any:
        from huaweicloudsdkfunctiongraph.v2 import FunctionGraphClient

        return self._client("functiongraph", FunctionGraphClient, self._project_credentials)

    @property
    def smn(self) -> Any:
        from huaweicloudsdksmn.v2 import SmnClient

        return self._client("smn", SmnClient, self._project_credentials)

    @property
    def iam(self) -> Any:
        from huaweicloudsdkiam.v3 import IamClient

        return self._client("iam", IamClient, self._global_credentials)

    @property
    def rms(self) -> Any:
        from huaweicloudsdkrms.v1 import RmsClient

        return self._client("rms", RmsClient, self._global_credentials)

    def _global_credentials(self) -> Any:
        creds = GlobalCredentials(self.account.ak, self.account.sk, self.account.domain_id)
        token = self.account.security_token
        return creds.with_security_token(token) if token else creds

    def _project_credentials(self) -> Any:
        creds = BasicCredentials(self.account.ak, self.account.sk, self.account.project_id)
        token = self.account.security_token
        return creds.with_security_token(token) if token else creds

    def _client(self, service: str, client_type: Any, credentials: Callable[[], Any]) -> Any:
        if service not in self._built:
            self._built[service] = (
                client_type.new_builder()
                .with_credentials(credentials())
                .with_endpoints([self.endpoint(service)])
                .with_http_config(_http_config())
                .build()
            )
        return self._built[service]

    def call(self, what: str, operation: Callable[[], T]) -> T:
        """Run one SDK call; a failure becomes a one-line DeployError naming `what`."""
        try:
            return operation()
        except ServiceResponseException as error:
            raise self._error(what, f"HTTP {error.status_code} {error.error_code}: {error.error_msg}") from None
        except (SdkException, requests.RequestException) as error:
            raise self._error(what, f"{type(error).__name__}: {' '.join(str(error).split())[:300]}") from None

    def find(self, what: str, operation: Callable[[], T]) -> Optional[T]:
        """Like `call`, but a 404 means "does not exist" and gives None."""
        try:
            return operation()
        except ServiceResponseException as error:
            if error.status_code == 404:
                return None
            raise self._error(what, f"HTTP {error.status_code} {error.error_code}: {error.error_msg}") from None
        except (SdkException, requests.RequestException) as error:
            raise self._error(what, f"{type(error).__name__}: {' '.join(str(error).split())[:300]}") from None

    def _error(self, what: str, detail: str) -> DeployError:
        return DeployError(redact(f"{what} failed: {detail}", self._secrets))
