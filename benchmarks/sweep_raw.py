"""Child process, the sweep's SDK floor: the same calls a sweep makes, through the SDK alone.

List projects and buckets at once, list the project's trackers, create its management tracker
and the first 100 buckets' data trackers `SWEEP_CONCURRENCY` at a time, publish a one-line
report. No planning, no results, no report text: what is left of the function's sweep time above
this is the function's own. Like `sweep_child`, a first run against a small account warms the
SDK (imports, connection pools) and the second is measured; prints wall time and creates.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcts.v3.cts_client import CtsClient
from huaweicloudsdkcts.v3.model.create_tracker_request import CreateTrackerRequest
from huaweicloudsdkcts.v3.model.list_trackers_request import ListTrackersRequest
from huaweicloudsdkiam.v3.iam_client import IamClient
from huaweicloudsdkiam.v3.model.keystone_list_projects_request import KeystoneListProjectsRequest
from huaweicloudsdkobs.v1.model.list_buckets_request import ListBucketsRequest
from huaweicloudsdkobs.v1.obs_client import ObsClient
from huaweicloudsdkobs.v1.obs_credentials import ObsCredentials
from huaweicloudsdksmn.v2.model.publish_message_request import PublishMessageRequest
from huaweicloudsdksmn.v2.smn_client import SmnClient

DATA_TRACKER_QUOTA = 100


def client(kind: Any, url: str, credentials: Any) -> Any:
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    return kind.new_builder().with_credentials(credentials).with_endpoints([url]).with_http_config(config).build()


def sweep(url: str) -> int:
    ak, sk, project_id = os.environ["CLOUD_SDK_AK"], os.environ["CLOUD_SDK_SK"], os.environ["CLOUD_SDK_PROJECT_ID"]
    regional = BasicCredentials(ak, sk, project_id)
    cts, smn = client(CtsClient, url, regional), client(SmnClient, url, regional)
    iam, obs = client(IamClient, url, regional), client(ObsClient, url, ObsCredentials(ak, sk))
    concurrency = int(os.environ["SWEEP_CONCURRENCY"])
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        projects = pool.submit(iam.keystone_list_projects, KeystoneListProjectsRequest(page=1, per_page=1000))
        listing = obs.list_buckets_invoker(ListBucketsRequest()).add_header("x-obs-location", "true")
        buckets = sorted(bucket.name for bucket in listing.invoke().buckets.bucket)
        projects.result()
        cts.list_trackers(ListTrackersRequest())
        bodies: List[Dict[str, Any]] = [_body("system", "system", None)]
        tracked = [name for name in buckets if name != _trace()][:DATA_TRACKER_QUOTA]
        bodies += [_body("data", "obs-" + name, name) for name in tracked]
        done = list(pool.map(lambda body: cts.create_tracker(CreateTrackerRequest(body=body)), bodies))
    message = json.dumps({"default": "swept", "email": "swept", "sms": "swept"})
    smn.publish_message(
        PublishMessageRequest(
            topic_urn=os.environ["SMN_TOPIC_URN"], body={"subject": "s", "message_structure": message}
        )
    )
    return len(done)


def _trace() -> str:
    return os.environ["TRACE_BUCKET"]


def _body(kind: str, name: str, bucket: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {
        "tracker_type": kind,
        "tracker_name": name,
        "is_lts_enabled": False,
        "obs_info": {"bucket_name": _trace(), "is_obs_created": False},
        "is_support_validate": False,
        "agency_name": "cts_admin_trust",
    }
    if bucket is not None:
        body["data_bucket"] = {"data_bucket_name": bucket, "data_event": ["READ", "WRITE"]}
    return body


sweep(sys.argv[1])
start = time.perf_counter()
creates = sweep(sys.argv[2])
print(json.dumps({"wall": time.perf_counter() - start, "creates": creates}))
