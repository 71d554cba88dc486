"""OBS buckets: CTS checks tracked and transfer buckets against this state; ListBuckets lists them."""

from __future__ import annotations

import copy
import hashlib
import threading
from datetime import datetime, timezone
from typing import Any

from fakecloud.core.errors import ServiceError


def _now() -> str:
    """OBS's CreationDate form, e.g. `2026-01-01T00:00:00.000Z`."""
    stamp = datetime.now(timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


class ObsBackend:
    """Bucket name -> {name, location}; names are global, as in OBS. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, dict[str, Any]] = {}
        self._created: dict[str, str] = {}
        self._objects: dict[tuple[str, str], dict[str, Any]] = {}
        # HEAD bucket answered 301, as OBS does on some endpoints for a bucket of another region:
        # bucket -> whether the answer still names the region in `x-obs-bucket-location`
        self._head_redirects: dict[str, bool] = {}
        # An edition that ignores `x-obs-location` (or an older API version) lists no locations:
        # set this to see how a caller copes.
        self.listing_omits_location = False

    def add_bucket(self, name: str, region: str, creation_date: str | None = None) -> None:
        """Create the bucket (idempotent for the same region; the first creation date stays)."""
        with self._lock:
            existing = self._buckets.get(name)
            if existing and existing["location"] != region:
                raise ValueError(f"bucket {name!r} already exists in {existing['location']}")
            self._buckets[name] = {"name": name, "location": region}
            if creation_date is not None or name not in self._created:
                self._created[name] = creation_date or _now()

    def bucket(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._buckets.get(name)
            return copy.deepcopy(found) if found else None

    def exists(self, name: str) -> bool:
        with self._lock:
            return name in self._buckets

    def redirect_head(self, name: str, with_location: bool = True) -> None:
        """HEAD bucket on `name` answers 301 PermanentRedirect (the bucket is in another region),
        with or without `x-obs-bucket-location`."""
        with self._lock:
            self._head_redirects[name] = with_location

    def head_redirect(self, name: str) -> bool | None:
        """None: HEAD answers normally; else whether its 301 names the region."""
        with self._lock:
            return self._head_redirects.get(name)

    def region_of(self, name: str) -> str | None:
        with self._lock:
            found = self._buckets.get(name)
            return str(found["location"]) if found else None

    @property
    def buckets(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._buckets.values()))

    def list_buckets(self) -> list[tuple[str, str, str]]:
        """(name, creation date, location) of every bucket, all regions, sorted by name."""
        with self._lock:
            rows = [(name, self._created[name], record["location"]) for name, record in self._buckets.items()]
        rows.sort()
        return rows

    # ----- objects ----------------------------------------------------------------------------
    def put_object(self, bucket: str, key: str, body: bytes, content_type: str | None) -> str:
        """Store an object (replacing one with the same key); returns its ETag (the MD5, quoted)."""
        if not 1 <= len(key.encode("utf-8")) <= 1024:
            raise ServiceError(400, "KeyTooLongError", "Object keys are 1 to 1024 bytes.")
        etag = '"' + hashlib.md5(body).hexdigest() + '"'
        with self._lock:
            if bucket not in self._buckets:
                raise ServiceError(404, "NoSuchBucket", "The specified bucket does not exist.")
            self._objects[(bucket, key)] = {
                "body": bytes(body),
                "content_type": content_type or "binary/octet-stream",
                "etag": etag,
                "last_modified": _now(),
            }
        return etag

    def object(self, bucket: str, key: str) -> dict[str, Any] | None:
        """The stored object (`body`, `content_type`, `etag`, `last_modified`), or None."""
        with self._lock:
            found = self._objects.get((bucket, key))
            return copy.deepcopy(found) if found else None

    def keys(self, bucket: str) -> list[str]:
        with self._lock:
            return sorted(key for name, key in self._objects if name == bucket)

    def list_objects(
        self, bucket: str, prefix: str, marker: str, max_keys: int
    ) -> tuple[list[tuple[str, dict[str, Any]]], bool]:
        """(key, object) after `marker` under `prefix`, in key order, at most `max_keys`, and
        whether more follow (OBS's IsTruncated)."""
        with self._lock:
            if bucket not in self._buckets:
                raise ServiceError(404, "NoSuchBucket", "The specified bucket does not exist.")
            found = sorted(
                (key, dict(record))
                for (name, key), record in self._objects.items()
                if name == bucket and key.startswith(prefix) and key > marker
            )
        return found[:max_keys], len(found) > max_keys

    def change_object(self, bucket: str, key: str, body: bytes) -> None:
        """Tests: alter a stored object in place (what tampering looks like)."""
        with self._lock:
            self._objects[(bucket, key)]["body"] = bytes(body)

    def remove_object(self, bucket: str, key: str) -> None:
        with self._lock:
            del self._objects[(bucket, key)]
