"""Organizations: the accounts of one organization, as its management account lists them."""

from __future__ import annotations

import copy
import threading
from datetime import datetime, timezone
from typing import Any

from fakecloud.core.errors import ServiceError

STATUSES = ("active", "suspended", "pending_closure")
MAX_LIMIT = 1000  # ListAccounts' limit: 1-1000, default 1000
# The error-code page: 401 Organizations.1002, "This operation can be called only from the management
# account of an organization or by a member account that is a delegated administrator for a
# service." (ListAccounts and ShowAccount are both callable by either; the fake models no delegation)
NOT_MANAGEMENT = "Organizations.1002"
NOT_MANAGEMENT_MESSAGE = (
    "This operation can be called only from the management account of an organization or by a member "
    "account that is a delegated administrator for a service."
)
# ShowAccount of an id the organization does not hold: 404 (the error page's code for it could
# not be confirmed, so the number is the fake's own; a client may rely on the status alone)
ACCOUNT_NOT_FOUND = "Organizations.1101"


def _bad(msg: str) -> ServiceError:
    return ServiceError(400, "Organizations.1001", msg)


class OrganizationsBackend:
    """Accounts in joining order; `marker` is the id of the last account of the previous page.

    Misbehaviour a client must survive (the docs promise neither): `stuck_marker` answers every
    page with a `next_marker` that leads back to a page already seen, forever; `list_again(id)`
    lists an account a second time, after the others."""

    def __init__(self, organization_id: str, management_account_id: str) -> None:
        self.organization_id = organization_id
        self.management_account_id = management_account_id
        self._lock = threading.Lock()
        self._accounts: list[dict[str, Any]] = []
        self._again: list[str] = []
        self.stuck_marker = False

    def list_again(self, account_id: str) -> None:
        with self._lock:
            self._again.append(account_id)

    def add_account(self, account_id: str, name: str, status: str = "active", join_method: str = "created") -> None:
        if status.lower() not in STATUSES:  # an older page writes the states in upper case
            raise ValueError(f"status must be one of {STATUSES}")
        with self._lock:
            self._accounts.append(
                {
                    "id": account_id,
                    "urn": f"organizations::{self.management_account_id}:account:{self.organization_id}/{account_id}",
                    "join_method": join_method,
                    "status": status,
                    "joined_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "name": name,
                }
            )

    def set_status(self, account_id: str, status: str) -> None:
        if status.lower() not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        with self._lock:
            for account in self._accounts:
                if account["id"] == account_id:
                    account["status"] = status

    def show_account(self, caller_account: str, account_id: str) -> dict[str, Any]:
        """ShowAccount: `{"account": {...}}` as ListAccounts lists it (contact details only on
        request, which the fake does not model)."""
        if caller_account != self.management_account_id:
            raise ServiceError(401, NOT_MANAGEMENT, NOT_MANAGEMENT_MESSAGE)
        with self._lock:
            found = next((account for account in self._accounts if account["id"] == account_id), None)
            if found is None:
                raise ServiceError(404, ACCOUNT_NOT_FOUND, f"The account {account_id} is not in the organization.")
            return {"account": copy.deepcopy(found)}

    def list_accounts(self, caller_account: str, limit: str | None, marker: str | None) -> dict[str, Any]:
        if caller_account != self.management_account_id:
            raise ServiceError(401, NOT_MANAGEMENT, NOT_MANAGEMENT_MESSAGE)
        size = MAX_LIMIT
        if limit is not None:
            if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
                raise _bad(f"Invalid limit: 1 to {MAX_LIMIT}.")
            size = int(limit)
        with self._lock:
            listing = self._accounts + [a for again in self._again for a in self._accounts if a["id"] == again]
            ids = [account["id"] for account in listing]
            if marker is not None and marker not in ids:
                raise _bad("Invalid marker.")
            start = ids.index(marker) + 1 if marker is not None else 0
            page = copy.deepcopy(listing[start : start + size])
            more = start + size < len(listing)
            stuck = self.stuck_marker
        page_info: dict[str, Any] = {"current_count": len(page)}
        if stuck and ids:  # the first page's marker, again and again
            page_info["next_marker"] = ids[min(size, len(ids)) - 1]
        elif more and page:
            page_info["next_marker"] = page[-1]["id"]
        return {"accounts": page, "page_info": page_info}
