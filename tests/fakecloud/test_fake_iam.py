"""IAM KeystoneListProjects through the real IamClient, in both transports."""

from __future__ import annotations

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcore.exceptions.exceptions import (
    ClientRequestException,
    ConnectionException,
    ServerResponseException,
)
from huaweicloudsdkiam.v3 import KeystoneListProjectsRequest

from fakecloud import FakeCloud

PATH = "/v3/projects"


def list_projects(client, **kwargs):
    return client.keystone_list_projects(KeystoneListProjectsRequest(**kwargs))


def names(response) -> list[str]:
    return [project.name for project in response.projects]


def all_pages(client, per_page: int) -> tuple[list[str], int]:
    """Page like the function does: stop at the first short page."""
    out: list[str] = []
    page = 1
    while True:
        batch = names(list_projects(client, page=page, per_page=per_page))
        out.extend(batch)
        if len(batch) < per_page:
            return out, page
        page += 1


def test_lists_projects_sorted_with_keystone_fields(cloud: FakeCloud, endpoint) -> None:
    sub = cloud.add_project(f"{h.REGION}_team")
    mos = cloud.add_project("MOS")
    other = cloud.add_project("cn-north-4")
    response = list_projects(h.iam_client(endpoint("iam")), page=1, per_page=1000)
    assert response.status_code == 200
    assert names(response) == ["MOS", h.REGION, f"{h.REGION}_team", "cn-north-4"]
    by_name = {p.name: p for p in response.projects}
    main = by_name[h.REGION]
    assert (main.id, main.domain_id, main.parent_id, main.enabled, main.is_domain, main.description) == (
        h.PID,
        h.DOMAIN,
        h.DOMAIN,
        True,
        False,
        "",
    )
    assert main.links._self.endswith(f"/v3/projects/{h.PID}")
    assert by_name[f"{h.REGION}_team"].id == sub and by_name[f"{h.REGION}_team"].parent_id == h.PID
    assert by_name["MOS"].id == mos and by_name["MOS"].parent_id == h.DOMAIN
    assert by_name["cn-north-4"].id == other
    assert response.links.next is None and response.links.previous is None
    assert response.links._self.endswith("/v3/projects?page=1&per_page=1000")
    json_view = response.to_json_object()
    assert set(json_view["projects"][0]) == {
        "id",
        "name",
        "domain_id",
        "parent_id",
        "enabled",
        "is_domain",
        "description",
        "links",
    }
    (call,) = cloud.calls
    assert (call.service, call.action, call.method, call.path, call.status) == (
        "iam",
        "KeystoneListProjects",
        "GET",
        PATH,
        200,
    )
    assert call.query == {"page": "1", "per_page": "1000"}


@pytest.mark.parametrize(("count", "per_page", "pages"), [(7, 3, 3), (6, 3, 3), (1, 1, 2), (5, 5000, 1)])
def test_pagination(cloud: FakeCloud, endpoint, count: int, per_page: int, pages: int) -> None:
    for i in range(count - 1):  # plus the fixture's main project
        cloud.add_project(f"{h.REGION}_p{i:02d}")
    client = h.iam_client(endpoint("iam"))
    listed, last_page = all_pages(client, per_page)
    assert listed == sorted(p["name"] for p in cloud.iam.projects)
    assert len(listed) == count and last_page == pages


def test_pagination_links(cloud: FakeCloud, endpoint) -> None:
    for i in range(4):
        cloud.add_project(f"{h.REGION}_p{i}")
    client = h.iam_client(endpoint("iam"))
    middle = list_projects(client, page=2, per_page=2)
    assert names(middle) == [f"{h.REGION}_p1", f"{h.REGION}_p2"]
    assert middle.links.previous.endswith("/v3/projects?page=1&per_page=2")
    assert middle.links.next.endswith("/v3/projects?page=3&per_page=2")
    last = list_projects(client, page=3, per_page=2)
    assert names(last) == [f"{h.REGION}_p3"] and last.links.next is None
    assert names(list_projects(client, page=9, per_page=2)) == []
    assert len(names(list_projects(client))) == 5  # no paging parameters: everything


def test_filters(cloud: FakeCloud, endpoint) -> None:
    sub = cloud.add_project(f"{h.REGION}_team")
    cloud.add_project("cn-north-4")
    cloud.iam.set_project_enabled(sub, False)
    client = h.iam_client(endpoint("iam"))
    assert names(list_projects(client, name=h.REGION)) == [h.REGION]
    assert names(list_projects(client, name="nope")) == []
    assert len(names(list_projects(client, domain_id=h.DOMAIN))) == 3
    assert names(list_projects(client, domain_id="other-domain")) == []
    assert names(list_projects(client, parent_id=h.PID)) == [f"{h.REGION}_team"]
    assert names(list_projects(client, enabled=False)) == [f"{h.REGION}_team"]
    assert names(list_projects(client, enabled=True)) == [h.REGION, "cn-north-4"]
    assert names(list_projects(client, is_domain=True)) == []
    assert names(list_projects(client, name="cn-north-4", page=1, per_page=10)) == ["cn-north-4"]


@pytest.mark.parametrize(
    "query",
    [
        {"page": 0, "per_page": 10},
        {"page": 1, "per_page": 0},
        {"page": 1, "per_page": 5001},
        {"page": -1, "per_page": 10},
        {"page": 1},
        {"per_page": 10},
        {"enabled": "maybe"},
    ],
)
def test_invalid_paging_is_400_iam_0001(cloud: FakeCloud, endpoint, query: dict) -> None:
    with pytest.raises(ClientRequestException) as info:
        list_projects(h.iam_client(endpoint("iam")), **query)
    assert (info.value.status_code, info.value.error_code) == (400, "IAM.0001")
    assert info.value.error_msg.startswith("Invalid input")
    assert cloud.calls[-1].error_code == "IAM.0001"


def test_error_body_has_keystone_and_sdk_forms(cloud: FakeCloud, endpoint) -> None:
    response = h.raw_call(endpoint("iam"), "GET", PATH, query=[("page", "x"), ("per_page", "10")])
    assert response.status_code == 400
    body = response.json()
    assert body["error_code"] == "IAM.0001"
    assert body["error"] == {"code": 400, "message": body["error_msg"], "title": "Bad Request"}
    assert h.raw_call(endpoint("iam"), "GET", PATH, query=[("page", "1"), ("per_page", "5000")]).status_code == 200


def test_signature_failures(cloud: FakeCloud, endpoint) -> None:
    url = endpoint("iam")
    for kwargs in ({"sk": "wrong"}, {"ak": "UNKNOWNAK"}, {"ak": h.TMP_AK, "sk": h.TMP_SK}):
        with pytest.raises(ClientRequestException) as info:
            list_projects(h.iam_client(url, **kwargs), page=1, per_page=10)
        assert (info.value.status_code, info.value.error_code) == (401, "APIGW.0301")

    def tamper(request) -> None:
        request.header_params["X-Project-Id"] = "ffffffffffffffffffffffffffffffff"

    assert h.raw_call(url, "GET", PATH, tamper=tamper).status_code == 401
    assert h.raw_call(url, "GET", PATH, sdk_date=h.old_date(20)).json()["error_code"] == "APIGW.0303"
    assert [c.status for c in cloud.calls] == [401] * 5


def test_security_token(cloud: FakeCloud, endpoint) -> None:
    url = endpoint("iam")
    ok = h.iam_client(url, ak=h.TMP_AK, sk=h.TMP_SK, token=h.TOKEN)
    assert names(list_projects(ok, page=1, per_page=10)) == [h.REGION]
    for kwargs in (
        {"ak": h.TMP_AK, "sk": h.TMP_SK, "token": "another-token"},
        {"token": h.TOKEN},  # a token with a permanent key
    ):
        with pytest.raises(ClientRequestException) as info:
            list_projects(h.iam_client(url, **kwargs), page=1, per_page=10)
        assert (info.value.status_code, info.value.error_code) == (401, "APIGW.0301")
    assert cloud.calls[0].headers["x-security-token"] == "***"


def test_project_header(cloud: FakeCloud, endpoint) -> None:
    url = endpoint("iam")
    with pytest.raises(ClientRequestException) as info:
        list_projects(h.iam_client(url, project_id="ffffffffffffffffffffffffffffffff"))
    assert (info.value.status_code, info.value.error_code) == (403, "IAM.0002")
    mos = cloud.add_project("MOS")
    other_region = cloud.add_project("cn-north-4")
    assert list_projects(h.iam_client(url, project_id=mos)).status_code == 200
    assert list_projects(h.iam_client(url, project_id=other_region)).status_code == 200  # IAM is global
    assert h.raw_call(url, "GET", PATH, project_id=None).status_code == 200


def test_real_form_hosts(cloud: FakeCloud, mocked: None) -> None:
    for url in ("https://iam.myhuaweicloud.com", "https://iam.cn-north-4.myhuaweicloud.com", cloud.endpoint("iam")):
        assert names(list_projects(h.iam_client(url), page=1, per_page=10)) == [h.REGION]
    with pytest.raises(ClientRequestException) as info:
        list_projects(h.iam_client(cloud.endpoint("cts")))
    assert (info.value.status_code, info.value.error_code) == (404, "APIGW.0101")
    with pytest.raises(ClientRequestException) as info:
        list_projects(h.iam_client(cloud.endpoint("obs")))
    assert info.value.status_code == 404


def test_faults(cloud: FakeCloud, endpoint) -> None:
    client = h.iam_client(endpoint("iam"))
    cloud.faults.inject(status=429, action="KeystoneListProjects", count=1)
    cloud.faults.inject(status=500, service="iam", count=1)
    cloud.faults.inject(drop=True, action="KeystoneListProjects", count=1)
    with pytest.raises(ClientRequestException) as info:
        list_projects(client, page=1, per_page=10)
    # The SDK's urllib3 Retry has 429 in status_forcelist: for a GET, even with retry_times=0,
    # it ends in RetryError and the exception carries error_code "429", not the body's code.
    assert (info.value.status_code, info.value.error_code) == (429, "429")
    with pytest.raises(ServerResponseException) as server_info:
        list_projects(client, page=1, per_page=10)
    assert (server_info.value.status_code, server_info.value.error_code) == (500, "IAM.0006")
    with pytest.raises(ConnectionException):
        list_projects(client, page=1, per_page=10)
    assert names(list_projects(client, page=1, per_page=10)) == [h.REGION]
    assert [(c.action, c.status, c.error_code) for c in cloud.calls] == [
        ("KeystoneListProjects", 429, "APIGW.0308"),
        ("KeystoneListProjects", 500, "IAM.0006"),
        ("KeystoneListProjects", 0, None),
        ("KeystoneListProjects", 200, None),
    ]


def test_add_project_mos() -> None:
    cloud = FakeCloud()
    mos = cloud.add_project("MOS")
    assert cloud.add_project("MOS") == mos
    assert cloud.iam.has_project(mos) and cloud.iam.region_of(mos) is None
    assert cloud.iam.project_by_name("MOS")["region"] is None
    with pytest.raises(ValueError):
        cloud.add_project("mos")
    with pytest.raises(KeyError):
        cloud.iam.set_project_enabled("nope", False)


def test_throttling_body(cloud: FakeCloud, endpoint) -> None:
    cloud.faults.inject(status=429, action="KeystoneListProjects")
    response = h.raw_call(endpoint("iam"), "GET", PATH)
    assert response.status_code == 429
    assert response.json()["error_code"] == "APIGW.0308"
