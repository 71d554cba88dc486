"""organization/report: the organization report assembled from the expected list and the members' summaries."""

from __future__ import annotations

import csv
import io
from typing import Any, Dict

from autotracker.organization import report

COUNTS = {"buckets_covered": 2, "buckets_in_scope": 2, "projects_covered": 1, "projects_in_scope": 1}


def _summary(**changes: Any) -> Dict[str, Any]:
    return {"status": "reported", **COUNTS, "regions": [{"region": "ap-southeast-1", **COUNTS}], **changes}


ENTRIES = [
    {"account_id": "a-ok", "name": "Good", "status": "expected"},
    {"account_id": "a-failed", "name": "Broken", "status": "expected"},
    {"account_id": "a-silent", "name": "Silent", "status": "expected"},
    {"account_id": "a-suspended", "name": "Frozen", "status": "suspended"},
]
SUMMARIES = {
    "a-ok": _summary(),
    "a-failed": {"status": "failed", "error": {"code": "Forbidden", "message": "no agency"}},
    "a-suspended": _summary(),  # a summary of an account not expected is not taken
}


def test_run_folder_and_latest_key() -> None:
    assert report.run_folder("r/", "run-1") == "r/organization/run-1/"
    assert report.latest_key("r/") == "r/organization/latest.json"


def test_each_account_gets_the_status_its_summary_gives() -> None:
    built = report.build("run-1", ENTRIES, SUMMARIES)
    statuses = {a["account_id"]: a["status"] for a in built["accounts"]}
    assert statuses == {
        "a-ok": "reported",
        "a-failed": "failed",
        "a-silent": "not_reported",
        "a-suspended": "suspended",
    }
    failed = next(a for a in built["accounts"] if a["account_id"] == "a-failed")
    assert failed["error"] == {"code": "Forbidden", "message": "no agency"}
    assert built["run_id"] == "run-1"


def test_totals_count_only_reported_accounts() -> None:
    totals = report.build("run-1", ENTRIES, SUMMARIES)["totals"]
    assert totals["buckets_covered"] == 2 and totals["projects_in_scope"] == 1
    assert (totals["accounts_reported"], totals["accounts_failed"], totals["accounts_not_reported"]) == (1, 1, 1)


def test_untrusted_summary_strings_are_cut_and_counts_kept_numbers() -> None:
    summary = _summary(error={"code": "X" * 500, "message": "m\x00" * 2000}, buckets_covered="lots")
    summary["status"] = "failed"
    (account,) = report.build("run-1", [{"account_id": "a", "status": "expected"}], {"a": summary})["accounts"]
    assert len(account["error"]["code"]) <= 64
    assert len(account["error"]["message"]) <= 1000 and "\x00" not in account["error"]["message"]
    assert account["buckets_covered"] == 0


def test_rows_put_failures_first_with_an_explicit_status() -> None:
    built = report.build("run-1", ENTRIES, SUMMARIES)
    got = [(r["account"], r["status"]) for r in report.rows(built)]
    assert got == [("a-failed", "FAIL"), ("a-silent", "FAIL"), ("a-suspended", "SKIPPED"), ("a-ok", "PASS")]
    reasons = {r["account"]: r["reason"] for r in report.rows(built)}
    assert reasons["a-ok"] == "3 of 3 targets covered"
    assert reasons["a-failed"] == "no agency"


def test_a_partly_covered_account_fails() -> None:
    partial = _summary(buckets_covered=1)
    built = report.build("run-1", [{"account_id": "a", "status": "expected"}], {"a": partial})
    assert [r["status"] for r in report.rows(built)] == ["FAIL"]


def test_csv_has_a_row_per_account_and_region_and_defuses_formulas() -> None:
    entries = [{"account_id": "a-ok", "name": "=HYPERLINK(1)", "status": "expected"}, ENTRIES[2]]
    text = report.to_csv(report.build("run-1", entries, SUMMARIES))
    table = list(csv.DictReader(io.StringIO(text)))
    assert [(r["account_id"], r["region"], r["status"]) for r in table] == [
        ("a-ok", "ap-southeast-1", "reported"),
        ("a-silent", "", "not_reported"),
    ]
    assert table[0]["name"] == "'=HYPERLINK(1)"
    assert table[0]["buckets_covered"] == "2"
