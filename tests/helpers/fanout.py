"""A coordinator's signed fan-out request, made as docs/organization.md specifies it and
independently of the function's code: what a test needs to send a genuine-looking (or expired,
or wrongly keyed) member sweep through `index.handler`."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Dict, Optional

DAY = 86_400
FANOUT_KEY = "fanout-key-of-the-tests-0123456789abcdefXYZ"  # the tests' deployment's key


def signed_fanout(
    request: Dict[str, Any],
    run_id: str = "coordinator-0001",
    key: str = FANOUT_KEY,
    issued: Optional[int] = None,
    expires: Optional[int] = None,
    new_account: bool = False,
) -> Dict[str, Any]:
    """`request` with the `fanout` envelope: HMAC-SHA256 (hex) keyed with `key` over the canonical
    JSON (sorted keys, no blanks, ASCII) of the whole request without `fanout.signature`."""
    issued = int(time.time()) if issued is None else issued
    envelope: Dict[str, Any] = {
        "run_id": run_id,
        "issued": issued,
        "expires": issued + DAY if expires is None else expires,
        "new_account": new_account,
    }
    event = {**request, "fanout": envelope}
    body = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    envelope["signature"] = hmac.new(key.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return event
