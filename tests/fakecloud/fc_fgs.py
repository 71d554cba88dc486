"""FunctionGraph helpers for the fake's tests (not tests): a client, a function body, a trigger."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from typing import Any, Dict

import fc_helpers as h
from huaweicloudsdkfunctiongraph.v2 import (
    CreateFunctionRequest,
    CreateFunctionRequestBody,
    CreateFunctionTriggerRequest,
    CreateFunctionTriggerRequestBody,
    FuncCode,
    FunctionGraphClient,
    TriggerEventDataRequestBody,
)

NAME = "autotracker"
URN = f"urn:fss:{h.REGION}:{h.PID}:function:default:{NAME}:latest"


def fgs_client(endpoint: str, **kwargs: Any) -> FunctionGraphClient:
    return (
        FunctionGraphClient.new_builder()
        .with_credentials(h.credentials(**kwargs))
        .with_endpoints([endpoint])
        .with_http_config(h.http_config())
        .build()
    )


def code_zip(module: str = "index.py", text: str = "def handler(e, c):\n    return 1\n") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(module, text)
    return buffer.getvalue()


def body(**overrides: Any) -> Dict[str, Any]:
    fields: Dict[str, Any] = {
        "func_name": NAME,
        "package": "default",
        "runtime": "Python3.10",
        "handler": "index.handler",
        "memory_size": 256,
        "timeout": 300,
        "code_type": "zip",
        "code_filename": "pkg.zip",
        "func_code": FuncCode(file=base64.b64encode(code_zip()).decode()),
        "user_data": json.dumps({"REGION": h.REGION}),
        "encrypted_user_data": json.dumps({"KMS_KEY_ID": "secret-value"}),
        "xrole": "fgs_agency",
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def create(client: FunctionGraphClient, **overrides: Any) -> Any:
    return client.create_function(CreateFunctionRequest(body=CreateFunctionRequestBody(**body(**overrides))))


def trigger(client: FunctionGraphClient, type_code: str, **event: Any) -> Any:
    request_body = CreateFunctionTriggerRequestBody(
        trigger_type_code=type_code, trigger_status="ACTIVE", event_data=TriggerEventDataRequestBody(**event)
    )
    return client.create_function_trigger(CreateFunctionTriggerRequest(function_urn=URN, body=request_body))
