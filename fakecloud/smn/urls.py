"""SMN v2 paths -> handlers (the SDK percent-encodes the topic URN in the path)."""

from __future__ import annotations

from typing import Callable, Optional

from fakecloud.core.dispatch import Router, ServiceInfo
from fakecloud.smn.models import SmnBackend
from fakecloud.smn.responses import SmnResponses, smn_error

SERVICE = ServiceInfo(
    name="smn",
    forbidden_code="SMN.0013",
    read_error_code="SMN.0001",
    write_error_code="SMN.0001",
    render_error=smn_error,
)


def register(router: Router, backend: SmnBackend, region_of: Callable[[str], Optional[str]]) -> None:
    handlers = SmnResponses(backend, region_of)
    router.add_service(SERVICE)
    router.add("POST", "/v2/{project_id}/notifications/topics", "smn", "CreateTopic", handlers.create_topic)
    router.add("GET", "/v2/{project_id}/notifications/topics", "smn", "ListTopics", handlers.list_topics)
    router.add(
        "DELETE", "/v2/{project_id}/notifications/topics/{topic_urn}", "smn", "DeleteTopic", handlers.delete_topic
    )
    router.add(
        "POST",
        "/v2/{project_id}/notifications/topics/{topic_urn}/publish",
        "smn",
        "PublishMessage",
        handlers.publish_message,
    )
