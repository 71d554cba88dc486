"""Deterministic data-tracker names, so a repeated event maps to the same tracker.

Bucket names use [a-z0-9.-]; tracker names allow [A-Za-z0-9_-] and at most 32
characters. '.' becomes '_' (no bucket name holds '_', so this is injective).
Short names keep the whole bucket name (length <= 31); longer ones keep a
readable head plus a hash of the full name (length exactly 32), so the two
forms can never collide and long names sharing a prefix stay distinct.
"""

from __future__ import annotations

import hashlib

PREFIX = "obs-"
MAX_LENGTH = 32
_HASH_CHARS = 10
_WHOLE_LIMIT = MAX_LENGTH - 1 - len(PREFIX)  # 27 characters of bucket name
_HEAD = MAX_LENGTH - len(PREFIX) - 1 - _HASH_CHARS  # 17 characters


def data_tracker_name(bucket: str) -> str:
    safe = bucket.replace(".", "_")
    if len(safe) <= _WHOLE_LIMIT:
        return PREFIX + safe
    digest = hashlib.sha256(bucket.encode("utf-8")).hexdigest()[:_HASH_CHARS]
    return f"{PREFIX}{safe[:_HEAD]}-{digest}"
