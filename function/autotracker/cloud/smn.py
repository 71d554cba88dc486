"""SMN: publishing the report message."""

from __future__ import annotations

from typing import Any, Dict

from .clients import Core, json_answer
from .errors import nothing_sent

PUBLISH_MARGIN = 1.0  # seconds kept after the report's publish, so the handler returns in time


class Smn(Core):
    def publish(self, topic_urn: str, region: str, project_id: str, body: Dict[str, Any]) -> Dict[str, Any]:
        from huaweicloudsdksmn.v2.model.publish_message_request import PublishMessageRequest
        from huaweicloudsdksmn.v2.smn_client import SmnClient

        info = SmnClient._publish_message_http_info(PublishMessageRequest(topic_urn=topic_urn, body=body))
        call = json_answer(self._smn(region, project_id), info, "huaweicloudsdksmn.v2")
        # the report may use the time kept back from the tracker work, all but a final margin
        return self._call(call, retry_on=nothing_sent, reserve=PUBLISH_MARGIN)

    def _smn(self, region: str, project_id: str) -> Any:
        from huaweicloudsdksmn.v2.smn_client import SmnClient

        return self._client("smn", SmnClient, region, project_id)
