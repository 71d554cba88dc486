"""outputs/reports.py: the CSV a spreadsheet opens safely, and the report rows saying what the run was."""

from __future__ import annotations

import csv
import io

from autotracker.contract import ErrorCode, Kind, Outcome, Target, TargetResult, failed
from autotracker.outputs.reports import COLUMNS, coverage, rows, to_csv


def bucket(name: str, region: str = "ap-southeast-1") -> Target:
    return Target(Kind.BUCKET, name, "p-1", region)


def test_a_cell_a_spreadsheet_would_run_is_quoted_as_text() -> None:
    result = failed(bucket("b"), ErrorCode.NOT_COVERED, "m", reason='=HYPERLINK("http://x")')
    (header, row) = list(csv.reader(io.StringIO(to_csv([result]))))
    assert tuple(header) == COLUMNS
    assert row[COLUMNS.index("reason")].startswith("'=")


def test_a_failed_run_says_so_in_its_first_row() -> None:
    text = to_csv([], account_id="acct", problem={"code": ErrorCode.INTERNAL_ERROR, "message": "listing failed"})
    (_, first) = list(csv.reader(io.StringIO(text)))
    assert first[COLUMNS.index("kind")] == "invocation" and first[COLUMNS.index("outcome")] == str(Outcome.FAILED)
    assert "not the whole scope" in first[COLUMNS.index("reason")]


def test_rows_and_coverage_per_region() -> None:
    results = [
        TargetResult(bucket("a"), Outcome.CREATED, "created"),
        failed(bucket("b"), ErrorCode.NOT_COVERED, "denied"),
        TargetResult(bucket("c", "eu-west-101"), Outcome.ALREADY_TRACKED, "covered"),
    ]
    assert [row["name"] for row in rows(results)] == ["a", "b", "c"]
    assert sorted(coverage(results)) == [("ap-southeast-1", 1, 2), ("eu-west-101", 1, 1)]
