"""STS (IAM v5): who the caller is, and agencies assumed into other accounts.

An agency can be assumed only when the target account has an agency of that name trusting the
caller's account (by name or id). The issued credentials are registered with the target account
alone: they act there, and nowhere else.
"""

from __future__ import annotations

import re
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional, Protocol

from fakecloud.core.errors import ServiceError

AGENCY_URN = re.compile(r"^iam::(?P<account>[A-Za-z0-9]{1,64}):agency:(?P<name>[A-Za-z0-9_.-]{1,64})$")
SESSION_NAME = re.compile(r"^[A-Za-z0-9_+=,.@-]{2,128}$")
MIN_SECONDS, MAX_SECONDS, MAX_WITH_TOKEN = 900, 43200, 3600
FORBIDDEN = "STS.0403"  # not a documented code: the docs list none for a refused assumption
INVALID = "STS.0400"


class Account(Protocol):
    """What STS needs of an account of the fake."""

    domain_id: str
    domain_name: str

    def agency(self, name: str) -> Optional[dict[str, Any]]: ...

    def add_credentials(self, ak: str, sk: str, security_token: Optional[str] = None) -> None: ...


@dataclass(frozen=True)
class Session:
    """One successful AssumeAgency, for tests to inspect."""

    caller_account: str
    target_account: str
    agency: str
    session_name: str
    duration_seconds: int
    access_key_id: str


def _bad(msg: str) -> ServiceError:
    return ServiceError(400, INVALID, msg)


class StsBackend:
    def __init__(self, me: Account, directory: Optional[Callable[[str], Optional[Account]]] = None) -> None:
        """`directory` finds another account by id (a FakeOrganization sets it); alone, an
        account knows only itself."""
        self.me = me
        self.directory: Callable[[str], Optional[Account]] = directory or (
            lambda account_id: me if account_id == me.domain_id else None
        )
        self._lock = threading.Lock()
        self.sessions: list[Session] = []

    def caller_identity(self) -> dict[str, Any]:
        return {
            "account_id": self.me.domain_id,
            "principal_urn": f"sts::{self.me.domain_id}:assumed-agency:fgs_agency/function",
            "principal_id": uuid.uuid5(uuid.NAMESPACE_DNS, self.me.domain_id).hex,
        }

    def assume_agency(self, body: Any, caller_has_token: bool) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise _bad("The request body must be a JSON object.")
        urn, session, seconds = body.get("agency_urn"), body.get("agency_session_name"), body.get("duration_seconds")
        found = AGENCY_URN.match(urn) if isinstance(urn, str) else None
        if found is None:
            raise _bad("Invalid agency_urn: expected iam::{account_id}:agency:{agency_name}.")
        if not isinstance(session, str) or not SESSION_NAME.match(session):
            raise _bad("Invalid agency_session_name: 2-128 letters, digits or _+=,.@-.")
        seconds = 3600 if seconds is None else seconds
        if not isinstance(seconds, int) or isinstance(seconds, bool) or not MIN_SECONDS <= seconds <= MAX_SECONDS:
            raise _bad(f"Invalid duration_seconds: {MIN_SECONDS} to {MAX_SECONDS}.")
        if caller_has_token and seconds > MAX_WITH_TOKEN:
            raise _bad(f"duration_seconds may be at most {MAX_WITH_TOKEN} with temporary credentials.")
        target = self.directory(found["account"])
        agency = target.agency(found["name"]) if target is not None else None
        # an IAM agency trusts an account by name; a v5 trust policy names its id: either will do
        trusted = agency is not None and agency.get("trust_domain_name") in (self.me.domain_name, self.me.domain_id)
        if target is None or agency is None or not trusted:
            raise ServiceError(403, FORBIDDEN, "You are not authorized to assume this agency.")
        ak, sk, token = "ASIA" + secrets.token_hex(8).upper(), secrets.token_urlsafe(30), secrets.token_urlsafe(96)
        target.add_credentials(ak, sk, token)
        expiration = datetime.now(timezone.utc) + timedelta(seconds=seconds)
        with self._lock:
            self.sessions.append(Session(self.me.domain_id, target.domain_id, found["name"], session, seconds, ak))
        return {
            "credentials": {
                "access_key_id": ak,
                "secret_access_key": sk,
                "security_token": token,
                "expiration": expiration.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            },
            "assumed_agency": {
                "assumed_agency_id": f"{agency['id']}:{session}",
                "urn": f"sts::{target.domain_id}:assumed-agency:{found['name']}/{session}",
            },
        }
