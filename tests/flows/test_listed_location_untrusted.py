"""A bucket never vanishes from the evidence because of what ListBuckets listed as its
`<Location>`: a listed location that is no region name (odd, hostile, empty, absent) is not a
place, so the bucket is located with HEAD bucket and judged in its real region, or, when HEAD
cannot place it either, reported `failed` with `LocationUnknown`. In a sweep, an audit and a
Config periodic evaluation alike (Config is never told Compliant for a bucket nobody placed)."""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List

import pytest
from helpers.config import account_record, config_event, states
from helpers.world import PROJECT_ID, REGION

from fakecloud import FakeCloud

BUCKET = "invoices-archive"
LISTED = re.compile(rf"(<Name>{BUCKET}</Name>.*?)<Location>[^<]*</Location>", re.S)

# what the listing says of BUCKET's location (HEAD bucket still answers the real one)
LISTINGS: Dict[str, Callable[[str], str]] = {
    "a host and path": lambda xml: LISTED.sub(r"\1<Location>evil.example.com/x</Location>", xml, 1),
    "a capitalised region": lambda xml: LISTED.sub(rf"\1<Location>{REGION.upper()}</Location>", xml, 1),
    "markup": lambda xml: LISTED.sub(r"\1<Location>&lt;b&gt;x&lt;/b&gt;</Location>", xml, 1),
    "a region and a line": lambda xml: LISTED.sub(rf"\1<Location>{REGION}&#10;x</Location>", xml, 1),
    "empty": lambda xml: LISTED.sub(r"\1<Location></Location>", xml, 1),
    "blank": lambda xml: LISTED.sub(r"\1<Location>   </Location>", xml, 1),
    "absent": lambda xml: LISTED.sub(r"\1", xml, 1),
}


def rows_of(result: Dict[str, Any], name: str) -> List[Dict[str, Any]]:
    return [r for r in result["results"] if r["target"] and r["target"]["name"] == name]


def tracked(cloud: FakeCloud) -> List[str]:
    return [(t.get("data_bucket") or {}).get("data_bucket_name") for t in cloud.cts.trackers(PROJECT_ID)]


def listed(cloud: FakeCloud, how: str) -> None:
    def change(xml: str) -> str:
        changed = LISTINGS[how](xml)
        assert changed != xml, "the rewrite found the bucket's listed location"
        return changed

    cloud.faults.rewrite(change, "ListBuckets", service="obs")


@pytest.mark.parametrize("how", sorted(LISTINGS))
@pytest.mark.parametrize("action", ["backfill", "audit"])
def test_a_bucket_listed_without_a_region_is_located_and_judged_in_its_real_region(
    invoke, cloud: FakeCloud, how: str, action: str
) -> None:
    listed(cloud, how)
    result = invoke({"action": action, "all": True} if action == "backfill" else {"action": action})
    (row,) = rows_of(result, BUCKET)
    assert row["target"]["region"] == REGION and row["target"]["project_id"] == PROJECT_ID
    assert row["outcome"] == ("created" if action == "backfill" else "planned"), row
    assert cloud.calls_of("GetBucketMetadata")  # HEAD bucket placed it
    assert all("evil" not in f"{c.host} {c.path} {c.query}" for c in cloud.calls)
    if action == "backfill":
        assert BUCKET in tracked(cloud)


@pytest.mark.parametrize("action", ["backfill", "audit"])
def test_a_bucket_that_neither_listing_nor_head_places_is_reported_location_unknown(
    invoke, cloud: FakeCloud, env: Dict[str, str], action: str
) -> None:
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.add_bucket("odd-bucket", "evil.example.com/x")  # listed and HEAD-answered alike
    result = invoke({"action": action, "all": True} if action == "backfill" else {"action": action})
    (row,) = rows_of(result, "odd-bucket")
    assert row["outcome"] == "failed" and row["error"]["code"] == "LocationUnknown", row
    assert result["ok"] is False
    assert all("evil" not in f"{c.host} {c.path} {c.query}" for c in cloud.calls if c.action != "GetBucketMetadata")
    assert "odd-bucket" not in tracked(cloud)


def test_config_periodic_judges_a_bucket_listed_without_a_region_where_head_places_it(
    invoke, cloud: FakeCloud, assignment: str
) -> None:
    listed(cloud, "a host and path")
    invoke(config_event(cloud, assignment, invoking_event=account_record(cloud)))
    found = states(cloud)
    assert found[BUCKET] == "NonCompliant"  # not covered, judged in its real region
    assert found[cloud.domain_id] == "NonCompliant"


def test_config_periodic_never_tells_compliant_of_a_bucket_nobody_placed(
    invoke, cloud: FakeCloud, env: Dict[str, str], assignment: str
) -> None:
    env["RAISE_ON_TRANSIENT"] = "false"
    cloud.add_bucket("odd-bucket", "evil.example.com/x")
    for bucket in ("photos-2026", BUCKET):  # everything placeable is covered
        cloud.cts.put_tracker(
            PROJECT_ID,
            {"tracker_name": bucket, "data_bucket": {"data_bucket_name": bucket, "data_event": ["WRITE", "READ"]}},
        )
    result = invoke(config_event(cloud, assignment, invoking_event=account_record(cloud)))
    found = states(cloud)
    assert found.get("odd-bucket") != "Compliant"
    assert found[cloud.domain_id] == "NonCompliant"  # one resource could not be judged
    (row,) = rows_of(result, "odd-bucket")
    assert row["error"]["code"] == "LocationUnknown"


def test_a_mislisted_bucket_head_places_outside_the_sweeps_regions_is_treated_like_its_region(
    invoke, cloud: FakeCloud
) -> None:
    """A full sweep covers its regions (BASELINE_REGIONS, else REGION); a bucket of another region
    is not in its scope, however the listing named that region."""
    eu = "eu-west-101"
    cloud.add_project(eu, project_id="e0e1e2e3e4e5e6e7e8e9eaebecedeeef")
    for name in ("eu-listed", "eu-mislisted"):
        cloud.add_bucket(name, eu)
    mislisted = re.compile(r"(<Name>eu-mislisted</Name>.*?)<Location>[^<]*</Location>", re.S)
    cloud.faults.rewrite(lambda xml: mislisted.sub(r"\1<Location>evil.example.com</Location>", xml, 1), "ListBuckets")
    result = invoke({"action": "audit"})
    assert len(cloud.calls_of("GetBucketMetadata")) == 1  # the mislisted one was placed
    assert rows_of(result, "eu-listed") == rows_of(result, "eu-mislisted") == []
    assert {r["target"]["region"] for r in result["results"] if r["target"]["kind"] == "bucket"} == {REGION}
