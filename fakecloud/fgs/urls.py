"""FunctionGraph v2 paths -> handlers (the SDK percent-encodes the function URN in the path)."""

from __future__ import annotations

from fakecloud.core.dispatch import Router, ServiceInfo
from fakecloud.fgs.models import FgsBackend
from fakecloud.fgs.responses import FgsResponses
from fakecloud.iam.models import IamBackend

SERVICE = ServiceInfo(
    name="functiongraph",
    forbidden_code="FSS.0403",
    read_error_code="FSS.0500",
    write_error_code="FSS.0500",
    fault_codes={429: "FSS.0429", 503: "FSS.0503"},
)
FUNCTION = "/v2/{project_id}/fgs/functions/{function_urn}"
TRIGGERS = "/v2/{project_id}/fgs/triggers/{function_urn}"


def register(router: Router, backend: FgsBackend, iam: IamBackend) -> None:
    h = FgsResponses(backend, iam)
    router.add_service(SERVICE)
    svc = SERVICE.name
    router.add("POST", "/v2/{project_id}/fgs/functions", svc, "CreateFunction", h.create_function)
    router.add("DELETE", FUNCTION, svc, "DeleteFunction", h.delete_function)
    router.add("GET", FUNCTION + "/config", svc, "ShowFunctionConfig", h.show_function_config)
    router.add("PUT", FUNCTION + "/config", svc, "UpdateFunctionConfig", h.update_function_config)
    router.add("PUT", FUNCTION + "/code", svc, "UpdateFunctionCode", h.update_function_code)
    router.add(
        "GET", FUNCTION + "/async-invoke-config", svc, "ShowFunctionAsyncInvokeConfig", h.show_async_invoke_config
    )
    router.add(
        "PUT", FUNCTION + "/async-invoke-config", svc, "UpdateFunctionAsyncInvokeConfig", h.update_async_invoke_config
    )
    router.add("POST", FUNCTION + "/invocations-async", svc, "AsyncInvokeFunction", h.async_invoke_function)
    router.add("POST", TRIGGERS, svc, "CreateFunctionTrigger", h.create_function_trigger)
    router.add("GET", TRIGGERS, svc, "ListFunctionTriggers", h.list_function_triggers)
    router.add(
        "DELETE",
        TRIGGERS + "/{trigger_type_code}/{trigger_id}",
        svc,
        "DeleteFunctionTrigger",
        h.delete_function_trigger,
    )
