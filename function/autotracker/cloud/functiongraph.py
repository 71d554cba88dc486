"""FunctionGraph: queueing this function's own invocations (AsyncInvokeFunction), for the fan-out."""

from __future__ import annotations

from typing import Any, Dict, Optional

from .clients import Core, json_object
from .errors import nothing_sent


class FunctionGraph(Core):
    def invoke_async(self, function_urn: str, payload: Dict[str, Any]) -> Optional[str]:
        """Queue one asynchronous invocation of a function (FunctionGraph AsyncInvokeFunction);
        returns FunctionGraph's request id. Retried only when it surely was not queued."""
        from huaweicloudsdkfunctiongraph.v2.model.async_invoke_function_request import AsyncInvokeFunctionRequest

        region, project_id = function_urn.split(":")[2:4]
        client = self._fgs(region, project_id)
        request = AsyncInvokeFunctionRequest(function_urn=function_urn, body=payload)
        answer = self._call(lambda: json_object(client.async_invoke_function(request)), retry_on=nothing_sent)
        request_id = answer.get("request_id")
        return str(request_id) if request_id else None

    def _fgs(self, region: str, project_id: str) -> Any:
        from huaweicloudsdkfunctiongraph.v2.functiongraph_client import FunctionGraphClient

        return self._client("functiongraph", FunctionGraphClient, region, project_id)
