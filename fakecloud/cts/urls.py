"""CTS v3 paths -> handlers."""

from __future__ import annotations

from fakecloud.core.dispatch import Router, ServiceInfo
from fakecloud.cts.models import CtsBackend
from fakecloud.cts.responses import CtsResponses

SERVICE = ServiceInfo(name="cts", forbidden_code="CTS.0013", read_error_code="CTS.0005", write_error_code="CTS.0004")


def register(router: Router, backend: CtsBackend) -> None:
    handlers = CtsResponses(backend)
    router.add_service(SERVICE)
    router.add("POST", "/v3/{project_id}/tracker", "cts", "CreateTracker", handlers.create_tracker)
    router.add("PUT", "/v3/{project_id}/tracker", "cts", "UpdateTracker", handlers.update_tracker)
    router.add("GET", "/v3/{project_id}/trackers", "cts", "ListTrackers", handlers.list_trackers)
    router.add("DELETE", "/v3/{project_id}/trackers", "cts", "DeleteTracker", handlers.delete_tracker)
    router.add("GET", "/v3/{project_id}/quotas", "cts", "ListQuotas", handlers.list_quotas)
