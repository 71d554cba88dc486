"""One organization report per run, assembled from the members' summaries by
`{"action": "report", "run_id": R}` (or by the next coordinator run), and evidence whose
tampering scripts/verify-evidence.py names."""

from __future__ import annotations

import csv
import io
import json
import pathlib
from typing import Any, Dict, List
from xml.etree import ElementTree

import pytest
from helpers.org_report import (
    PREFIX,
    REPORTS,
    an_organization_run,
    dump,
    objects,
    verify,
)
from helpers.organization import FunctionContext, invoke
from helpers.world import REGION

from fakecloud import FakeOrganization


def report_of(answer: Dict[str, Any], org: FakeOrganization, ext: str) -> bytes:
    (key,) = [k for k in answer["report"]["keys"] if k.endswith(f"report.rep-1.{ext}")]
    return objects(org)[key]


def test_the_report_request_writes_the_organizations_report_in_three_forms(
    reporting: FakeOrganization, run: Any, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    org = reporting
    answer = an_organization_run(org, run, env, monkeypatch)
    assert answer["report"]["error"] is None and answer["ok"] is False  # a failed account is not "all well"

    report = json.loads(report_of(answer, org, "json"))
    assert set(report) == {"run_id", "time", "version", "accounts", "totals"}
    assert report["run_id"] == "coordinator-0001"
    by_name = {a["name"]: a for a in report["accounts"]}
    assert {a["account_id"] for a in report["accounts"]} == set(org.accounts)
    assert by_name["delta"]["status"] == "failed" and by_name["delta"]["error"]["code"] == "AgencyUnavailable"
    assert by_name["omega"]["status"] == "suspended" and by_name["omega"]["regions"] == []
    alpha, beta = by_name["alpha"], by_name["beta"]
    assert beta["status"] == "reported" and beta["buckets_covered"] == beta["buckets_in_scope"] == 1
    assert alpha["status"] == "reported" and alpha["buckets_covered"] == 0 < alpha["buckets_in_scope"]
    (region,) = [r for r in beta["regions"] if r["region"] == REGION]
    assert region["projects_covered"] == region["projects_in_scope"] == 2  # the region's project and a subproject
    totals = report["totals"]
    assert (totals["accounts_reported"], totals["accounts_failed"], totals["accounts_not_reported"]) == (4, 1, 0)
    reported = [a for a in report["accounts"] if a["status"] == "reported"]
    assert totals["buckets_in_scope"] == sum(a["buckets_in_scope"] for a in reported)

    rows = list(csv.DictReader(io.StringIO(report_of(answer, org, "csv").decode("utf-8"))))
    assert {(r["account_id"], r["region"]) for r in rows if r["status"] == "reported"} == {
        (a["account_id"], r["region"]) for a in reported for r in a["regions"]
    }
    assert [r["error_code"] for r in rows if r["account_id"] == by_name["delta"]["account_id"]] == ["AgencyUnavailable"]

    page = report_of(answer, org, "html").decode("utf-8")
    ElementTree.fromstring(page.split("\n", 1)[1])  # well-formed
    assert page.index(by_name["delta"]["account_id"]) < page.index(beta["account_id"])  # failures first
    assert f'<td class="nw">{REGION}</td>' in page  # a row of the account x region matrix


def test_an_account_that_never_reports_is_not_reported_and_the_next_run_closes_the_run(
    reporting: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    org = reporting
    coordinator = invoke(org, env, monkeypatch, {"action": "backfill", "all": True}, FunctionContext("run-1"))
    assert coordinator["ok"] is True
    queued = org.management.fgs.take_async_invocations()
    lost = queued.pop()  # FunctionGraph dropped it
    with org.mock():
        import copy

        import index

        for item in queued:
            index.handler(copy.deepcopy(item.payload), FunctionContext(item.request_id))
    invoke(org, env, monkeypatch, {"action": "backfill", "all": True}, FunctionContext("run-2"))  # closes run-1

    (key,) = [k for k in objects(org) if k.startswith(f"{PREFIX}organization/run-1/report.") and k.endswith("2.json")]
    report = json.loads(objects(org)[key])
    statuses = {a["account_id"]: a["status"] for a in report["accounts"]}
    assert statuses.pop(lost.payload["account_id"]) == "not_reported"
    assert set(statuses.values()) == {"reported"} and report["totals"]["accounts_not_reported"] == 1


@pytest.mark.parametrize(
    "event, why",
    [
        ({"action": "report"}, "run_id"),
        ({"action": "report", "run_id": "../x"}, "run_id"),
        ({"action": "report", "run_id": "r", "account_id": "abc"}, "nothing else"),
        ({"action": "audit", "run_id": "r"}, "run_id"),
    ],
)
def test_a_malformed_report_request_is_refused(
    reporting: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, event: Any, why: str
) -> None:
    answer = invoke(reporting, env, monkeypatch, event, FunctionContext("r-x"))
    assert answer["ok"] is False and answer["error"]["code"] == "InvalidEvent" and why in answer["error"]["message"]
    assert not reporting.management.obs.keys(REPORTS)


def test_the_report_request_is_refused_outside_organization_mode_and_for_an_unknown_run(
    reporting: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    unknown = invoke(reporting, env, monkeypatch, {"action": "report", "run_id": "nope"}, FunctionContext("r-y"))
    assert unknown["ok"] is False and unknown["results"][0]["error"]["code"] == "NotFound"
    env["ORGANIZATION_SWEEP"] = "false"
    off = invoke(reporting, env, monkeypatch, {"action": "report", "run_id": "nope"}, FunctionContext("r-z"))
    assert off["ok"] is False and off["results"][0]["error"]["code"] == "OutOfScope"
    assert not reporting.management.obs.keys(REPORTS)


# ----- evidence that shows tampering -----------------------------------------------------------
def test_the_manifests_chain_the_runs_and_verify_evidence_names_one_changed_byte(
    reporting: FakeOrganization, run: Any, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    org = reporting
    answer = an_organization_run(org, run, env, monkeypatch)
    found = objects(org)
    manifests = {k: json.loads(v) for k, v in found.items() if k.endswith(".manifest")}
    organization = [m for m in manifests.values() if m["chain"] == "organization"]
    assert organization and any(k.endswith("/report.rep-1.manifest") for k in manifests)
    beta = org.members()[1].domain_id
    mine = [m for m in manifests.values() if m["chain"] == f"account-{beta}"]
    (summary_key,) = [k for k in found if k.startswith(f"{PREFIX}organization/coordinator-0001/accounts/{beta}.")]
    assert len(mine) == 1 and summary_key in {o["key"] for o in mine[0]["objects"]}

    intact = tmp_path / "intact"
    dump(found, intact)
    accepted = verify(intact)
    assert accepted.returncode == 0 and "intact" in accepted.stdout, accepted.stdout + accepted.stderr

    (html,) = [k for k in answer["report"]["keys"] if k.endswith(".html")]
    body = bytearray(found[html])
    body[len(body) // 2] ^= 0x01
    tampered = tmp_path / "tampered"
    dump({**found, html: bytes(body)}, tampered)
    refused = verify(tampered)
    assert refused.returncode == 1 and f"changed: {html}" in refused.stdout, refused.stdout

    removed = tmp_path / "removed"
    dump({k: v for k, v in found.items() if k != summary_key}, removed)
    gone = verify(removed)
    assert gone.returncode == 1 and f"removed: {summary_key}" in gone.stdout


def test_a_second_run_names_the_first_runs_manifest_and_removing_it_is_named(
    reporting: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    env["ORGANIZATION_SWEEP"] = "false"
    first = invoke(reporting, env, monkeypatch, {"action": "audit"}, FunctionContext("one"))
    invoke(reporting, env, monkeypatch, {"action": "audit"}, FunctionContext("two"))
    found = objects(reporting)
    (one,) = [k for k in first["report"]["evidence"] if k.endswith(".manifest")]
    (two,) = [k for k in found if "/two." in k and k.endswith(".manifest")]
    assert json.loads(found[two])["previous"]["key"] == one
    dump({k: v for k, v in found.items() if k != one}, tmp_path)
    answer = verify(tmp_path)
    assert answer.returncode == 1 and f"removed: {one}" in answer.stdout


def test_the_fake_lists_objects_a_page_at_a_time_and_the_gateway_reads_every_page(reporting: FakeOrganization) -> None:
    from helpers.world import AK, SK, TOKEN

    from autotracker.cloud.credentials import Credentials
    from autotracker.cloud.gateway import Gateway
    from autotracker.cloud.retry import Deadline, RetryPolicy
    from autotracker.settings import load_settings

    cloud = reporting.management
    for number in range(2503):
        cloud.obs.put_object(REPORTS, f"p/{number:05d}", b"x", None)
    cloud.obs.put_object(REPORTS, "q/other", b"y", None)
    gateway = Gateway(
        Credentials(AK, SK, TOKEN),
        load_settings({"REGION": REGION, "TRACE_BUCKET": "t-b"}),
        Deadline(None),
        RetryPolicy(),
    )
    with reporting.mock():
        keys: List[str] = gateway.list_keys(REGION, REPORTS, "p/")
        body = gateway.get_object(REGION, REPORTS, "q/other")
        missing = gateway.get_object(REGION, REPORTS, "q/none")
    assert keys == [f"p/{n:05d}" for n in range(2503)] and body == b"y" and missing is None
    assert len(cloud.calls_of("ListObjects")) == 3
