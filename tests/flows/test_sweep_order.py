"""A sweep takes its targets in an order of its own, keyed by the invocation's request id: when
a run runs out of time, the targets it leaves `NotReached` are not the same ones every run (a
fixed order left the ones last in it undone again and again, behind targets that fail every
time), and the message says what really happens. Driven through `index.handler`."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from helpers.world import REGION, FakeContext

from fakecloud import FakeCloud

TIMER = {"version": "v1.0", "time": "2026-12-03T06:00:00+08:00", "trigger_type": "TIMER", "trigger_name": "t"}


class RequestContext(FakeContext):
    def __init__(self, request_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.request_id = request_id

    def getRequestID(self) -> str:
        return self.request_id


def creates_in_order(cloud: FakeCloud, since: int) -> List[Tuple[str, str]]:
    """Each CreateTracker the fake received after the first `since`: (project, bucket or "system")."""
    calls = cloud.calls_of("CreateTracker")[since:]
    return [
        (
            call.path.split("/")[2],
            ((call.request_json or {}).get("data_bucket") or {}).get("data_bucket_name", "system"),
        )
        for call in calls
    ]


def test_each_run_takes_the_targets_in_an_order_of_its_own(invoke: Any, cloud: FakeCloud, env: Dict[str, str]) -> None:
    env["SWEEP_CONCURRENCY"] = "1"
    for index in range(8):
        cloud.add_bucket(f"bulk-{index}", REGION)
    # every create fails the same way, so every run has the same targets to do; each create takes
    # long enough for the plan to have made every step before the first one is answered
    cloud.faults.inject(status=403, action="CreateTracker", count=None)
    cloud.faults.latency(0.1, action="CreateTracker")
    orders: Dict[str, List[Tuple[str, str]]] = {}
    reported: Dict[str, List[Any]] = {}
    for request_id in ("run-a", "run-b", "run-c", "run-a-again"):
        before = len(cloud.calls_of("CreateTracker"))
        result = invoke(TIMER, context=RequestContext(request_id.replace("-again", "")))
        assert result["ok"] is False and not any(r["outcome"] == "created" for r in result["results"])
        orders[request_id] = creates_in_order(cloud, before)
        reported[request_id] = [entry["target"] for entry in result["results"]]
    targets = sorted(orders["run-a"])
    assert len(targets) >= 10 and all(sorted(order) == targets for order in orders.values())
    assert orders["run-a-again"] == orders["run-a"]  # the same run's order, whenever it runs
    runs = [orders[request_id] for request_id in ("run-a", "run-b", "run-c")]
    assert len({tuple(order) for order in runs}) == 3
    assert len({order[-1] for order in runs}) > 1, runs  # no target is last every time
    assert reported["run-a"] == reported["run-b"] == reported["run-c"]  # results keep the plan's order


def test_targets_not_reached_are_told_what_really_happens(invoke: Any, cloud: FakeCloud, env: Dict[str, str]) -> None:
    # as in test_sweep's test_work_not_reached_before_the_deadline_is_reported: 10 - 4 = 6 s for the
    # listings, whatever the machine's load, and at least 40 x 0.2 = 8 s for two workers' 80 creates
    env["SWEEP_CONCURRENCY"] = "2"
    for index in range(80):
        cloud.add_bucket(f"bulk-{index:04d}", REGION)
    cloud.faults.latency(0.2, action="CreateTracker")
    result = invoke(TIMER, context=RequestContext("run-late", remaining_ms=10_000))
    not_reached = [r for r in result["results"] if (r["error"] or {}).get("code") == "NotReached"]
    assert not_reached
    for entry in not_reached:
        assert "each invocation takes its targets in an order of its own" in entry["reason"]
        assert "next run will" not in entry["reason"]
