"""STS: this function's own account (GetCallerIdentity) and credentials in a member account (AssumeAgency)."""

from __future__ import annotations

from typing import Any

from ..contract import ErrorCode
from .clients import Core, json_object
from .credentials import Credentials
from .errors import CloudError


class Sts(Core):
    def caller_account(self) -> str:
        """The account these credentials act in (STS GetCallerIdentity: no permission needed)."""
        from huaweicloudsdksts.v1.model.get_caller_identity_request import GetCallerIdentityRequest

        client = self._sts()
        payload = self._call(lambda: json_object(client.get_caller_identity(GetCallerIdentityRequest())))
        account_id = payload.get("account_id")
        if not account_id:
            raise CloudError(ErrorCode.INVALID_RESPONSE, "STS GetCallerIdentity answered without an account_id")
        return str(account_id)

    def assume_agency(self, agency_urn: str, session_name: str, duration_seconds: int) -> Credentials:
        """Temporary credentials in another account (STS AssumeAgency). Not retried on 403/404: a
        missing agency is the member's to create, and the caller decides what that means."""
        from huaweicloudsdksts.v1.model.assume_agency_req_body import AssumeAgencyReqBody
        from huaweicloudsdksts.v1.model.assume_agency_request import AssumeAgencyRequest

        client = self._sts()
        body = AssumeAgencyReqBody(
            agency_urn=agency_urn, agency_session_name=session_name, duration_seconds=duration_seconds
        )
        payload = self._call(lambda: json_object(client.assume_agency(AssumeAgencyRequest(body=body))))
        issued = payload.get("credentials") or {}
        ak, sk, token = (issued.get(k) for k in ("access_key_id", "secret_access_key", "security_token"))
        if not (ak and sk and token):
            raise CloudError(ErrorCode.INVALID_RESPONSE, "STS AssumeAgency answered without complete credentials")
        account_id = agency_urn.split(":")[2]
        return Credentials(str(ak), str(sk), str(token), None, account_id)

    def _sts(self) -> Any:
        from huaweicloudsdksts.v1.sts_client import StsClient

        region, project_id = self._settings.region, self._credentials.project_id or ""
        return self._client("sts", StsClient, region, project_id)
