"""The organization report in the auditor's forms (issue 22 items 1, 2, 4, 5 joined): its HTML is
outputs/page.py's page (viewport, the account x region matrix, failures first, a banner when an
account failed or never reported), it is also written as `<stem>.ocsf.json` (one finding per
account, valid OCSF) sealed in the organization's manifest, and it shows the projects at or above
the data-tracker quota warning that the members' summaries carry (issue 23 item 3)."""

from __future__ import annotations

import copy
import json
import os
import pathlib
import sys
from typing import Any, Dict, Iterator, List
from xml.etree import ElementTree

import pytest
from helpers.browser import Browser, find_chromium
from helpers.org_report import (
    an_organization_run,
    dump,
    objects,
    verify,
)
from helpers.organization import FunctionContext, invoke
from helpers.world import REGION

from fakecloud import FakeOrganization

ROOT = pathlib.Path(__file__).resolve().parents[3]
RUN = "coordinator-0001"


def keys_of(answer: Dict[str, Any]) -> Dict[str, str]:
    """The report's objects by form (`json`, `csv`, `html`, `ocsf.json`), from the answer's keys."""
    keys = answer["report"]["keys"]
    return {("ocsf.json" if k.endswith(".ocsf.json") else k.rsplit(".", 1)[1]): k for k in keys}


def near_quota(org: FakeOrganization, count: int = 95) -> str:
    """`count` data trackers seeded in gamma's region project (they hold quota slots): its id."""
    cloud = org.members()[2]  # alpha, beta, gamma (the fixture's order)
    project = cloud.add_project(REGION)  # member() added it: its id
    for index in range(count):
        cloud.cts.put_tracker(
            project,
            {
                "tracker_name": f"t-{index:03d}",
                "tracker_type": "data",
                "obs_info": {"bucket_name": f"trace-{cloud.domain_id}", "file_prefix_name": "audit"},
                "data_bucket": {"data_bucket_name": f"gone-{index:03d}", "data_event": ["READ", "WRITE"]},
            },
        )
    return project


def text_of(org: FakeOrganization, key: str) -> str:
    return objects(org)[key].decode("utf-8")


def test_the_organization_page_is_the_auditor_page_with_the_failures_first_and_a_banner(
    reporting: FakeOrganization, run: Any, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    org = reporting
    project = near_quota(org)
    answer = an_organization_run(org, run, env, monkeypatch)
    keys = keys_of(answer)
    assert set(keys) == {"json", "csv", "html", "ocsf.json"}, answer["report"]
    report = json.loads(text_of(org, keys["json"]))
    ids = {a["name"]: a["account_id"] for a in report["accounts"]}
    page = text_of(org, keys["html"])
    ElementTree.fromstring(page.split("\n", 1)[1])  # well-formed XHTML

    assert '<meta name="viewport"' in page and f"cts-autotracker {report['version']}" in page
    body = page[page.index("<body>") :]
    banner = body.index('<p class="problem"><strong>Accounts not covered:</strong>')
    assert banner < body.index('class="facts"') and f"{ids['delta']} (failed: AgencyUnavailable)" in body
    assert "<li>reported: 4</li>" in page and "<li>failed: 1</li>" in page and "<li>suspended: 1</li>" in page  # counts
    # the account x region matrix: delta (failed, no region) and alpha (403s) before beta and gamma
    matrix = page[page.index('<table class="coverage">') : page.index("</table>", page.index('class="coverage"'))]
    order = [matrix.index(f"account {ids[n]}") for n in ("delta", "alpha", "beta", "gamma")]
    assert order[0] < order[2] and order[1] < order[2] and order[1] < order[3]
    assert "no coverage: failed" in matrix and f'<td class="nw">{REGION}</td>' in matrix
    assert 'class="fill bad"' in matrix and 'class="fill ok"' in matrix  # alpha's bar red, beta's green
    attention = page[page.index("<h2>Needing attention") : page.index("<h2>Changed this run")]
    assert ids["delta"] in attention and ids["alpha"] in attention and ids["beta"] not in attention

    # the projects at or above the quota warning: in the JSON per account and in a section of the page
    by_name = {a["name"]: a for a in report["accounts"]}
    (use,) = by_name["gamma"]["quota"]
    assert use["project_id"] == project and use["used"] >= 95 and use["warn"] is True and use["limit"] == 100
    assert by_name["beta"]["quota"] == [] and by_name["delta"]["quota"] == []
    quota = page[page.index("<h2>Data tracker quota by project</h2>") :]
    assert project in quota.split("</table>", 1)[0] and "1 project(s) in 1 account(s)" in page


def test_an_account_that_never_reported_is_a_banner_on_the_page(
    reporting: FakeOrganization, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    org = reporting
    assert invoke(org, env, monkeypatch, {"action": "backfill", "all": True}, FunctionContext("run-1"))["ok"]
    queued = org.management.fgs.take_async_invocations()
    lost = queued.pop()  # FunctionGraph dropped it
    with org.mock():
        import index

        for item in queued:
            index.handler(copy.deepcopy(item.payload), FunctionContext(item.request_id))
    answer = invoke(org, env, monkeypatch, {"action": "report", "run_id": "run-1"}, FunctionContext("rep-9"))
    page = text_of(org, keys_of(answer)["html"])
    body = page[page.index("<body>") :]
    assert body.index("<strong>Accounts not covered:</strong> 0 failed and 1 not reported") < body.index("facts")
    assert f"{lost.payload['account_id']} (not_reported)" in body


def findings_of(org: FakeOrganization, answer: Dict[str, Any]) -> List[Dict[str, Any]]:
    found = json.loads(text_of(org, keys_of(answer)["ocsf.json"]))
    assert isinstance(found, list)
    return found


def test_the_organization_report_has_one_ocsf_finding_per_account_with_stable_ids(
    reporting: FakeOrganization, run: Any, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    org = reporting
    first = an_organization_run(org, run, env, monkeypatch)
    again = invoke(org, env, monkeypatch, {"action": "report", "run_id": RUN}, FunctionContext("rep-2"))
    findings = findings_of(org, first)
    report = json.loads(text_of(org, keys_of(first)["json"]))
    names = {a["account_id"]: a["name"] for a in report["accounts"]}
    by_account = {f["cloud"]["account"]["uid"]: f for f in findings}
    assert len(findings) == len(by_account) == len(org.accounts) and set(by_account) == set(org.accounts)
    status = {names[uid]: f["status_code"] for uid, f in by_account.items()}
    assert {n: status[n] for n in ("alpha", "beta", "gamma", "delta", "omega")} == {
        **{"alpha": "FAIL", "beta": "PASS", "gamma": "PASS", "delta": "FAIL", "omega": "SKIPPED"}
    }
    delta = next(f for f in findings if names[f["cloud"]["account"]["uid"]] == "delta")
    assert delta["resources"][0]["data"]["error_code"] == "AgencyUnavailable" and delta["cloud"]["region"] == REGION
    assert all(f["resources"][0]["type"] == "account" and f["metadata"]["correlation_uid"] == RUN for f in findings)
    assert all(f["compliance"]["requirements"] for f in findings)  # the framework mapping
    assert {f["finding_info"]["uid"] for f in findings_of(org, again)} == {f["finding_info"]["uid"] for f in findings}


@pytest.mark.skipif(sys.version_info < (3, 10), reason="py-ocsf-models needs Python >= 3.10 (the 3.9 leg skips)")
def test_the_organization_reports_findings_validate_against_py_ocsf_models(
    reporting: FakeOrganization, run: Any, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
    from py_ocsf_models.objects.cloud import Cloud

    org = reporting
    findings = findings_of(org, an_organization_run(org, run, env, monkeypatch))
    assert {f["status_code"] for f in findings} == {"PASS", "FAIL", "SKIPPED"}
    for finding in findings:
        assert ComplianceFinding.model_validate(finding).finding_info.uid == finding["finding_info"]["uid"]
        assert Cloud.model_validate(finding["cloud"]).account.uid in org.accounts


def test_the_manifest_seals_the_ocsf_findings_and_verify_evidence_names_a_changed_byte(
    reporting: FakeOrganization, run: Any, env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    import hashlib

    org = reporting
    answer = an_organization_run(org, run, env, monkeypatch)
    found = objects(org)
    ocsf = keys_of(answer)["ocsf.json"]
    (manifest,) = [k for k in answer["report"]["evidence"] if k.endswith(".manifest")]
    sealed = {o["key"]: o["sha256"] for o in json.loads(found[manifest])["objects"]}
    assert set(keys_of(answer).values()) <= set(sealed)
    assert sealed[ocsf] == hashlib.sha256(found[ocsf]).hexdigest()

    body = bytearray(found[ocsf])
    body[len(body) // 3] ^= 0x01
    dump({**found, ocsf: bytes(body)}, tmp_path)
    refused = verify(tmp_path)
    assert refused.returncode == 1 and f"changed: {ocsf}" in refused.stdout, refused.stdout + refused.stderr


# ----- in a real browser ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no Chromium found: .ci/run installs it (apt-get install -y chromium)")
        pytest.skip("no Chromium on this machine (apt-get install chromium, or set CHROMIUM=/path/to/chrome)")
    started = Browser(executable)
    yield started
    started.close()


def test_the_organization_page_fits_1280_and_390_pixels_with_the_banner_on_the_first_screen(
    reporting: FakeOrganization,
    run: Any,
    env: Dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    browser: Browser,
    tmp_path: pathlib.Path,
) -> None:
    org = reporting
    near_quota(org)
    answer = an_organization_run(org, run, env, monkeypatch)
    body = objects(org)[keys_of(answer)["html"]]
    path = tmp_path / "organization-report-page.html"
    path.write_bytes(body)
    dist = ROOT / "dist"
    dist.mkdir(exist_ok=True)
    (dist / path.name).write_bytes(body)
    for width, height in ((1280, 800), (390, 844)):
        found, png = browser.measure(str(path), width, height)
        (dist / f"organization-report-page-{width}x{height}.png").write_bytes(png)
        assert found["viewport"] is True and png.startswith(b"\x89PNG")
        assert found["scrollWidth"] <= width, f"the page is {found['scrollWidth']} px wide at {width} px"
        assert found["bannerTop"] is not None and 0 <= found["bannerTop"] and found["bannerBottom"] <= height, found
