"""Helpers for the fake's own tests: SDK clients, signed raw requests, constants."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkcts.v3 import CtsClient
from huaweicloudsdkiam.v3 import IamClient
from huaweicloudsdkobs.v1 import ObsClient
from huaweicloudsdkobs.v1.obs_credentials import ObsCredentials
from huaweicloudsdkobs.v1.obs_signer import OBSSigner
from huaweicloudsdksmn.v2 import SmnClient

REGION = "ap-southeast-1"
PID = "4f0a2c9d1e8b47a6b3c5d7e9f1a2b3c4"
DOMAIN = "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"
AK = "FAKEAKPERMANENT00001"
SK = "fake-permanent-secret-key-0001"
TMP_AK = "FAKEAKTEMPORARY00001"
TMP_SK = "fake-temporary-secret-key-0001"
TOKEN = "fake-security-token-0001-very-secret"
TRACKED = "tracked-bucket"
LOGS = "trace-logs"


def http_config() -> HttpConfig:
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    config.timeout = (3, 10)
    return config


def credentials(ak: str = AK, sk: str = SK, project_id: str = PID, token: Optional[str] = None) -> BasicCredentials:
    creds = BasicCredentials(ak, sk, project_id)
    if token is not None:
        creds = creds.with_security_token(token)
    return creds


def cts_client(endpoint: str, **kwargs: Any) -> CtsClient:
    return (
        CtsClient.new_builder()
        .with_credentials(credentials(**kwargs))
        .with_endpoint(endpoint)
        .with_http_config(http_config())
        .build()
    )


def smn_client(endpoint: str, **kwargs: Any) -> SmnClient:
    return (
        SmnClient.new_builder()
        .with_credentials(credentials(**kwargs))
        .with_endpoint(endpoint)
        .with_http_config(http_config())
        .build()
    )


def raw_call(
    endpoint: str,
    method: str,
    path: str,
    body: Any = None,
    query: Optional[list] = None,
    ak: str = AK,
    sk: str = SK,
    token: Optional[str] = None,
    project_id: Optional[str] = PID,
    sdk_date: Optional[str] = None,
    tamper: Optional[Callable[[SdkRequest], None]] = None,
) -> requests.Response:
    """Sign with the SDK's own Signer (independent of fakecloud.core.signing), then send.

    `body` may be bytes (sent as-is) or any JSON value. `tamper` edits the signed request.
    """
    parts = urlsplit(endpoint)
    headers = {"Content-Type": "application/json"}
    if project_id:
        headers["X-Project-Id"] = project_id
    if token:
        headers["X-Security-Token"] = token
    if sdk_date:
        headers["X-Sdk-Date"] = sdk_date
    payload = body if isinstance(body, bytes) else (b"" if body is None else json.dumps(body).encode())
    request = SdkRequest(
        method=method,
        schema=parts.scheme,
        host=parts.netloc,
        resource_path=path,
        query_params=list(query or []),
        header_params=headers,
        body=payload,
    )
    Signer(credentials(ak, sk)).sign(request)
    if tamper:
        tamper(request)
    return requests.request(method, request.url, headers=request.header_params, data=request.body, timeout=10)


def old_date(minutes: int) -> str:
    stamp = datetime.now(timezone.utc).timestamp() - minutes * 60
    return datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y%m%dT%H%M%SZ")


# ----- IAM and OBS ----------------------------------------------------------------------------
def iam_client(endpoint: str, **kwargs: Any) -> IamClient:
    """Built exactly as the function builds it (BasicCredentials, with_endpoints)."""
    return (
        IamClient.new_builder()
        .with_credentials(credentials(**kwargs))
        .with_endpoints([endpoint])
        .with_http_config(http_config())
        .build()
    )


def obs_client(endpoint: str, ak: str = AK, sk: str = SK, token: Optional[str] = None) -> ObsClient:
    return (
        ObsClient.new_builder()
        .with_credentials(ObsCredentials(ak, sk, token))
        .with_endpoints([endpoint])
        .with_http_config(http_config())
        .build()
    )


OBS_DATE_FORMAT = "%a %b %d %Y %H:%M:%S GMT"  # what ObsCredentials sends in `Date`


def obs_date(minutes_ago: int = 0) -> str:
    stamp = datetime.now(timezone.utc).timestamp() - minutes_ago * 60
    return datetime.fromtimestamp(stamp, timezone.utc).strftime(OBS_DATE_FORMAT)


def obs_raw_call(
    endpoint: str,
    path: str = "/",
    query: Optional[list] = None,
    headers: Optional[dict] = None,
    ak: str = AK,
    sk: str = SK,
    token: Optional[str] = None,
    sign_host: Optional[str] = None,
    tamper: Optional[Callable[[dict], None]] = None,
    send_query: Optional[list] = None,
) -> requests.Response:
    """GET signed like ObsCredentials (bucket = first host label unless 'obs'), with the SDK's
    own OBSSigner (independent of fakecloud.obs.signing). `sign_host` signs for another host,
    `send_query` sends another query than the signed one, `tamper` edits the signed headers."""
    host = sign_host or urlsplit(endpoint).netloc
    label = host.split(".")[0]
    sent = {"Content-Type": "application/json", "Date": obs_date(), **(headers or {})}
    creds = ObsCredentials(ak, sk, token)
    auth = OBSSigner.doAuth(creds, "GET", None if label == "obs" else label, path.split("/")[1], query or [], sent)
    sent["Authorization"] = auth["Authorization"]
    if tamper:
        tamper(sent)
    params = query if send_query is None else send_query
    return requests.get(endpoint + path, params=params, headers=sent, timeout=10)
