"""outputs/ocsf: one Compliance Finding per row, stable ids, and statuses that never read as well on failure."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Dict, List

import pytest

from autotracker.contract import Kind, Outcome
from autotracker.outputs import ocsf

TIME = datetime(2026, 12, 3, 8, 0, tzinfo=timezone.utc)


def _row(**changes: str) -> Dict[str, str]:
    row = {"account": "acc1", "region": "ap-southeast-1", "project": "p1", "kind": str(Kind.BUCKET)}
    row.update(name="logs-bucket", outcome=str(Outcome.CREATED), tracker="system", error_code="", reason="")
    row.update(changes)
    return row


def _findings(rows: List[Dict[str, str]], **kwargs: object) -> List[Dict[str, object]]:
    return list(ocsf.findings(rows, time=TIME, run_id="run-1", region="ap-southeast-1", **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("row", "status"),
    [
        (_row(outcome=str(Outcome.CREATED)), ocsf.PASS),
        (_row(outcome=str(Outcome.ALREADY_TRACKED)), ocsf.PASS),
        (_row(outcome=str(Outcome.PLANNED)), ocsf.FAIL),
        (_row(outcome=str(Outcome.FAILED)), ocsf.FAIL),
        (_row(outcome=str(Outcome.SKIPPED)), ocsf.SKIPPED),
        (_row(outcome=str(Outcome.DISPATCHED)), ocsf.UNKNOWN),
        (_row(outcome=str(Outcome.CREATED), error_code="SMN_FAILED"), ocsf.FAIL),
        (_row(outcome=str(Outcome.CREATED), status=ocsf.UNKNOWN), ocsf.UNKNOWN),
    ],
)
def test_status_of(row: Dict[str, str], status: str) -> None:
    assert ocsf.status_of(row) == status


def test_finding_uid_is_stable_and_distinguishes_targets() -> None:
    uid = ocsf.finding_uid("c", "acc1", "r1", "bucket", "b")
    assert uid == ocsf.finding_uid("c", "acc1", "r1", "bucket", "b")
    assert uid != ocsf.finding_uid("c", "acc1", "r2", "bucket", "b")
    assert uid != ocsf.finding_uid("c", "acc1r", "1", "bucket", "b")  # fields are separated, not joined


def test_a_finding_per_row_with_its_compliance_status() -> None:
    passed, failed = _findings([_row(), _row(name="other", outcome=str(Outcome.FAILED), error_code="X")])
    assert passed["class_uid"] == ocsf.COMPLIANCE_FINDING
    assert passed["type_uid"] == 200301
    assert passed["time"] == int(TIME.timestamp() * 1000)
    assert passed["compliance"]["status_id"] == 1  # type: ignore[index]
    assert failed["compliance"]["status"] == "Fail"  # type: ignore[index]
    assert failed["severity"] == "Medium"
    assert failed["resources"][0]["name"] == "other"  # type: ignore[index]


def test_the_same_target_keeps_its_id_across_runs() -> None:
    first = _findings([_row()])[0]
    later = list(
        ocsf.findings(
            [_row(outcome=str(Outcome.ALREADY_TRACKED))],
            time=datetime.now(timezone.utc),
            run_id="run-2",
            region="ap-southeast-1",
        )
    )[0]
    assert first["finding_info"]["uid"] == later["finding_info"]["uid"]  # type: ignore[index]
    other = _findings([_row(name="another")])[0]
    assert other["finding_info"]["uid"] != first["finding_info"]["uid"]  # type: ignore[index]


def test_a_failed_run_leads_with_a_fail_finding() -> None:
    found = _findings([_row()], account_id="acc1", problem={"code": "TIMEOUT", "message": "ran out of time"})
    assert len(found) == 2
    head = found[0]
    assert head["status_code"] == ocsf.FAIL
    assert "ran out of time" in str(head["status_detail"])
    assert head["resources"][0]["data"]["error_code"] == "TIMEOUT"  # type: ignore[index]


def test_to_json_is_one_array() -> None:
    rows = [_row(name=f"b{i}") for i in range(3)]
    parsed = json.loads(ocsf.to_json(ocsf.findings(rows, time=TIME, run_id="r", region="x")))
    assert [f["resources"][0]["name"] for f in parsed] == ["b0", "b1", "b2"]
    assert ocsf.to_json([]) == "[]"
