"""The one executor: carries out planned creates and updates and turns each answer into a result.

It owns what every trigger shares: concurrency (`SWEEP_CONCURRENCY`; a single step runs inline),
the order (several steps start in the run's own order, a hash of the run's id and the target,
so a run that runs out of time does not leave the same targets undone every time), the deadline
(no new step of several starts with less than START_RESERVE_SECONDS left: `NotReached`; a lone
step, an event's create, is bounded by the gateway's per-call deadline, whose `DeadlineExceeded`
is transient so FunctionGraph retries the event), the quota (after a `CTS.0200` no further data
tracker is tried in that project) and the meaning of CTS's answers. Retries of transient failures
happen below, in the gateway.

Idempotency comes from the service: CTS.0201 / CTS.0208 / CTS.0209 mean the target is already
covered. Only then is one ListTrackers call made, to report which tracker covers it.
"""

from __future__ import annotations

import hashlib
import heapq
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Callable, Iterable, List, Mapping, Tuple, Union

from ..cloud.errors import CloudError, is_transient, service_code
from ..cloud.gateway import Gateway
from ..cloud.retry import Deadline
from ..contract import ErrorCode, ErrorInfo, Kind, Outcome, TargetResult, TrackerRef, TrackerType, failed
from .plan import Create, ProjectState, Step, Update, Wanted

if TYPE_CHECKING:  # a new bucket's create needs neither: they load on a conflict or an update
    from ..cloud.records import TrackerRecord
    from .tracker_request import CreateTrackerBody

START_RESERVE_SECONDS = 4.0  # the report's 3 s plus one call's minimum: no new create/update with less left
ALREADY_COVERED = {
    "CTS.0201": "the project already has its management tracker",
    "CTS.0208": "a tracker with this name already exists",
    "CTS.0209": "the bucket's operations are already tracked by another tracker",
}
BUCKET_NOT_VISIBLE_YET = "CTS.0211"
QUOTA_REACHED = "CTS.0200"
YIELD_EVERY = 256  # steps made between two hand-overs of the interpreter to the workers (~0.3 ms)
NOT_REACHED = (
    "not reached: the invocation's time budget ran out before this target's turn; each invocation "
    "takes its targets in an order of its own (and only those still to do), so a later one may reach it first"
)


def execute(
    steps: Iterable[Step],
    states: Mapping[str, ProjectState],
    gateway: Gateway,
    deadline: Deadline,
    concurrency: int,
    order: str = "",
) -> List[TargetResult]:
    """Results in the order of the steps. Steps may still be in the making (`plan.plan`): each
    create is handed to a worker as soon as it arrives, and making the rest yields the
    interpreter now and then, so that the workers' requests are not kept waiting for it. A free
    worker starts the waiting step that comes first in the order `order` (the run's id) gives:
    the plan makes its steps far faster than they are carried out, so all but the first few start
    in that order. Without `order`, in the plan's order."""
    lock = threading.Lock()
    several = False

    def run(step: Union[Create, Update]) -> TargetResult:
        target = step.wanted.target if isinstance(step, Create) else step.assessment.target
        if several and deadline.remaining() < START_RESERVE_SECONDS:
            return failed(target, ErrorCode.NOT_REACHED, NOT_REACHED)
        if isinstance(step, Update):
            return _update(step, gateway)
        state = states.get(target.project_id or "")
        if target.kind == Kind.BUCKET and state is not None:
            with lock:
                if state.quota_full:
                    message = "data tracker quota filled up during this run; not created"
                    return failed(target, ErrorCode.QUOTA_EXHAUSTED, message)
        result = _create(step, gateway)
        if state is not None and result.error is not None and result.error.code == QUOTA_REACHED:
            with lock:
                state.quota_full = True
        return result

    remaining = iter(steps)
    head: List[Step] = []
    work = 0
    for step in remaining:  # up to the second step of work: a lone one runs inline, no thread hand-off
        head.append(step)
        work += not isinstance(step, TargetResult)
        if work > 1:
            break
    else:
        return [step if isinstance(step, TargetResult) else run(step) for step in head]
    several = True
    waiting = _Waiting(order, run)
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        ordered: List[Union[TargetResult, Future[TargetResult]]] = []
        try:
            for step in head:  # both waiting before a worker takes one
                ordered.append(step if isinstance(step, TargetResult) else waiting.put(step))
            for _ in range(work):
                pool.submit(waiting.start_next)
            for count, step in enumerate(remaining, len(head) + 1):
                if isinstance(step, TargetResult):
                    ordered.append(step)
                else:
                    ordered.append(waiting.put(step))
                    pool.submit(waiting.start_next)
                if count % YIELD_EVERY == 0:
                    time.sleep(0)
        except BaseException:  # the plan broke off: send nothing more than what is already on the wire
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        return [item if isinstance(item, TargetResult) else item.result() for item in ordered]


class _Waiting:
    """Steps waiting for a worker; each worker's turn starts the one first in the run's order."""

    def __init__(self, order: str, run: Callable[[Union[Create, Update]], TargetResult]) -> None:
        self._order = order.encode("utf-8", "backslashreplace")
        self._run = run
        self._lock = threading.Lock()
        self._heap: List[Tuple[bytes, int, Union[Create, Update], Future[TargetResult]]] = []
        self._made = 0  # the plan's order, among equal ranks (all of them without an order)

    def put(self, step: Union[Create, Update]) -> Future[TargetResult]:
        future: Future[TargetResult] = Future()
        target = step.wanted.target if isinstance(step, Create) else step.assessment.target
        rank = b""
        if self._order:
            key = "\n".join(str(part) for part in target).encode("utf-8", "backslashreplace")
            rank = hashlib.blake2b(self._order + b"\n" + key, digest_size=8).digest()
        with self._lock:
            heapq.heappush(self._heap, (rank, self._made, step, future))
            self._made += 1
        return future

    def start_next(self) -> None:
        with self._lock:
            _, _, step, future = heapq.heappop(self._heap)
        try:
            future.set_result(self._run(step))
        except BaseException as error:  # noqa: BLE001 - held as a pool's own future holds it: `.result()` raises it
            future.set_exception(error)


def _create(step: Create, gateway: Gateway) -> TargetResult:
    target, body = step.wanted.target, step.body
    ours = TrackerRef(name=body.tracker_name, type=body.tracker_type)
    region, project_id = target.region or "", target.project_id or ""
    try:
        record = gateway.create_tracker(region, project_id, body.to_wire(), retry_on=_retry_on(body.tracker_type))
    except CloudError as error:
        if error.code in ALREADY_COVERED:
            return _already_covered(step.wanted, body, ours, error, gateway)
        # a bucket still invisible after the retries may appear later: let a later retry try again
        transient = error.transient or (body.tracker_type == TrackerType.DATA and error.code == BUCKET_NOT_VISIBLE_YET)
        return TargetResult(target, Outcome.FAILED, _failure_reason(error), ours, error.info(), transient=transient)
    created = TrackerRef(name=str(record.get("tracker_name") or ours.name), type=ours.type, id=record.get("id"))
    why = f" ({step.wanted.source})" if step.wanted.source else ""
    return TargetResult(target, Outcome.CREATED, f"created {created.type} tracker {created.name!r}{why}", created)


def _retry_on(tracker_type: str) -> Any:
    """A bucket may not be visible to CTS for a few seconds after creation: retry CTS.0211 too."""

    def retry(error: BaseException) -> bool:
        return is_transient(error) or (
            tracker_type == TrackerType.DATA and service_code(error) == BUCKET_NOT_VISIBLE_YET
        )

    return retry


def _failure_reason(error: CloudError) -> str:
    if error.transient:
        return f"transient failure persisted after retries: {error.code} {error.message}".strip()
    if error.status in (401, 403):
        return f"not authorised ({error.code}); check the agency's permissions"
    return f"CreateTracker refused: {error.code} {error.message}".strip()


def _already_covered(
    wanted: Wanted, body: CreateTrackerBody, ours: TrackerRef, error: CloudError, gateway: Gateway
) -> TargetResult:
    from .baseline import ref, trackers_of_bucket

    target = wanted.target
    why = ALREADY_COVERED[error.code]
    try:
        trackers = gateway.list_trackers(target.region or "", target.project_id or "", tracker_type=body.tracker_type)
    except CloudError as lookup:
        if error.code == "CTS.0208":  # only the name is known to be taken: by what cannot be told
            message = f"tracker {ours.name!r} exists but could not be checked: {lookup.code} {lookup.message}"
            unchecked = lookup.info(message)
            return TargetResult(target, Outcome.FAILED, message, ours, unchecked, lookup.transient)
        # covered by something, but whether that tracker is enabled and complete is unknown: say so,
        # and let an async retry look again
        message = f"{why} ({error.code}), but the covering tracker could not be checked: {lookup.code} {lookup.message}"
        unverified = ErrorInfo(ErrorCode.COVERAGE_UNVERIFIED, message)
        return TargetResult(target, Outcome.ALREADY_TRACKED, message, ours, unverified, transient=True)
    covering = trackers if body.tracker_type == TrackerType.SYSTEM else trackers_of_bucket(target.name or "", trackers)
    if not covering:
        if error.code == "CTS.0208":
            message = f"tracker {ours.name!r} exists but does not track {target.label}"
            return TargetResult(target, Outcome.FAILED, message, ours, error.info(message))
        # CTS says something covers it, yet the listing shows no such tracker: never plain covered
        message = f"{why} ({error.code}), but no covering tracker is listed: coverage could not be verified"
        unverified = ErrorInfo(ErrorCode.COVERAGE_UNVERIFIED, message)
        return TargetResult(target, Outcome.ALREADY_TRACKED, message, ours, unverified, transient=True)
    primary = next((t for t in covering if t.name == ours.name), covering[0])
    found = ref(primary)
    gaps = _gaps(covering, body)
    drift = ErrorInfo(ErrorCode.TRACKER_DRIFT, "; ".join(gaps)) if gaps else None
    # Who made it is not said: CreateTracker takes no tag or other marker, and an event, a backfill
    # and a sweep name a bucket's tracker alike, so an earlier attempt at this event cannot be
    # told from any other maker.
    reason = f"{why} ({error.code}): {found.name!r}{_events_note(primary)}"
    return TargetResult(target, Outcome.ALREADY_TRACKED, reason, found, drift)


def _gaps(covering: List[TrackerRecord], body: CreateTrackerBody) -> List[str]:
    """What the existing trackers leave uncovered: disabled or failing trackers, missing events."""
    from .baseline import untracked_events

    gaps = [f"{t.name!r}: {t.not_recording}" for t in covering if t.not_recording]
    if body.data_bucket is not None:
        missing = untracked_events(covering, body.data_bucket.data_event)
        if missing:
            gaps.append("events not tracked: " + ",".join(missing) + " (the baseline sweep repairs this)")
    return gaps


def _events_note(tracker: TrackerRecord) -> str:
    return f" (events {','.join(tracker.events)})" if tracker.events else ""


def _update(step: Update, gateway: Gateway) -> TargetResult:
    from .baseline import ref

    assessment, body = step.assessment, step.body
    target = assessment.target
    covering = ref(assessment.tracker) if assessment.tracker else None
    try:
        gateway.update_tracker(target.region or "", target.project_id or "", body.to_wire())
    except CloudError as error:
        reason = f"UpdateTracker refused: {error.code} {error.message}"
        return TargetResult(target, Outcome.FAILED, reason, covering, error.info(), error.transient)
    return TargetResult(target, Outcome.UPDATED, "repaired drift: " + "; ".join(assessment.drift), covering)
