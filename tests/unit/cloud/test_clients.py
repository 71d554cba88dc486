"""cloud/clients.py: answers read as plain JSON (anything but an object reads as {}; lone
surrogates made encodable), each call bounded by the deadline and retried only when transient,
the client cache, and the environment requests would read."""

from __future__ import annotations

from typing import Any, List

import pytest
from helpers.world import AK, PROJECT_ID, REGION, SK, TOKEN, base_env

from autotracker.cloud.clients import ClientCache, ca_bundle, json_object, uses_proxy_or_netrc
from autotracker.cloud.credentials import Credentials
from autotracker.cloud.errors import CloudError
from autotracker.cloud.gateway import Gateway
from autotracker.cloud.retry import Deadline, RetryPolicy
from autotracker.contract import ErrorCode
from autotracker.settings import load_settings
from fakecloud import FakeCloud
from fakecloud.organizations.models import OrganizationsBackend

MEMBER = "0123456789abcdef0123456789abcd01"


class Answer:
    """What the SDK's response objects offer json_object: `to_json_object()`."""

    def __init__(self, payload: Any = None, error: bool = False) -> None:
        self._payload, self._error = payload, error

    def to_json_object(self) -> Any:
        if self._error:
            raise ValueError("not JSON")
        return self._payload


def test_json_object_reads_an_object_and_nothing_else() -> None:
    assert json_object(Answer({"projects": [{"id": "p1"}]})) == {"projects": [{"id": "p1"}]}
    assert json_object(Answer(["a", "list"])) == {}
    assert json_object(Answer("text")) == {}
    assert json_object(Answer(error=True)) == {}
    assert json_object(Answer({"name": "bad\ud800name"})) == {"name": "bad\ufffdname"}


def _organization(cloud: FakeCloud) -> None:
    organization = OrganizationsBackend("o-unit1", cloud.domain_id)
    organization.add_account(MEMBER, "member")
    cloud.organization = organization


def test_a_plain_json_answer_with_a_lone_surrogate_is_made_encodable(cloud: FakeCloud, gateway: Gateway) -> None:
    _organization(cloud)
    cloud.faults.rewrite(lambda body: {**body, "account": {**body["account"], "name": "x\ud800y"}}, "ShowAccount")
    with cloud.mock():
        account = gateway.show_account(cloud.domain_id, MEMBER)
    assert account is not None and account["name"] == "x\ufffdy"
    account["name"].encode("utf-8")


@pytest.mark.parametrize("answer", [["not", "an", "object"], "<html>not json</html>"])
def test_a_plain_json_answer_that_is_not_an_object_reads_as_empty(
    cloud: FakeCloud, gateway: Gateway, answer: Any
) -> None:
    _organization(cloud)
    cloud.faults.rewrite(lambda _body: answer, "ListAccounts")
    with cloud.mock():
        assert gateway.list_accounts(cloud.domain_id) == []


def test_a_transient_failure_is_retried(cloud: FakeCloud, gateway: Gateway) -> None:
    cloud.faults.inject(503, action="KeystoneListProjects")
    with cloud.mock():
        projects = gateway.list_projects(REGION, PROJECT_ID)
    assert PROJECT_ID in {project["id"] for project in projects}
    assert [call.status for call in cloud.calls_of("KeystoneListProjects")] == [503, 200]


def test_a_permanent_refusal_is_not_retried(cloud: FakeCloud, gateway: Gateway) -> None:
    cloud.faults.inject(403, action="KeystoneListProjects", error_code="IAM.0003")
    with cloud.mock(), pytest.raises(CloudError) as refused:
        gateway.list_projects(REGION, PROJECT_ID)
    assert refused.value.code == "IAM.0003" and refused.value.status == 403 and not refused.value.transient
    assert len(cloud.calls_of("KeystoneListProjects")) == 1


def test_no_call_starts_without_time_for_it(cloud: FakeCloud) -> None:
    late = Gateway(
        Credentials(AK, SK, TOKEN, PROJECT_ID), load_settings(base_env()), Deadline(500), RetryPolicy(2, 0.0)
    )
    with cloud.mock(), pytest.raises(CloudError) as refused:
        late.list_projects(REGION, PROJECT_ID)
    assert refused.value.code == ErrorCode.DEADLINE_EXCEEDED and refused.value.transient
    assert cloud.calls == []


def test_the_reserve_is_kept_for_what_follows(cloud: FakeCloud) -> None:
    credentials = Credentials(AK, SK, TOKEN, PROJECT_ID)
    reserved = Gateway(credentials, load_settings(base_env()), Deadline(3_000), RetryPolicy(2, 0.0), reserve=2.5)
    with cloud.mock(), pytest.raises(CloudError) as refused:
        reserved.list_projects(REGION, PROJECT_ID)
    assert refused.value.code == ErrorCode.DEADLINE_EXCEEDED
    assert cloud.calls == []


def test_the_cache_builds_a_client_once_per_key() -> None:
    cache = ClientCache(size=4)
    built: List[str] = []

    def build(name: str) -> Any:
        return lambda: built.append(name) or object()

    first = cache.get(("iam", "a"), build("a"))
    assert cache.get(("iam", "a"), build("a")) is first
    assert cache.get(("iam", "b"), build("b")) is not first
    assert built == ["a", "b"] and len(cache) == 2


def test_the_cache_drops_the_least_recently_used_beyond_its_size() -> None:
    cache = ClientCache(size=2)
    built: List[str] = []
    for key in ("a", "b", "a", "c", "a", "b"):
        cache.get((key,), lambda key=key: built.append(key) or key)
    assert built == ["a", "b", "c", "b"]  # "b" was the least recently used when "c" came
    assert len(cache) == 2


def test_an_expired_client_is_built_again() -> None:
    cache = ClientCache(ttl=0.0)
    built: List[str] = []
    cache.get(("a",), lambda: built.append("a") or "a")
    cache.get(("a",), lambda: built.append("a") or "a")
    assert built == ["a", "a"]


def test_the_ca_bundle_is_requests_own_variable_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    assert ca_bundle() is None
    monkeypatch.setenv("CURL_CA_BUNDLE", "/etc/curl.pem")
    assert ca_bundle() == "/etc/curl.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/requests.pem")
    assert ca_bundle() == "/etc/requests.pem"


def test_a_proxy_or_a_netrc_in_the_environment_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name == "NETRC":
            monkeypatch.delenv(name)
    assert not uses_proxy_or_netrc()
    monkeypatch.setenv("NETRC", "/home/user/.netrc")
    assert uses_proxy_or_netrc()
    monkeypatch.delenv("NETRC")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert uses_proxy_or_netrc()
