"""Child process: judging one bucket (a Config resource evaluation) against a fake served
elsewhere, interleaved with its floor: the same calls made through the SDK alone and overlapped
alike (HEAD bucket, the region's project by name and that project's ListTrackers at once, then
UpdatePolicyState and a one-line publish), with no parsing, planning or result. Prints medians.

    python -m benchmarks.config_child URL RUNS
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List

from benchmarks.common import ASSIGNMENT_ID, DOMAIN_ID, PROJECT_ID, REGION, resolve_local_buckets

resolve_local_buckets()

import index  # noqa: E402 - from the code root the harness puts first on PYTHONPATH
from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkcts.v3.cts_client import CtsClient  # noqa: E402
from huaweicloudsdkcts.v3.model.list_trackers_request import ListTrackersRequest  # noqa: E402
from huaweicloudsdkiam.v3.iam_client import IamClient  # noqa: E402
from huaweicloudsdkiam.v3.model.keystone_list_projects_request import KeystoneListProjectsRequest  # noqa: E402
from huaweicloudsdkobs.v1.model.get_bucket_metadata_request import GetBucketMetadataRequest  # noqa: E402
from huaweicloudsdkobs.v1.obs_client import ObsClient  # noqa: E402
from huaweicloudsdkobs.v1.obs_credentials import ObsCredentials  # noqa: E402
from huaweicloudsdkrms.v1.model.update_policy_state_request import UpdatePolicyStateRequest  # noqa: E402
from huaweicloudsdkrms.v1.rms_client import RmsClient  # noqa: E402
from huaweicloudsdksmn.v2.model.publish_message_request import PublishMessageRequest  # noqa: E402
from huaweicloudsdksmn.v2.smn_client import SmnClient  # noqa: E402

BUCKET = os.environ.get("BENCH_BUCKET", "bench-005000")  # run.py names one in the middle of the fake's buckets


class Context:
    def getRemainingTimeInMilliSeconds(self) -> int:
        return 60_000


def event(number: int) -> Dict[str, Any]:
    record = {"id": BUCKET, "name": BUCKET, "provider": "obs", "type": "buckets", "region_id": REGION}
    return {
        "domain_id": DOMAIN_ID,
        "policy_assignment_id": ASSIGNMENT_ID,
        "policy_assignment_name": "cts-coverage-buckets",
        "trigger_type": "resource",
        "evaluation_time": 1764052800000 + number,
        "evaluation_hash": f"bench{number:06d}",
        "rule_parameter": {},
        "invoking_event": record,
    }


def ours(number: int) -> float:
    start = time.perf_counter()
    result = index.handler(event(number), Context())
    elapsed = time.perf_counter() - start
    assert result["error"] is None and "reported NonCompliant" in result["results"][0]["reason"], result
    return elapsed


def clients(url: str) -> Dict[str, Any]:
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    ak, sk = os.environ["CLOUD_SDK_AK"], os.environ["CLOUD_SDK_SK"]

    def build(kind: Any, credentials: Any) -> Any:
        builder = kind.new_builder().with_credentials(credentials).with_endpoints([url])
        return builder.with_http_config(config).build()

    regional = BasicCredentials(ak, sk, PROJECT_ID)
    return {
        "obs": build(ObsClient, ObsCredentials(ak, sk)),
        "iam": build(IamClient, regional),
        "cts": build(CtsClient, regional),
        "rms": build(RmsClient, GlobalCredentials(ak, sk, DOMAIN_ID)),
        "smn": build(SmnClient, regional),
    }


def raw(sdk: Dict[str, Any], pool: ThreadPoolExecutor, number: int) -> float:
    """The function's calls in the function's shape: HEAD bucket, the region's project and its
    trackers at once, then UpdatePolicyState and the publish."""
    start = time.perf_counter()
    lookup = pool.submit(sdk["iam"].keystone_list_projects, KeystoneListProjectsRequest(name=REGION))
    listing = pool.submit(sdk["cts"].list_trackers, ListTrackersRequest())
    region = sdk["obs"].get_bucket_metadata(GetBucketMetadataRequest(bucket_name=BUCKET)).x_obs_bucket_location
    projects = lookup.result().projects
    listing.result()
    assert region == REGION and projects and projects[0].id == PROJECT_ID
    body = {
        "policy_resource": {
            "resource_id": BUCKET,
            "resource_name": BUCKET,
            "resource_provider": "obs",
            "resource_type": "buckets",
            "region_id": region,
            "domain_id": DOMAIN_ID,
        },
        "trigger_type": "resource",
        "compliance_state": "NonCompliant",
        "policy_assignment_id": ASSIGNMENT_ID,
        "evaluation_time": str(1764052800000 + number),
        "evaluation_hash": f"bench{number:06d}",
    }
    sdk["rms"].update_policy_state(UpdatePolicyStateRequest(body=body))
    message = json.dumps({"default": "judged", "email": "judged", "sms": "judged"})
    request = PublishMessageRequest(
        topic_urn=os.environ["SMN_TOPIC_URN"], body={"subject": "s", "message_structure": message}
    )
    sdk["smn"].publish_message(request)
    return time.perf_counter() - start


def main() -> None:
    url, runs = sys.argv[1], int(sys.argv[2])
    sdk = clients(url)
    mine: List[float] = []
    floor: List[float] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for number in range(3):  # warm both paths (imports, clients, connection pools)
            ours(number)
            raw(sdk, pool, number)
        for number in range(3, 3 + runs):
            mine.append(ours(number))
            floor.append(raw(sdk, pool, number))
    print(json.dumps({"ours": statistics.median(mine), "sdk": statistics.median(floor)}))


if __name__ == "__main__":
    main()
