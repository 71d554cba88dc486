"""FunctionGraph v2 in the fake: functions, code, triggers and async config, through the real
FunctionGraphClient in both transports."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, Dict

import fc_helpers as h
import pytest
from fc_fgs import NAME, URN, code_zip, create, fgs_client, trigger
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException, ServerResponseException
from huaweicloudsdkfunctiongraph.v2 import (
    DeleteFunctionTriggerRequest,
    FuncAsyncDestinationConfig,
    FuncCode,
    FuncDestinationConfig,
    ListFunctionTriggersRequest,
    ShowFunctionAsyncInvokeConfigRequest,
    ShowFunctionConfigRequest,
    UpdateFunctionAsyncInvokeConfigRequest,
    UpdateFunctionAsyncInvokeConfigRequestBody,
    UpdateFunctionCodeRequest,
    UpdateFunctionCodeRequestBody,
    UpdateFunctionConfigRequest,
    UpdateFunctionConfigRequestBody,
)

from fakecloud import FakeCloud


@pytest.fixture
def agency(cloud: FakeCloud) -> None:
    cloud.iam.add_agency("fgs_agency", trust_domain="op_svc_cff")


def test_create_and_show_a_function(cloud: FakeCloud, endpoint, agency) -> None:
    client = fgs_client(endpoint("functiongraph"))
    created = create(client)
    assert created.status_code == 200 and created.func_urn == URN
    shown = client.show_function_config(ShowFunctionConfigRequest(function_urn=URN))
    assert (shown.runtime, shown.handler, shown.memory_size, shown.timeout, shown.xrole) == (
        "Python3.10",
        "index.handler",
        256,
        300,
        "fgs_agency",
    )
    assert json.loads(shown.user_data) == {"REGION": h.REGION}
    assert json.loads(shown.encrypted_user_data) == {"KMS_KEY_ID": "******"}  # names shown, values masked
    assert shown.digest == hashlib.sha512(code_zip()).hexdigest() and shown.code_size == len(code_zip())
    unqualified = URN.rsplit(":", 1)[0]
    assert client.show_function_config(ShowFunctionConfigRequest(function_urn=unqualified)).func_name == NAME
    stored = cloud.fgs.function(h.PID, NAME)
    assert stored is not None and json.loads(stored["encrypted_user_data"]) == {"KMS_KEY_ID": "secret-value"}
    assert [c.action for c in cloud.calls] == ["CreateFunction", "ShowFunctionConfig", "ShowFunctionConfig"]
    assert cloud.calls[1].path == f"/v2/{h.PID}/fgs/functions/{URN}/config"


CREATE_ERRORS = [
    ({"func_name": "1bad"}, 400, "FSS.1002"),
    ({"func_name": "x" * 61}, 400, "FSS.1002"),
    ({"package": "-"}, 400, "FSS.1004"),
    ({"runtime": "Python3.99"}, 400, "FSS.1005"),
    ({"handler": "handler"}, 400, "FSS.1003"),
    ({"memory_size": 300}, 400, "FSS.1007"),
    ({"timeout": 2}, 400, "FSS.1008"),
    ({"user_data": "not json"}, 400, "FSS.1009"),
    ({"user_data": json.dumps({"bad-name": "x"})}, 400, "FSS.1009"),
    ({"user_data": json.dumps({f"V{i}": "x" for i in range(21)})}, 400, "FSS.1017"),
    ({"user_data": json.dumps({"V": "x" * 4100})}, 400, "FSS.1018"),
    ({"encrypted_user_data": json.dumps({"S": 1})}, 400, "FSS.1009"),
    (
        {
            "user_data": json.dumps({f"V{i}": "x" for i in range(15)}),
            "encrypted_user_data": json.dumps({f"S{i}": "x" for i in range(6)}),
        },
        400,
        "FSS.1017",
    ),
    ({"code_type": "obs"}, 400, "FSS.1006"),
    ({"code_type": "tarball"}, 400, "FSS.1006"),
    ({"func_code": None}, 400, "FSS.1012"),
    ({"func_code": FuncCode(file="!!!")}, 400, "FSS.1011"),
    ({"func_code": FuncCode(file=base64.b64encode(b"not a zip").decode())}, 400, "FSS.1011"),
    ({"func_code": FuncCode(file=base64.b64encode(code_zip("main.py")).decode())}, 400, "FSS.1011"),
    ({"xrole": "nobody"}, 400, "FSS.0400"),
]


@pytest.mark.parametrize(("overrides", "status", "code"), CREATE_ERRORS)
def test_create_rejections_change_nothing(cloud: FakeCloud, mocked, agency, overrides, status, code) -> None:
    with pytest.raises(ClientRequestException) as info:
        create(fgs_client(cloud.endpoint("functiongraph")), **overrides)
    assert (info.value.status_code, info.value.error_code) == (status, code)
    assert cloud.fgs.function(h.PID, NAME) is None


def test_agency_must_trust_functiongraph_and_names_are_unique(cloud: FakeCloud, mocked) -> None:
    client = fgs_client(cloud.endpoint("functiongraph"))
    cloud.iam.add_agency("fgs_agency", trust_domain="op_svc_cts")
    with pytest.raises(ClientRequestException) as info:
        create(client)
    assert (info.value.status_code, info.value.error_code) == (400, "FSS.0400")
    create(client, xrole=None)
    with pytest.raises(ClientRequestException) as info:
        create(client, xrole=None)
    assert (info.value.status_code, info.value.error_code) == (409, "FSS.0409")


def test_unknown_function_is_404(cloud: FakeCloud, mocked) -> None:
    client = fgs_client(cloud.endpoint("functiongraph"))
    for urn in (
        URN,
        f"urn:fss:{h.REGION}:{h.PID}:function:default:{NAME}:v2",
        f"urn:fss:eu-west-101:{h.PID}:function:default:x",
    ):
        with pytest.raises(ClientRequestException) as info:
            client.show_function_config(ShowFunctionConfigRequest(function_urn=urn))
        assert (info.value.status_code, info.value.error_code) == (404, "FSS.1051")
    with pytest.raises(ClientRequestException) as info:
        client.show_function_config(ShowFunctionConfigRequest(function_urn="not-a-urn"))
    assert (info.value.status_code, info.value.error_code) == (400, "FSS.0400")


def config_body(**overrides: Any) -> UpdateFunctionConfigRequestBody:
    fields = {
        "func_name": NAME,
        "runtime": "Python3.10",
        "handler": "index.handler",
        "memory_size": 512,
        "timeout": 60,
        "user_data": json.dumps({"REGION": h.REGION, "DRY_RUN": "true"}),
        "xrole": "fgs_agency",
    }
    fields.update(overrides)
    return UpdateFunctionConfigRequestBody(**fields)


def test_update_config_replaces_it_and_keeps_the_runtime(cloud: FakeCloud, endpoint, agency) -> None:
    client = fgs_client(endpoint("functiongraph"))
    create(client)
    updated = client.update_function_config(UpdateFunctionConfigRequest(function_urn=URN, body=config_body()))
    assert (updated.memory_size, updated.timeout) == (512, 60)
    stored = cloud.fgs.function(h.PID, NAME)
    assert stored is not None and stored["encrypted_user_data"] == ""  # not sent: cleared (PUT semantics)
    assert json.loads(stored["user_data"]) == {"REGION": h.REGION, "DRY_RUN": "true"}
    for overrides, code in (({"runtime": "Python3.9"}, "FSS.1005"), ({"func_name": "other"}, "FSS.1002")):
        with pytest.raises(ClientRequestException) as info:
            client.update_function_config(UpdateFunctionConfigRequest(function_urn=URN, body=config_body(**overrides)))
        assert (info.value.status_code, info.value.error_code) == (400, code)
    assert cloud.fgs.function(h.PID, NAME)["runtime"] == "Python3.10"  # type: ignore[index]


def test_update_code_changes_the_digest(cloud: FakeCloud, endpoint, agency) -> None:
    client = fgs_client(endpoint("functiongraph"))
    create(client)
    new = code_zip(text="def handler(e, c):\n    return 2\n")
    code_body = UpdateFunctionCodeRequestBody(
        code_type="zip", code_filename="v2.zip", func_code=FuncCode(file=base64.b64encode(new).decode())
    )
    response = client.update_function_code(UpdateFunctionCodeRequest(function_urn=URN, body=code_body))
    assert response.digest == hashlib.sha512(new).hexdigest() and response.code_size == len(new)
    assert cloud.fgs.function(h.PID, NAME)["code"] == new  # type: ignore[index]
    bad = UpdateFunctionCodeRequestBody(code_type="zip", func_code=FuncCode(file=base64.b64encode(b"x").decode()))
    with pytest.raises(ClientRequestException) as info:
        client.update_function_code(UpdateFunctionCodeRequest(function_urn=URN, body=bad))
    assert info.value.error_code == "FSS.1011"


def test_triggers_create_list_delete(cloud: FakeCloud, endpoint, agency) -> None:
    client = fgs_client(endpoint("functiongraph"))
    create(client)
    cts = trigger(client, "CTS", name="new_buckets", operations=["OBS:bucket:createBucket"])
    assert cts.status_code == 201 and cts.trigger_status == "ACTIVE"
    assert cts.event_data.operations == ["OBS:bucket:createBucket"]
    timer = trigger(client, "TIMER", name="baseline", schedule_type="Cron", schedule="0 0 3 * * ?", user_event="go")
    listed = client.list_function_triggers(ListFunctionTriggersRequest(function_urn=URN))
    assert sorted(t.trigger_type_code for t in listed.body) == ["CTS", "TIMER"]
    assert {t.event_data.name for t in listed.body} == {"new_buckets", "baseline"}
    with pytest.raises(ClientRequestException) as info:
        trigger(client, "CTS", name="new_buckets", operations=["OBS:bucket:deleteBucket"])
    assert (info.value.status_code, info.value.error_code) == (409, "FSS.0409")
    deleted = client.delete_function_trigger(
        DeleteFunctionTriggerRequest(function_urn=URN, trigger_type_code="TIMER", trigger_id=timer.trigger_id)
    )
    assert deleted.status_code == 204
    with pytest.raises(ClientRequestException) as info:
        client.delete_function_trigger(
            DeleteFunctionTriggerRequest(function_urn=URN, trigger_type_code="CTS", trigger_id=timer.trigger_id)
        )
    assert (info.value.status_code, info.value.error_code) == (404, "FSS.0404")
    assert [t["event_data"]["name"] for t in cloud.fgs.triggers(h.PID, NAME)] == ["new_buckets"]


@pytest.mark.parametrize(
    ("type_code", "event"),
    [
        ("CTS", {"name": "new-buckets", "operations": ["OBS:bucket:createBucket"]}),
        ("CTS", {"name": "ok", "operations": []}),
        ("CTS", {"name": "ok", "operations": ["OBS.createBucket"]}),
        ("TIMER", {"name": "1st", "schedule_type": "Cron", "schedule": "0 0 3 * * ?"}),
        ("TIMER", {"name": "t", "schedule_type": "Weekly", "schedule": "0 0 3 * * ?"}),
        ("TIMER", {"name": "t", "schedule_type": "Cron", "schedule": "0 3 * * *"}),
        ("OBS", {"name": "t", "bucket": "b", "events": ["ObjectCreated"]}),
    ],
)
def test_trigger_rejections(cloud: FakeCloud, mocked, agency, type_code: str, event: Dict[str, Any]) -> None:
    client = fgs_client(cloud.endpoint("functiongraph"))
    create(client)
    with pytest.raises(ClientRequestException) as info:
        trigger(client, type_code, **event)
    assert (info.value.status_code, info.value.error_code) == (400, "FSS.0400")
    assert cloud.fgs.triggers(h.PID, NAME) == []


def test_async_invoke_config(cloud: FakeCloud, endpoint, agency) -> None:
    client = fgs_client(endpoint("functiongraph"))
    create(client)
    with pytest.raises(ClientRequestException) as info:
        client.show_function_async_invoke_config(ShowFunctionAsyncInvokeConfigRequest(function_urn=URN))
    assert (info.value.status_code, info.value.error_code) == (404, "FSS.0404")
    urn = cloud.add_topic("failures")

    def put(attempts: int = 2, age: int = 600, topic: str = urn) -> Any:
        failure = FuncDestinationConfig(destination="SMN", param=json.dumps({"topic_urn": topic}))
        request_body = UpdateFunctionAsyncInvokeConfigRequestBody(
            max_async_retry_attempts=attempts,
            max_async_event_age_in_seconds=age,
            destination_config=FuncAsyncDestinationConfig(on_failure=failure),
        )
        return client.update_function_async_invoke_config(
            UpdateFunctionAsyncInvokeConfigRequest(function_urn=URN, body=request_body)
        )

    assert put().max_async_retry_attempts == 2
    shown = client.show_function_async_invoke_config(ShowFunctionAsyncInvokeConfigRequest(function_urn=URN))
    assert (shown.max_async_retry_attempts, shown.max_async_event_age_in_seconds) == (2, 600)
    assert json.loads(shown.destination_config.on_failure.param) == {"topic_urn": urn}
    for kwargs in ({"attempts": 4}, {"age": 0}, {"age": 86401}, {"topic": urn + "-missing"}):
        with pytest.raises(ClientRequestException) as info:
            put(**kwargs)  # type: ignore[arg-type]
        assert (info.value.status_code, info.value.error_code) == (400, "FSS.0400")


def test_gateway_checks_and_faults(cloud: FakeCloud, mocked, agency) -> None:
    url = cloud.endpoint("functiongraph")
    with pytest.raises(ClientRequestException) as info:
        create(fgs_client(url, sk="wrong"))
    assert (info.value.status_code, info.value.error_code) == (401, "APIGW.0301")
    with pytest.raises(ClientRequestException) as info:
        create(fgs_client(cloud.endpoint("functiongraph", "eu-west-101")))
    assert (info.value.status_code, info.value.error_code) == (403, "FSS.0403")
    with pytest.raises(ClientRequestException) as info:
        create(fgs_client(cloud.endpoint("cts")))
    assert (info.value.status_code, info.value.error_code) == (404, "APIGW.0101")
    cloud.faults.inject(status=503, service="functiongraph")
    with pytest.raises(ServerResponseException) as server:
        create(fgs_client(url))
    assert (server.value.status_code, server.value.error_code) == (503, "FSS.0503")
    assert cloud.fgs.function(h.PID, NAME) is None
    create(fgs_client(url, ak=h.TMP_AK, sk=h.TMP_SK, token=h.TOKEN))
    assert [c.status for c in cloud.write_calls("functiongraph")] == [401, 403, 404, 503, 200]
