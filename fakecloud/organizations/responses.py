"""Organizations wire layer."""

from __future__ import annotations

from typing import Callable, Optional

from fakecloud.core.dispatch import Request, Response, json_response
from fakecloud.core.errors import ServiceError
from fakecloud.organizations.models import NOT_MANAGEMENT, NOT_MANAGEMENT_MESSAGE, OrganizationsBackend


class OrganizationsResponses:
    def __init__(self, caller_account: str, backend: Callable[[], Optional[OrganizationsBackend]]) -> None:
        self.caller_account = caller_account
        self.backend = backend

    def show_account(self, request: Request, params: dict[str, str]) -> Response:
        return json_response(200, self._backend().show_account(self.caller_account, params["account_id"]))

    def list_accounts(self, request: Request, params: dict[str, str]) -> Response:
        answer = self._backend().list_accounts(self.caller_account, request.param("limit"), request.param("marker"))
        return json_response(200, answer)

    def _backend(self) -> OrganizationsBackend:
        backend = self.backend()
        if backend is None:
            raise ServiceError(401, NOT_MANAGEMENT, NOT_MANAGEMENT_MESSAGE)  # no organization: no management account
        return backend
