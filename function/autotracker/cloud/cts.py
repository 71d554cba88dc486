"""CTS: create, list and update trackers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

from .clients import Core, json_answer
from .errors import is_transient

if TYPE_CHECKING:
    from .records import TrackerRecord


class Cts(Core):
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
        return self._call(json_answer(self._cts(region, project_id), info, "huaweicloudsdkcts.v3"), retry_on)

    def list_trackers(
        self, region: str, project_id: str, tracker_type: Optional[str] = None, tracker_name: Optional[str] = None
    ) -> List[TrackerRecord]:
        from huaweicloudsdkcts.v3.cts_client import CtsClient
        from huaweicloudsdkcts.v3.model.list_trackers_request import ListTrackersRequest

        from .records import TrackerRecord

        info = CtsClient._list_trackers_http_info(
            ListTrackersRequest(tracker_name=tracker_name, tracker_type=tracker_type)
        )
        payload = self._call(json_answer(self._cts(region, project_id), info, "huaweicloudsdkcts.v3"))
        trackers = payload.get("trackers")
        return [TrackerRecord.from_wire(item) for item in trackers or [] if isinstance(item, dict)]

    def update_tracker(self, region: str, project_id: str, body: Dict[str, Any]) -> None:
        from huaweicloudsdkcts.v3.model.update_tracker_request import UpdateTrackerRequest

        client = self._cts(region, project_id)
        request = UpdateTrackerRequest(body=body)
        self._call(lambda: client.update_tracker(request))

    def _cts(self, region: str, project_id: str) -> Any:
        from huaweicloudsdkcts.v3.cts_client import CtsClient

        return self._client("cts", CtsClient, region, project_id)
