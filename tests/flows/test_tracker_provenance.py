"""Who made a tracker is said only when it can be known (issue 20, point 18).

CreateTracker takes no tag or other marker (its API page, SDK 3.1.219's CreateTrackerRequestBody),
and a backfill, a sweep and an event all name a bucket's tracker alike, so a tracker found on a
conflict cannot be told apart from one an earlier attempt at the same event made: the report says
`already_tracked` and names the tracker, and claims nothing about where it came from.
"""

from __future__ import annotations

import json

from helpers.world import PROJECT_ID, bucket_event

PROVENANCE_WORDS = ("earlier attempt", "created for this event", "by a retry")


def test_a_tracker_a_backfill_made_is_reported_plainly_when_the_buckets_event_arrives(invoke, cloud) -> None:
    backfill = invoke({"action": "backfill", "buckets": ["photos-2026"], "dry_run": False})
    assert [row["outcome"] for row in backfill["results"]] == ["created"], backfill
    (made,) = [t["tracker_name"] for t in cloud.cts.trackers(PROJECT_ID) if t.get("tracker_type") == "data"]

    # the bucket's createBucket trace, recorded before the backfill ran, arrives late
    late = invoke(bucket_event("photos-2026", time=1764050400000))
    (row,) = late["results"]
    assert row["outcome"] == "already_tracked" and row["tracker"]["name"] == made
    assert made in row["reason"]
    report = json.loads(cloud.smn.messages[-1]["message_structure"])["default"]
    for said in (row["reason"], report):
        assert not any(word in said for word in PROVENANCE_WORDS), said
    assert len(cloud.cts.trackers(PROJECT_ID)) == 1  # the backfill's tracker, no second one
