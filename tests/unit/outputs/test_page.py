"""outputs/page: the auditor's page is well-formed XHTML, escapes untrusted text, and sorts rows into sections."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Dict, List

import pytest

from autotracker.contract import Kind, Outcome
from autotracker.outputs import page

NS = {"x": "http://www.w3.org/1999/xhtml"}


def _row(name: str, outcome: Outcome, error_code: str = "", region: str = "ap-southeast-1") -> Dict[str, str]:
    return {
        "account": "acc1",
        "region": region,
        "project": "p1",
        "kind": str(Kind.BUCKET),
        "name": name,
        "outcome": str(outcome),
        "tracker": "",
        "error_code": error_code,
        "reason": "",
    }


def _parse(html: str) -> ET.Element:
    body = html.split("\n", 1)[1]  # after the doctype
    return ET.fromstring(body)


def _texts(root: ET.Element, path: str) -> List[str]:
    return ["".join(element.itertext()) for element in root.findall(path, NS)]


@pytest.mark.parametrize(
    ("row", "section"),
    [
        (_row("a", Outcome.FAILED, "X"), "attention"),
        (_row("a", Outcome.CREATED, "SMN_FAILED"), "attention"),
        (_row("a", Outcome.PLANNED), "attention"),
        (_row("a", Outcome.DISPATCHED), "attention"),
        (_row("a", Outcome.CREATED), "changed"),
        (_row("a", Outcome.UPDATED), "changed"),
        (_row("a", Outcome.ALREADY_TRACKED), "rest"),
        (_row("a", Outcome.SKIPPED), "rest"),
    ],
)
def test_section_of(row: Dict[str, str], section: str) -> None:
    assert page.section_of(row) == section


def test_bar_class_is_green_only_at_full_coverage() -> None:
    assert page.bar_class(10, 10) == "ok"
    assert page.bar_class(9, 10) == "warn"
    assert page.bar_class(89, 100) == "bad"


def test_coverage_counts_per_account_and_region_without_skipped() -> None:
    rows = [
        _row("a", Outcome.ALREADY_TRACKED),
        _row("b", Outcome.FAILED, "X"),
        _row("c", Outcome.SKIPPED),
        _row("d", Outcome.CREATED, region="eu-west-101"),
    ]
    assert page.coverage_of(rows) == [("acc1", "ap-southeast-1", 1, 2), ("acc1", "eu-west-101", 1, 1)]


def test_the_page_is_well_formed_and_escapes_untrusted_text() -> None:
    hostile = "<script>alert('x')</script>&\x01"
    rows = [_row(hostile, Outcome.FAILED, "X")]
    html = page.render(title="Report & <more>", facts=[("run", hostile)], rows=rows)
    assert html.startswith("<!DOCTYPE html>")
    root = _parse(html)  # raises when not well-formed
    assert root.findall(".//x:script", NS) == []
    assert _texts(root, ".//x:title") == ["Report & <more>"]
    assert _texts(root, ".//x:table[@class='facts']//x:td") == ["<script>alert('x')</script>& "]  # \x01 made a space
    assert "\x01" not in html


def test_rows_land_in_their_sections_failures_first() -> None:
    rows = [_row("ok", Outcome.ALREADY_TRACKED), _row("new", Outcome.CREATED), _row("planned", Outcome.PLANNED)]
    rows.append(_row("broken", Outcome.FAILED, "X"))
    root = _parse(page.render(title="t", facts=[], rows=rows))
    headings = _texts(root, "x:body/x:h2")
    assert "Needing attention (2)" in headings
    assert "Changed this run (1)" in headings
    tables = root.findall(".//x:table[@class='targets']", NS)
    names = [
        [cells[1] for cells in (_texts(tr, "x:td") for tr in table.findall("x:tr", NS)) if cells] for table in tables
    ]
    assert names == [["broken", "planned"], ["new"], ["ok"]]
    assert _texts(root, ".//x:details/x:summary") == ["Compliant or skipped (1)"]


def test_a_failed_run_says_so_first_and_lists_nothing_as_well() -> None:
    problem = {"code": "TIMEOUT", "message": "<ran out>"}
    root = _parse(page.render(title="t", facts=[], rows=[], problem=problem))
    banner = _texts(root, "x:body/x:p[@class='problem']")
    assert len(banner) == 1
    assert banner[0].startswith("The run failed: TIMEOUT: <ran out>")
    assert "None listed: the run failed before its targets were judged." in _texts(root, "x:body/x:p")
