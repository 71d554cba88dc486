"""Where the function's credentials come from: the agency (FunctionGraph) or the environment (local runs).

The secret values are kept out of every repr so they cannot reach logs,
results or exception text by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Optional, Sequence, Tuple

MIN_SECRET_CHARS = 16  # Huawei AKs have 20 characters, SKs 40, tokens hundreds: anything shorter is not one
_EDGE = "A-Za-z0-9"


def scrub(text: str, secrets: Sequence[str]) -> str:
    """Replace whole credential values with `***`: a value standing alone, not the same letters
    inside a longer word, and only values at least as long as a real credential (a short
    "secret" would otherwise eat pieces of ordinary words)."""
    eligible = [secret for secret in secrets if len(secret) >= MIN_SECRET_CHARS and secret in text]
    if not eligible:
        return text
    alternatives = "|".join(re.escape(secret) for secret in sorted(eligible, key=len, reverse=True))
    return re.sub(f"(?<![{_EDGE}])(?:{alternatives})(?![{_EDGE}])", "***", text)


class CredentialsError(Exception):
    """No usable credentials; the message names where they were looked for, never a value."""


@dataclass(frozen=True)
class Credentials:
    ak: str = field(repr=False)
    sk: str = field(repr=False)
    security_token: Optional[str] = field(default=None, repr=False)
    project_id: Optional[str] = None
    account_id: Optional[str] = None  # set for a member account's assumed credentials (no project known)
    kept: Tuple[str, ...] = field(default=(), repr=False)  # other secrets of the invocation (FANOUT_KEY)

    def secrets(self) -> Tuple[str, ...]:
        """Every value the scrubber takes out of outputs: the keys, and the other secrets kept."""
        return tuple(value for value in (self.ak, self.sk, self.security_token, *self.kept) if value)

    def keeping_secret(self, value: Optional[str]) -> "Credentials":
        """These credentials, with `value` scrubbed wherever theirs are."""
        return replace(self, kept=self.kept + (value,)) if value else self


def context_text(context: Any, method: str) -> Optional[str]:
    """A FunctionGraph context getter's value as text, or None when the runtime lacks it."""
    getter = getattr(context, method, None)
    if getter is None:
        return None
    try:
        value = getter()
    except Exception:  # noqa: BLE001 - older runtimes lack some methods
        return None
    return str(value) if value else None


def resolve_credentials(context: Any, environ: Mapping[str, str]) -> Credentials:
    """Agency temporary credentials from `context`, else CLOUD_SDK_AK/SK[/SECURITY_TOKEN]."""
    project_id = (
        context_text(context, "getProjectID")
        or environ.get("RUNTIME_PROJECT_ID")
        or environ.get("CLOUD_SDK_PROJECT_ID")
        or None
    )
    ak = context_text(context, "getSecurityAccessKey")
    sk = context_text(context, "getSecuritySecretKey")
    if ak and sk:
        return Credentials(ak, sk, context_text(context, "getSecurityToken"), project_id)
    ak, sk = environ.get("CLOUD_SDK_AK"), environ.get("CLOUD_SDK_SK")
    if ak and sk:
        return Credentials(ak, sk, environ.get("CLOUD_SDK_SECURITY_TOKEN") or None, project_id)
    raise CredentialsError(
        "no credentials: give the function an agency (context.getSecurityAccessKey/SecretKey/Token) "
        "or set CLOUD_SDK_AK and CLOUD_SDK_SK"
    )
