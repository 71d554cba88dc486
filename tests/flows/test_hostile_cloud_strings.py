"""Every output form holds against hostile strings from every cloud answer, not only from events:
tracker names from ListTrackers, bucket names from ListBuckets, account names from
ListAccounts, and the error codes and messages of CTS, IAM, OBS, SMN and Organizations.

The forms: the SMN subject, SMS, e-mail and default text; the report's CSV, HTML and JSON; the
structured log; the invocation's result. What each must hold: the subject and the SMS are one
printable line; every line of the e-mail is printable (a service's CR/LF cannot forge one); no
CSV cell starts with a character a spreadsheet runs as a formula (OWASP); the HTML is
well-formed XML without markup from the cloud; the JSON and every log line parse, a log line
is one line; everything encodes as UTF-8 (no lone surrogate)."""

from __future__ import annotations

import copy
import csv
import io
import json
import logging
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterator
from xml.sax.saxutils import escape

import index
import pytest
from helpers.world import PROJECT_ID, REGION, FakeContext, index_env_names, make_cloud

from fakecloud import FakeCloud, FakeOrganization

REPORTS = "audit-reports"
MARK = "INJECTED"
# CR/LF to forge a line, a formula, markup, an XML-illegal control, a line separator, a lone surrogate
HOSTILE = f'=HYPERLINK("http://x","y")\r\n{MARK}: forged line <script>alert(1)</script>\x01\u2028\ud800&amp;'
HOSTILE_CODE = f"=1+1\r\n{MARK}\x01"
HOSTILE_XML = f"@SUM(1+1)\r\n{MARK}: forged line <script>alert(1)</script>\t&amp;"  # what XML can carry
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OrgContext(FakeContext):
    def getFunctionName(self) -> str:
        return "cts-autotracker"

    def getVersion(self) -> str:
        return "latest"


def data_trackers_named(name: str) -> Callable[[Dict[str, Any]], Dict[str, Any]]:
    def change(answer: Dict[str, Any]) -> Dict[str, Any]:
        for tracker in answer.get("trackers") or []:
            if tracker.get("tracker_type") == "data":
                tracker["tracker_name"], tracker["status"], tracker["detail"] = name, name, name
        return answer

    return change


def tracked_already(cloud: FakeCloud) -> None:
    cloud.cts.put_tracker(
        PROJECT_ID,
        {"tracker_name": "photos", "data_bucket": {"data_bucket_name": "photos-2026", "data_event": ["WRITE"]}},
    )


# source -> how the fake is made to answer it; every answer a run reads or is refused with
SOURCES: Dict[str, Callable[[FakeCloud], None]] = {
    "ListTrackers tracker names": lambda cloud: (
        tracked_already(cloud),
        cloud.faults.rewrite(data_trackers_named(HOSTILE), "ListTrackers", service="cts"),
    ),
    "ListBuckets bucket names": lambda cloud: cloud.faults.rewrite(
        lambda text: text.replace("<Name>photos-2026</Name>", "<Name>-=cmd@x&#9;</Name>"), "ListBuckets"
    ),
    "CTS error code and message": lambda cloud: cloud.faults.inject(
        status=403, action="CreateTracker", error_code=HOSTILE_CODE, message=HOSTILE, count=None
    ),
    "IAM error message": lambda cloud: cloud.faults.inject(
        status=403, action="KeystoneListProjects", error_code="IAM.0002", message=HOSTILE, count=None
    ),
    "OBS ListBuckets error message": lambda cloud: cloud.faults.inject(
        status=403, action="ListBuckets", service="obs", error_code="=AccessDenied", message=HOSTILE_XML, count=None
    ),
    "OBS PutObject error message": lambda cloud: cloud.faults.inject(
        status=403, action="PutObject", service="obs", error_code="@AccessDenied", message=HOSTILE_XML, count=1
    ),
    "SMN error code and message": lambda cloud: cloud.faults.inject(
        status=403, action="PublishMessage", error_code=HOSTILE_CODE, message=HOSTILE, count=None
    ),
}


# where each source's hostile text must show (neutralised): the form a reader would see it in
SHOWN_IN = {
    "ListTrackers tracker names": "csv",
    "ListBuckets bucket names": "email",
    "CTS error code and message": "email",
    "IAM error message": "email",
    "OBS ListBuckets error message": "email",
    "OBS PutObject error message": "email",
    "SMN error code and message": "result",
}


@pytest.fixture
def run(env: Dict[str, str], monkeypatch: pytest.MonkeyPatch, caplog) -> Iterator[Any]:
    """`run(target, event, context)`: the handler's result against `target` (a FakeCloud or a
    FakeOrganization), every log line captured."""

    def invoke(target: Any, event: Dict[str, Any], context: Any) -> Dict[str, Any]:
        for name in list(index_env_names()):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        with target.mock(), caplog.at_level(logging.DEBUG, logger="cts_autotracker"):
            return dict(index.handler(copy.deepcopy(event), context))

    yield invoke


def reporting(cloud: FakeCloud, env: Dict[str, str]) -> None:
    cloud.add_bucket(REPORTS, REGION)
    env.update({"REPORT_BUCKET": REPORTS, "EXCLUDE_BUCKETS": REPORTS, "RAISE_ON_TRANSIENT": "false"})


def reports(cloud: FakeCloud) -> Dict[str, str]:
    day = datetime.now(timezone.utc).strftime("%Y/%m/%d")
    found = {}
    for key in cloud.obs.keys(REPORTS):
        if "/chains/" in key or key.endswith(".manifest") or "/organization/" in key:
            continue  # the evidence written with the report (outputs/evidence.py): keys and digests
        assert key.startswith(f"cts-autotracker/reports/{day}/")
        stored = cloud.obs.object(REPORTS, key)
        assert stored is not None
        form = "ocsf" if key.endswith(".ocsf.json") else key.rsplit(".", 1)[1]
        found[form] = stored["body"].decode("utf-8")  # strict: valid UTF-8
    return found


def assert_every_form_holds(result: Dict[str, Any], cloud: FakeCloud, caplog) -> Dict[str, str]:
    """Hold each output form to what it must be; returns each form's text."""
    seen: Dict[str, str] = {}
    answer = json.dumps(result, ensure_ascii=False)
    answer.encode("utf-8")  # no lone surrogate anywhere in the result
    assert (result["error"] or {}).get("code") != "InternalError"
    seen["result"] = answer

    for message in cloud.smn.messages:
        subject = message["subject"]
        assert subject.isprintable() and len(subject.encode("utf-8")) <= 512, repr(subject)
        structure = json.loads(message["message_structure"])
        assert structure["sms"].isprintable(), repr(structure["sms"])
        for form in ("default", "email"):
            text = structure[form]
            text.encode("utf-8")
            # the message's own line breaks only: no CR, VT, FF, NEL or U+2028 from a service
            assert all(line.isprintable() for line in text.split("\n")), repr(text)
        seen.update(subject=subject, sms=structure["sms"], email=structure["email"])

    objects = reports(cloud)
    if "csv" in objects:
        for row in csv.reader(io.StringIO(objects["csv"])):
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS), repr(cell)
        seen["csv"] = objects["csv"]
    if "html" in objects:
        page = ET.fromstring(objects["html"])  # well-formed
        tags = {element.tag.rsplit("}", 1)[-1] for element in page.iter()}
        assert "script" not in tags and "b" not in tags
        assert all(text.isprintable() or text.strip() == "" for text in page.itertext()), "HTML text"
        seen["html"] = objects["html"]
    if "ocsf" in objects:
        json.loads(objects["ocsf"])
        seen["ocsf"] = objects["ocsf"]
    if "json" in objects:
        json.loads(objects["json"])
        seen["json"] = objects["json"]

    for record in caplog.records:
        if record.name != "cts_autotracker":
            continue
        line = record.getMessage()
        assert "\n" not in line and "\r" not in line and line.isprintable(), repr(line)
        json.loads(line)
        seen["log"] = seen.get("log", "") + line + "\n"
    return seen


@pytest.mark.parametrize("source", list(SOURCES))
def test_hostile_strings_from_a_cloud_answer_reach_no_output_form_unneutralised(
    run, env: Dict[str, str], caplog, source: str
) -> None:
    cloud = make_cloud()
    reporting(cloud, env)
    SOURCES[source](cloud)
    result = run(cloud, {"action": "backfill", "all": True}, FakeContext())
    forms = assert_every_form_holds(result, cloud, caplog)
    written = 3 if source.startswith("OBS PutObject") else 4
    assert len({"csv", "html", "json", "ocsf"} & set(forms)) == written and "log" in forms  # which one failed: any
    assert bool(cloud.smn.messages) is (source != "SMN error code and message")  # SMN accepted the message
    shown = forms.get(SHOWN_IN[source], "")
    assert MARK in shown or "-=cmd@x" in shown  # the hostile text did reach the outputs


def organization_of(management: FakeCloud, env: Dict[str, str]) -> FakeOrganization:
    reporting(management, env)
    management.add_function("cts-autotracker")
    env.update({"ORGANIZATION_SWEEP": "true", "TRACE_BUCKET": "trace-{account_id}", "FANOUT_KEY": "f" * 43})
    return FakeOrganization(management)


def test_hostile_account_names_from_list_accounts_reach_no_output_form_unneutralised(
    run, env: Dict[str, str], caplog
) -> None:
    management = make_cloud()
    organization = organization_of(management, env)
    organization.organizations.add_account("0" * 31 + "1", HOSTILE, "active")
    organization.organizations.add_account("0" * 31 + "2", "\x01" + HOSTILE_XML, "active")
    result = run(organization, {"action": "backfill", "all": True}, OrgContext())
    forms = assert_every_form_holds(result, management, caplog)
    assert len(result["results"]) == 3 and {"csv", "html", "json"} <= set(forms)
    assert all(MARK in forms[form] for form in ("csv", "html", "json", "email"))


def test_a_hostile_organizations_error_reaches_no_output_form_unneutralised(run, env: Dict[str, str], caplog) -> None:
    management = make_cloud()
    organization = organization_of(management, env)
    management.faults.inject(status=403, action="ListAccounts", error_code=HOSTILE_CODE, message=HOSTILE, count=None)
    result = run(organization, {"action": "backfill", "all": True}, OrgContext())
    forms = assert_every_form_holds(result, management, caplog)
    assert result["error"] and {"csv", "html", "json", "email", "log"} <= set(forms)
    assert all(MARK in forms[form] for form in ("csv", "html", "json", "email", "subject", "log"))


# ----- the answers of FunctionGraph, STS, IAM listings, OBS locations, ListAccounts and Config ---
ALPHA = "0" * 31 + "1"


def hostile_status(answer: Dict[str, Any]) -> Dict[str, Any]:
    for account in answer.get("accounts") or []:
        if account.get("id") == ALPHA:
            account["status"] = HOSTILE
    return answer


def hostile_project_names(answer: Dict[str, Any]) -> Dict[str, Any]:
    for project in answer.get("projects") or []:
        if project.get("name") == f"{REGION}_analytics":
            project["name"] = f"{REGION}_{HOSTILE}"
    return answer


# source -> (how the fake answers, the event, whether it is an organization run)
MORE_SOURCES: Dict[str, Callable[[FakeCloud], Dict[str, Any]]] = {
    "FunctionGraph AsyncInvoke error": lambda cloud: (
        cloud.faults.inject(
            status=403, action="AsyncInvokeFunction", error_code=HOSTILE_CODE, message=HOSTILE, count=None
        ),
        {"action": "backfill", "all": True},
    )[1],
    "STS AssumeAgency error": lambda cloud: (
        cloud.faults.inject(status=403, action="AssumeAgency", error_code=HOSTILE_CODE, message=HOSTILE, count=None),
        {"action": "backfill", "all": True, "account_id": ALPHA},
    )[1],
    "ListAccounts status": lambda cloud: (
        cloud.faults.rewrite(hostile_status, "ListAccounts"),
        {"action": "backfill", "all": True},
    )[1],
}


@pytest.mark.parametrize("source", list(MORE_SOURCES))
def test_hostile_strings_from_organization_answers_reach_no_output_form_unneutralised(
    run, env: Dict[str, str], caplog, source: str
) -> None:
    management = make_cloud()
    organization = organization_of(management, env)
    organization.add_member("alpha", domain_id=ALPHA)
    event = MORE_SOURCES[source](management)
    result = run(organization, event, OrgContext())
    forms = assert_every_form_holds(result, management, caplog)
    assert {"csv", "html", "json", "email", "log"} <= set(forms)
    # an account's status is read in lower case
    shown_in = ("csv", "html", "json", "result") + (() if source == "ListAccounts status" else ("email",))
    assert [form for form in shown_in if MARK not in forms[form].upper()] == []  # e-mail: attention only


def test_a_hostile_get_caller_identity_error_reaches_no_output_form_unneutralised(
    run, env: Dict[str, str], caplog
) -> None:
    cloud = make_cloud()
    reporting(cloud, env)
    env["TRACE_BUCKET"] = "trace-{account_id}"
    cloud.faults.inject(status=403, action="GetCallerIdentity", error_code=HOSTILE_CODE, message=HOSTILE, count=None)
    result = run(cloud, {"action": "backfill", "all": True}, FakeContext())
    forms = assert_every_form_holds(result, cloud, caplog)
    assert all(MARK in forms[form] for form in ("email", "subject", "log", "result"))


@pytest.mark.parametrize(
    "source",
    ["IAM project names", "OBS listed locations"],
)
def test_hostile_names_and_locations_from_successful_listings_reach_no_output_form_unneutralised(
    run, env: Dict[str, str], caplog, source: str
) -> None:
    cloud = make_cloud()
    reporting(cloud, env)
    if source == "IAM project names":
        cloud.faults.rewrite(hostile_project_names, "KeystoneListProjects")
    else:
        where = f"<Location>{REGION}</Location>"
        hostile = f"<Location>{escape(HOSTILE_XML)}</Location>"
        cloud.faults.rewrite(lambda text: text.replace(where, hostile, 1), "ListBuckets")
    result = run(cloud, {"action": "backfill", "all": True}, FakeContext())
    forms = assert_every_form_holds(result, cloud, caplog)
    if source == "IAM project names":
        assert MARK in forms["csv"] and MARK in forms["html"]
    else:  # a listed location that is no region is never shown: HEAD bucket places the bucket
        assert not any(MARK in text for text in forms.values())


def test_a_hostile_update_policy_state_error_reaches_no_output_form_unneutralised(
    run, env: Dict[str, str], caplog
) -> None:
    cloud = make_cloud()
    urn = f"urn:fss:{REGION}:{PROJECT_ID}:function:default:cts-autotracker:latest"
    assignment = cloud.rms.add_assignment("cts-coverage", urn)
    cloud.faults.inject(status=403, action="UpdatePolicyState", error_code=HOSTILE_CODE, message=HOSTILE, count=None)
    event = {
        "domain_id": cloud.domain_id,
        "policy_assignment_id": assignment,
        "policy_assignment_name": "cts-coverage",
        "function_urn": urn,
        "trigger_type": "resource",
        "evaluation_time": 1764052800000,
        "evaluation_hash": "f0e1d2c3b4a5",
        "rule_parameter": {},
        "invoking_event": {"id": "photos-2026", "provider": "obs", "type": "buckets", "region_id": REGION},
    }
    env["RAISE_ON_TRANSIENT"] = "false"
    result = run(cloud, event, FakeContext())
    forms = assert_every_form_holds(result, cloud, caplog)
    assert MARK in forms["result"] and MARK in forms["email"] and MARK in forms["log"]
