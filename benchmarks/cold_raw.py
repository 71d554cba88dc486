"""Child process, the floor: import only the SDK clients and make the same CreateTracker + publish calls."""

from __future__ import annotations

import json
import os
import sys
import time

START = time.perf_counter()
if "--with-pydantic" in sys.argv:  # the floor plus what merely using pydantic costs: import + first model
    from pydantic import BaseModel

    class Probe(BaseModel):
        name: str

    Probe(name="x")

from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkcts.v3.cts_client import CtsClient  # noqa: E402
from huaweicloudsdkcts.v3.model.create_tracker_request import CreateTrackerRequest  # noqa: E402
from huaweicloudsdksmn.v2.model.publish_message_request import PublishMessageRequest  # noqa: E402
from huaweicloudsdksmn.v2.smn_client import SmnClient  # noqa: E402


def client(kind, endpoint):  # type: ignore[no-untyped-def]
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    credentials = BasicCredentials(
        os.environ["CLOUD_SDK_AK"], os.environ["CLOUD_SDK_SK"], os.environ["CLOUD_SDK_PROJECT_ID"]
    )
    return kind.new_builder().with_credentials(credentials).with_endpoints([endpoint]).with_http_config(config).build()


bucket = sys.argv[1]
body = {
    "tracker_type": "data",
    "tracker_name": "obs-" + bucket,
    "is_lts_enabled": False,
    "obs_info": {"bucket_name": os.environ["TRACE_BUCKET"], "is_obs_created": False},
    "is_support_validate": False,
    "data_bucket": {"data_bucket_name": bucket, "data_event": ["READ", "WRITE"]},
    "agency_name": "cts_admin_trust",
}
client(CtsClient, os.environ["CTS_ENDPOINT"]).create_tracker(CreateTrackerRequest(body=body))
message = {"default": "created", "email": "created", "sms": "created"}
publish = {"subject": "cts-autotracker: 1 created", "message_structure": json.dumps(message)}
client(SmnClient, os.environ["SMN_ENDPOINT"]).publish_message(
    PublishMessageRequest(topic_urn=os.environ["SMN_TOPIC_URN"], body=publish)
)
print(time.perf_counter() - START)
