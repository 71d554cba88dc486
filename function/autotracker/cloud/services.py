"""The cloud services the function calls, in one table: each one's SDK package, the variable that
overrides its endpoint, its IAM policy scope and the IAM action of each call.

Read by the settings (the endpoint variables), sdk_modules (the packages loaded lazily), the
gateway (endpoints), deployer/policy.py (actions and scopes) and the tests' least-privilege map.
A new service is a row here and its calls in the gateway.
"""

from __future__ import annotations

from typing import Dict, Mapping, NamedTuple, Optional, Tuple

GLOBAL, PROJECT = "AX", "XA"  # IAM policy types: global services; region-specific projects


class Service(NamedTuple):
    name: str  # as in IAM actions and the fake cloud's call log
    package: str  # the SDK's package
    version: str  # its API version module
    endpoint_variable: str  # the environment variable that overrides its endpoint
    scope: str  # GLOBAL or PROJECT (IAM custom policies hold one scope each)
    actions: Mapping[str, str]  # API call -> the IAM action it needs ("" when none)
    default_endpoint: Optional[str] = None  # a global service's one endpoint; else the SDK's region's


SERVICES: Tuple[Service, ...] = (
    Service(
        "cts",
        "huaweicloudsdkcts",
        "v3",
        "CTS_ENDPOINT",
        PROJECT,
        {
            "CreateTracker": "cts:tracker:create",
            "ListTrackers": "cts:tracker:list",
            "UpdateTracker": "cts:tracker:update",
        },
    ),
    Service("smn", "huaweicloudsdksmn", "v2", "SMN_ENDPOINT", PROJECT, {"PublishMessage": "smn:topic:publish"}),
    Service(
        "iam", "huaweicloudsdkiam", "v3", "IAM_ENDPOINT", GLOBAL, {"KeystoneListProjects": "iam:projects:listProjects"}
    ),
    Service(
        "obs",
        "huaweicloudsdkobs",
        "v1",
        "OBS_ENDPOINT",
        GLOBAL,
        {
            "ListBuckets": "obs:bucket:ListAllMyBuckets",
            "GetBucketMetadata": "obs:bucket:HeadBucket",
            "PutObject": "obs:object:PutObject",
            "ListObjects": "obs:bucket:ListBucket",  # the report prefix only (deployer/policy.py)
            "GetObject": "obs:object:GetObject",
        },
    ),
    Service(
        "sts",
        "huaweicloudsdksts",
        "v1",
        "STS_ENDPOINT",
        GLOBAL,
        {"AssumeAgency": "sts:agencies:assume", "GetCallerIdentity": ""},  # no permission needed (its API page)
    ),
    Service(
        "organizations",
        "huaweicloudsdkorganizations",
        "v1",
        "ORGANIZATIONS_ENDPOINT",
        GLOBAL,
        {"ListAccounts": "organizations:accounts:list", "ShowAccount": "organizations:accounts:get"},
        "https://organizations.myhuaweicloud.com",
    ),
    Service(
        "functiongraph",
        "huaweicloudsdkfunctiongraph",
        "v2",
        "FGS_ENDPOINT",
        PROJECT,
        {"AsyncInvokeFunction": "functiongraph:function:invokeAsync"},
    ),
    Service(
        "rms",
        "huaweicloudsdkrms",
        "v1",
        "RMS_ENDPOINT",
        GLOBAL,
        {"UpdatePolicyState": "rms:policyStates:update"},
        "https://rms.myhuaweicloud.com",
    ),
)

BY_NAME: Dict[str, Service] = {service.name: service for service in SERVICES}


def iam_action(service: str, call: str) -> str:
    """The IAM action `call` of `service` needs."""
    return BY_NAME[service].actions[call]
