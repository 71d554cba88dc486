"""Organizations: the organization's accounts (ListAccounts, every page) and one account (ShowAccount)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set

from ..contract import ErrorCode
from ..untrusted import shown
from .clients import Core, json_answer
from .errors import CloudError


class Organizations(Core):
    def list_accounts(self, account_id: str, page_size: int = 1000) -> List[Dict[str, Any]]:
        """Every account of the organization, page by page (Organizations ListAccounts); the client
        is given the caller's account id so the SDK never looks it up through IAM."""
        from huaweicloudsdkorganizations.v1.model.list_accounts_request import ListAccountsRequest
        from huaweicloudsdkorganizations.v1.organizations_client import OrganizationsClient

        client = self._organizations(account_id)
        accounts: List[Dict[str, Any]] = []
        marker: Optional[str] = None
        seen: Set[str] = set()
        while True:  # read as plain JSON: up to 1,000 accounts a page, no model conversion
            info = OrganizationsClient._list_accounts_http_info(ListAccountsRequest(limit=page_size, marker=marker))
            payload = self._call(json_answer(client, info, "huaweicloudsdkorganizations.v1"))
            accounts.extend(item for item in payload.get("accounts") or [] if isinstance(item, dict))
            page = payload.get("page_info") or {}
            marker = page.get("next_marker") if isinstance(page, dict) else None
            if not marker:
                return accounts
            marker = str(marker)
            if marker in seen:  # the listing would go round until the deadline: a bad answer, not a slow one
                message = f"ListAccounts repeated the page marker {shown(marker, 80)!r}: listing stopped"
                raise CloudError(ErrorCode.INVALID_RESPONSE, message)
            seen.add(marker)

    def show_account(self, own_account: str, account_id: str) -> Optional[Dict[str, Any]]:
        """One account of the organization as Organizations ShowAccount answers it (`account`), or
        None when the service answers 404: not an account of this organization. One call, read as
        plain JSON: every member invocation checks its account with it before acting there."""
        from huaweicloudsdkorganizations.v1.model.show_account_request import ShowAccountRequest
        from huaweicloudsdkorganizations.v1.organizations_client import OrganizationsClient

        info = OrganizationsClient._show_account_http_info(ShowAccountRequest(account_id=account_id))
        try:
            payload = self._call(json_answer(self._organizations(own_account), info, "huaweicloudsdkorganizations.v1"))
        except CloudError as error:
            if error.status == 404:
                return None
            raise
        account = payload.get("account")
        return account if isinstance(account, dict) else {}

    def _organizations(self, account_id: str) -> Any:
        from huaweicloudsdkorganizations.v1.organizations_client import OrganizationsClient

        return self._client("organizations", OrganizationsClient, "", "", self._global(account_id))  # global
