"""SMN state and rules: topics, and every message published, kept for assertions.

Codes the docs don't give are fakecloud's own: 400 SMN.0004 for a body that is not an object or
carries no message content, 403 SMN.0013 for a forbidden project, 400 SMN.0002 / SMN.0003 for a
bad topic name / display_name, 403 SMN.0011 past the 3,000-topic quota.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import uuid
from datetime import datetime, timezone
from typing import Any

from fakecloud.core.errors import ServiceError

SUBJECT_MAX_BYTES = 512
MESSAGE_MAX_BYTES = 256 * 1024
SMS_MAX_CHARS = 490
SMS_FORBIDDEN = "[]【】"
DISPLAY_NAME_MAX_BYTES = 192
TOPIC_QUOTA = 3000
_TOPIC_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$")
_URN_RE = re.compile(
    r"^urn:smn:(?P<region>[a-z0-9-]+):(?P<project_id>[A-Za-z0-9-]+):(?P<name>[A-Za-z0-9][A-Za-z0-9_-]{0,254})$"
)


def topic_urn(region: str, project_id: str, name: str) -> str:
    return f"urn:smn:{region}:{project_id}:{name}"


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _check_structure(raw: Any) -> None:
    def invalid(why: str) -> ServiceError:
        return ServiceError(400, "SMN.0021", f"Invalid message_structure: {why}")

    if not isinstance(raw, str):
        raise invalid("must be a JSON string")
    if _utf8_len(raw) > MESSAGE_MAX_BYTES:
        raise ServiceError(403, "SMN.0009", "The message exceeds 256 KB.")
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise invalid("not valid JSON") from None
    if not isinstance(parsed, dict):
        raise invalid("not a JSON object")
    default = parsed.get("default")
    if not isinstance(default, str) or not default:
        raise invalid("a non-empty 'default' is mandatory")
    if "sms" in parsed:
        sms = parsed["sms"]
        if not isinstance(sms, str) or len(sms) > SMS_MAX_CHARS:
            raise invalid(f"sms must be a string of at most {SMS_MAX_CHARS} characters")
        if any(ch in sms for ch in SMS_FORBIDDEN):
            raise invalid("sms must not contain [] or 【】")


class SmnBackend:
    """Topics by URN plus the log of accepted messages; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._topics: dict[str, dict[str, Any]] = {}
        self._messages: list[dict[str, Any]] = []

    def add_topic(self, name: str, region: str, project_id: str, display_name: str = "") -> str:
        if not _TOPIC_NAME_RE.match(name):
            raise ValueError(f"invalid topic name {name!r}")
        urn = topic_urn(region, project_id, name)
        with self._lock:
            if urn not in self._topics:
                now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                self._topics[urn] = {
                    "topic_urn": urn,
                    "name": name,
                    "display_name": display_name,
                    "region": region,
                    "project_id": project_id,
                    "topic_id": uuid.uuid4().hex,
                    "push_policy": 0,
                    "enterprise_project_id": "0",
                    "create_time": now,
                    "update_time": now,
                }
        return urn

    def create_topic(self, project_id: str, region: str, body: Any) -> tuple[bool, dict[str, str]]:
        """CreateTopic is idempotent: (created, {request_id, topic_urn}); an existing name is not
        created again (the service answers 200 instead of 201)."""
        if not isinstance(body, dict):
            raise ServiceError(400, "SMN.0004", "The request body is empty or is not a JSON object.")
        name, display_name = body.get("name"), body.get("display_name")
        if not isinstance(name, str) or not _TOPIC_NAME_RE.match(name):
            raise ServiceError(400, "SMN.0002", "Invalid topic name.")
        if not isinstance(display_name, str) or not 1 <= _utf8_len(display_name) <= DISPLAY_NAME_MAX_BYTES:
            raise ServiceError(400, "SMN.0003", "Invalid display_name: 1 to 192 bytes.")
        urn = topic_urn(region, project_id, name)
        with self._lock:
            created = urn not in self._topics
            if created and sum(t["project_id"] == project_id for t in self._topics.values()) >= TOPIC_QUOTA:
                raise ServiceError(403, "SMN.0011", "The number of topics has reached the quota.")
        self.add_topic(name, region, project_id, display_name)
        return created, {"request_id": uuid.uuid4().hex, "topic_urn": urn}

    def list_topics(
        self, project_id: str, offset: int = 0, limit: int = 100, name: str | None = None
    ) -> tuple[int, list[dict[str, Any]]]:
        """(topic_count, page): topics of the project, newest first, filtered by exact name."""
        with self._lock:
            found = [
                {key: value for key, value in topic.items() if key not in ("region", "project_id")}
                for topic in self._topics.values()
                if topic["project_id"] == project_id and name in (None, topic["name"])
            ]
        found.reverse()
        return len(found), found[offset : offset + limit]

    @property
    def topics(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._topics.values()))

    def delete_topic(self, project_id: str, urn: str) -> None:
        with self._lock:
            topic = self._topics.get(urn)
            if topic is None or topic["project_id"] != project_id:
                raise ServiceError(404, "SMN.0006", "The topic does not exist.")
            del self._topics[urn]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Bodies of accepted PublishMessage calls plus topic_urn, project_id, message_id."""
        with self._lock:
            return copy.deepcopy(self._messages)

    def publish(self, project_id: str, urn: str, body: Any) -> dict[str, str]:
        if not _URN_RE.match(urn):
            raise ServiceError(400, "SMN.0005", "Invalid topic URN.")
        if not isinstance(body, dict):
            raise ServiceError(400, "SMN.0004", "The request body is empty or is not a JSON object.")
        with self._lock:
            topic = self._topics.get(urn)
        if topic is None or topic["project_id"] != project_id:
            raise ServiceError(404, "SMN.0006", "The topic does not exist.")
        subject = body.get("subject")
        if subject is not None and (not isinstance(subject, str) or _utf8_len(subject) > SUBJECT_MAX_BYTES):
            raise ServiceError(403, "SMN.0008", "Invalid subject: at most 512 bytes.")
        message, structure = body.get("message"), body.get("message_structure")
        if message is None and structure is None and not body.get("message_template_name"):
            raise ServiceError(
                400, "SMN.0004", "One of message, message_structure or message_template_name is required."
            )
        if message is not None and (not isinstance(message, str) or _utf8_len(message) > MESSAGE_MAX_BYTES):
            raise ServiceError(403, "SMN.0009", "Invalid message: a string of at most 256 KB.")
        if structure is not None:
            _check_structure(structure)
        result = {"request_id": uuid.uuid4().hex, "message_id": uuid.uuid4().hex}
        record = {
            "subject": None,
            "message": None,
            "message_structure": None,
            "time_to_live": None,
            **copy.deepcopy(body),
            "topic_urn": urn,
            "project_id": project_id,
            "message_id": result["message_id"],
        }
        with self._lock:
            self._messages.append(record)
        return result
