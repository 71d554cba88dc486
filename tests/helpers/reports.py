"""The report bucket and the keys one invocation wrote in it."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import List

REPORTS = "audit-reports"


class WrittenKeys:
    """The one invocation's keys, found in the bucket when asked: `<day>/<request id>.<nonce>.<ext>`
    (the nonce is new on every attempt, so a test cannot know it beforehand)."""

    def __init__(self, cloud) -> None:
        self.cloud = cloud
        day = datetime.now(timezone.utc).strftime("%Y/%m/%d")
        self.pattern = re.compile(
            rf"^(cts-autotracker/reports/{day}/req-0001\.[0-9a-f]{{12}})\.(json|csv|html|ocsf\.json)$"
        )

    def __getitem__(self, ext: str) -> str:
        found = [self.pattern.match(k) for k in self.cloud.obs.keys(REPORTS)]
        (key,) = [m.group(0) for m in found if m and m.group(2) == ext]
        return key

    def values(self) -> List[str]:
        keys = [self[ext] for ext in ("json", "csv", "html", "ocsf.json")]
        assert len({self.pattern.match(key).group(1) for key in keys}) == 1  # type: ignore[union-attr]  # one nonce
        return keys
