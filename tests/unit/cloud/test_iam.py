"""cloud/iam.py: KeystoneListProjects page by page, and the name filter in one call."""

from __future__ import annotations

from helpers.world import NEW_PROJECT_ID, PROJECT_ID, REGION

from autotracker.cloud.gateway import Gateway
from autotracker.cloud.iam import Iam
from fakecloud import FakeCloud


def test_every_project_is_listed_across_pages(cloud: FakeCloud, gateway: Gateway) -> None:
    third = cloud.add_project(f"{REGION}_billing")
    with cloud.mock():
        projects = gateway.list_projects(REGION, PROJECT_ID, page_size=1)
    assert {project["id"] for project in projects} >= {PROJECT_ID, NEW_PROJECT_ID, third}
    pages = cloud.calls_of("KeystoneListProjects")
    assert len(pages) == len(projects) + 1  # the last page is short (empty): the listing stops there
    assert [call.query.get("page") for call in pages] == [str(n) for n in range(1, len(pages) + 1)]
    assert all(call.query.get("per_page") == "1" for call in pages)


def test_a_name_asks_for_that_project_alone(cloud: FakeCloud, gateway: Gateway) -> None:
    with cloud.mock():
        (project,) = gateway.list_projects(REGION, PROJECT_ID, name=f"{REGION}_analytics")
    assert project["id"] == NEW_PROJECT_ID
    (call,) = cloud.calls_of("KeystoneListProjects")
    assert call.query.get("name") == f"{REGION}_analytics"


def test_the_gateway_takes_these_calls_from_the_iam_class() -> None:
    assert issubclass(Gateway, Iam)
