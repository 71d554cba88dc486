"""OBS buckets: CTS checks tracked and transfer buckets against this state."""

from __future__ import annotations

import copy
import threading
from typing import Any


class ObsBackend:
    """Bucket name -> {name, location}; names are global, as in OBS. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, dict[str, Any]] = {}

    def add_bucket(self, name: str, region: str) -> None:
        """Create the bucket (idempotent for the same region)."""
        with self._lock:
            existing = self._buckets.get(name)
            if existing and existing["location"] != region:
                raise ValueError(f"bucket {name!r} already exists in {existing['location']}")
            self._buckets[name] = {"name": name, "location": region}

    def bucket(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._buckets.get(name)
            return copy.deepcopy(found) if found else None

    def exists(self, name: str) -> bool:
        with self._lock:
            return name in self._buckets

    def region_of(self, name: str) -> str | None:
        with self._lock:
            found = self._buckets.get(name)
            return str(found["location"]) if found else None

    @property
    def buckets(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._buckets.values()))
