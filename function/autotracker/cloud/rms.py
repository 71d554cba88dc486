"""Config (RMS): reporting a resource's compliance (UpdatePolicyState)."""

from __future__ import annotations

from typing import Any, Dict

from .clients import Core


class Rms(Core):
    def update_policy_state(self, domain_id: str, body: Dict[str, Any]) -> None:
        """Report one resource's compliance to Config (RMS UpdatePolicyState)."""
        from huaweicloudsdkrms.v1.model.update_policy_state_request import UpdatePolicyStateRequest

        client = self._rms(domain_id)
        request = UpdatePolicyStateRequest(body=body)  # the account id comes from the credentials
        self._call(lambda: client.update_policy_state(request))

    def _rms(self, domain_id: str) -> Any:
        from huaweicloudsdkrms.v1.rms_client import RmsClient

        return self._client("rms", RmsClient, "", "", self._global(domain_id))  # a global service
