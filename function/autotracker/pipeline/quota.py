"""The data-tracker quota seen coming: how many of each project's 100 data trackers are in use
after a sweep (or a Config periodic evaluation), and a warning at QUOTA_WARN_PERCENT.

Counted, not asked: the sweep has already listed every tracker of each project it covers
(ListTrackers is not paged and lists trackers of every status, each of which holds a slot), so
the count is exact without CTS ListQuotas, one call and one IAM grant more per project (whose
documented answer, moreover, shows no `data_tracker` entry). Used = the listed data trackers +
those this run created; a CTS.0200 seen while creating means the project is full whatever was
listed. The buckets "left out next" are the ones this run could not (or, in a dry run or audit,
would not) get a slot for (`QuotaExhausted`), in PRIORITY_BUCKETS order; when none were, the
next new buckets beyond the free slots are.

Every output reads the same `QuotaUse.to_dict()` and `warning()`, so the result, the report, SMN
and the log say the same numbers.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from ..contract import ErrorCode, Kind, Outcome, TargetResult, TrackerType
from .plan import DATA_TRACKER_QUOTA, ProjectState

LEFT_OUT_SHOWN = 20  # bucket names a warning text lists (the JSON lists up to LEFT_OUT_KEPT)
LEFT_OUT_KEPT = 1000
WHAT_TO_DO = (
    "The quota cannot be raised: list the buckets that must stay tracked in PRIORITY_BUCKETS (they get "
    "the last slots first), leave the others out with EXCLUDE_BUCKETS, or delete the data trackers of "
    "buckets no longer needed."
)


class QuotaUse(NamedTuple):
    """One project's data trackers in use, as this run left them."""

    project_id: str
    region: Optional[str]
    account_id: Optional[str]  # a member account's; None for this function's own
    used: int
    warn_percent: int
    left_out: Tuple[str, ...] = ()  # buckets without a slot this run (QuotaExhausted), in priority order
    left_out_count: int = 0

    @property
    def free(self) -> int:
        return max(DATA_TRACKER_QUOTA - self.used, 0)

    @property
    def percent(self) -> int:
        return self.used * 100 // DATA_TRACKER_QUOTA

    @property
    def warn(self) -> bool:
        return self.used * 100 >= self.warn_percent * DATA_TRACKER_QUOTA

    def to_dict(self) -> Dict[str, Any]:
        return {
            "project_id": self.project_id,
            "region": self.region,
            "account_id": self.account_id,
            "used": self.used,
            "limit": DATA_TRACKER_QUOTA,
            "free": self.free,
            "percent": self.percent,
            "warn_percent": self.warn_percent,
            "warn": self.warn,
            "left_out": list(self.left_out),
            "left_out_count": self.left_out_count,
        }


def warning(use: Mapping[str, Any]) -> str:
    """The one text every output gives for a project at or above QUOTA_WARN_PERCENT (a `to_dict()`)."""
    where = f"project {use['project_id']}" + (f" ({use['region']})" if use.get("region") else "")
    where += f" of account {use['account_id']}" if use.get("account_id") else ""
    numbers = (
        f"{use['used']} of {use['limit']} data trackers used ({use['percent']}%, at or above "
        f"QUOTA_WARN_PERCENT {use['warn_percent']}%), {use['free']} free"
    )
    names: Sequence[str] = use.get("left_out") or ()
    if names:
        shown = ", ".join(names[:LEFT_OUT_SHOWN])
        more = use["left_out_count"] - min(len(names), LEFT_OUT_SHOWN)
        nxt = f"left out for the quota: {shown}" + (f" and {more} more" if more > 0 else "")
    else:
        nxt = f"the next {use['free']} new bucket(s) get the last slots; any beyond them will be left out"
    return f"{where}: {numbers}; {nxt}. {WHAT_TO_DO}"


def count(
    states: Mapping[str, ProjectState],
    results: Iterable[TargetResult],
    warn_percent: int,
    account_id: Optional[str] = None,
) -> List[QuotaUse]:
    """Each listed project's data trackers in use after the run (a project whose listing failed is
    not counted: its numbers are unknown, and its failure is in the results already)."""
    listed = {pid: state for pid, state in states.items() if state.trackers is not None}
    created = dict.fromkeys(listed, 0)
    regions: Dict[str, Optional[str]] = {}
    left_out: Dict[str, List[str]] = {}
    for result in results:
        target = result.target
        pid = target.project_id if target else None
        if target is None or pid not in listed:
            continue
        regions.setdefault(pid, target.region)
        if target.kind != Kind.BUCKET:
            continue
        tracker = result.tracker
        if result.outcome == Outcome.CREATED and tracker is not None and tracker.type == TrackerType.DATA:
            created[pid] += 1
        elif result.error is not None and result.error.code == ErrorCode.QUOTA_EXHAUSTED:
            left_out.setdefault(pid, []).append(target.name or "")
    uses = []
    for pid in sorted(listed):
        state = listed[pid]
        data = sum(tracker.type == TrackerType.DATA for tracker in state.trackers or ())
        used = max(data + created[pid], DATA_TRACKER_QUOTA if state.quota_full else 0)
        names = left_out.get(pid, [])
        uses.append(
            QuotaUse(pid, regions.get(pid), account_id, used, warn_percent, tuple(names[:LEFT_OUT_KEPT]), len(names))
        )
    return uses


class QuotaBook:
    """The quota figures one invocation gathered, for its outputs (jobs add, outputs read)."""

    def __init__(self) -> None:
        self._uses: List[QuotaUse] = []
        self._lock = threading.Lock()

    def add(self, uses: Iterable[QuotaUse]) -> None:
        with self._lock:
            self._uses.extend(uses)

    def figures(self) -> Tuple[Dict[str, Any], ...]:
        with self._lock:
            return tuple(use.to_dict() for use in self._uses)
