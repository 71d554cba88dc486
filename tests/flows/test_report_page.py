"""The auditor's HTML page (issue 22 item 4), written by the real handler to the fake OBS: the
version, the run's facts and outcome counts; a viewport; rows grouped by account → region →
project (not repeated per row); created/updated under "Changed this run", not "Needing
attention"; coverage bars coloured by threshold; compliant rows collapsed; a print stylesheet.
The real-browser checks (widths, the banner in the first screen) are in
test_report_page_browser.py."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, Dict, List

import pytest
from helpers.world import REGION

from autotracker.outputs.page import bar_class
from autotracker.version import __version__

REPORTS = "audit-reports"
X = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def reporting(cloud, env) -> None:
    cloud.add_bucket(REPORTS, REGION)
    env.update({"REPORT_BUCKET": REPORTS, "EXCLUDE_BUCKETS": REPORTS})


def key_of(result: Dict[str, Any], ext: str) -> str:
    """The key of the invocation's `ext` object (main's keys carry a nonce: read them from the result)."""
    keys = result["report"]["keys"]
    (key,) = [k for k in keys if k.endswith(f".{ext}") and (ext == "ocsf.json") == k.endswith(".ocsf.json")]
    return key


def page_of(cloud, key: str) -> ET.Element:
    found = cloud.obs.object(REPORTS, key)
    assert found is not None, key
    return ET.fromstring(found["body"].decode("utf-8"))


def text(element: ET.Element) -> str:
    return "".join(element.itertext())


def section(root: ET.Element, heading: str) -> List[List[str]]:
    """The rows (cell texts) of the table after the h2 starting with `heading`."""
    body = list(root.find(f"{X}body"))
    start = next(i for i, el in enumerate(body) if el.tag == f"{X}h2" and text(el).startswith(heading))
    following = body[start + 1]
    if following.tag == f"{X}p":
        return []
    return [[text(cell) for cell in tr] for tr in following.iter(f"{X}tr")][1:]


def test_the_page_has_a_viewport_the_version_and_the_outcome_counts(invoke, cloud, reporting) -> None:
    result = invoke({"action": "backfill", "all": True})
    root = page_of(cloud, key_of(result, "html"))
    metas = {m.get("name"): m.get("content") for m in root.iter(f"{X}meta")}
    assert metas.get("viewport") == "width=device-width, initial-scale=1"
    facts = {text(tr[0]): text(tr[1]) for tr in root.iter(f"{X}tr") if len(tr) == 2 and tr[0].tag == f"{X}th"}
    assert facts["Version"] == f"cts-autotracker {__version__}"
    counts = [text(li) for li in next(root.iter(f"{X}ul"))]
    for outcome, n in result["summary"].items():
        assert f"{outcome}: {n}" in counts
    style = text(next(root.iter(f"{X}style")))
    assert "@media print" in style


def test_created_targets_are_changed_this_run_not_needing_attention(invoke, cloud, reporting) -> None:
    result = invoke({"action": "backfill", "all": True})
    assert result["summary"]["created"] == 4
    root = page_of(cloud, key_of(result, "html"))
    assert section(root, "Needing attention") == []
    changed = section(root, "Changed this run")
    made = [row for row in changed if len(row) == 6]
    assert sorted(row[2] for row in made) == ["created"] * 4
    # grouped: account, region and project are in the group rows, never a column of each row
    groups = [row[0] for row in changed if len(row) == 1]
    assert groups and all(f"region {REGION}" in group for group in groups)
    assert all(cloud.domain_id not in cell for row in made for cell in row)


def test_compliant_rows_are_collapsed_and_failures_lead_needing_attention(invoke, cloud, reporting) -> None:
    result = invoke({"action": "backfill", "all": True})  # trackers now exist
    cloud.faults.inject(status=403, error_code="CTS.0013", action="CreateTracker", count=None)
    cloud.add_bucket("late-bucket", REGION)
    result = invoke({"action": "backfill", "all": True})
    root = page_of(cloud, key_of(result, "html"))
    attention = [row for row in section(root, "Needing attention") if len(row) == 6]
    assert attention and attention[0][1] == "late-bucket" and attention[0][2] == "failed"
    (details,) = root.iter(f"{X}details")
    assert details.get("open") is None and text(details.find(f"{X}summary")).startswith("Compliant or skipped")
    quiet = [[text(c) for c in tr] for tr in details.iter(f"{X}tr")]
    assert sum(1 for row in quiet if len(row) == 6 and row[2] == "already_tracked") == 4


def test_coverage_bars_are_green_only_at_100_percent(invoke, cloud, reporting) -> None:
    result = invoke({"action": "backfill", "all": True})
    cloud.faults.inject(status=403, error_code="CTS.0013", action="CreateTracker", count=None)
    cloud.add_bucket("late-bucket", REGION)  # 4 of 5 covered: 80 %
    result = invoke({"action": "backfill", "all": True})
    root = page_of(cloud, key_of(result, "html"))
    fills = [div.get("class") for div in root.iter(f"{X}div") if "fill" in (div.get("class") or "").split()]
    assert fills == ["fill bad"]
    assert [bar_class(c, 100) for c in (100, 99, 90, 89, 66)] == ["ok", "warn", "warn", "bad", "bad"]


def test_the_framework_mapping_is_on_the_page(invoke, cloud, reporting) -> None:
    result = invoke({"action": "backfill", "all": True})
    page = text(page_of(cloud, key_of(result, "html")))
    for control in ("ISO/IEC 27001:2022 A.8.15", "8.1.4.3", "AU-12", "CIS publishes no benchmark for Huawei Cloud"):
        assert control in page


def stored_pages(cloud) -> Dict[str, str]:
    return {key: cloud.obs.object(REPORTS, key)["body"].decode() for key in cloud.obs.keys(REPORTS)}
