"""From a CTS trace to what is wanted: "this bucket / project / new member account must be covered".

Traces of failed operations and of other operations become `skipped` results;
a trace that claims a creation but lacks a usable name or id becomes `failed`
with a reason, so nothing is sent for it.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Union

from pydantic import ValidationError

from ..contract import ErrorCode, Kind, Target, TargetResult, failed, skipped
from ..events.cts import CtsTrace
from ..events.envelopes import Rejected
from ..settings import ACCOUNT_ID, REGION
from ..untrusted import shown
from .plan import Wanted
from .rules import PROJECT_ID, bucket_name_problem

BUCKET_CREATED = ("obs", "bucket", "createbucket")
PROJECT_CREATED = ("iam", "project", "createproject")
# Organizations' traces of an account created in or joining the organization (Organizations user
# guide, "Key Operations Recorded by CTS"): the new account's sweep is dispatched for them.
ACCOUNT_JOINED = frozenset(
    {
        ("organizations", "account", "createaccount"),
        ("organizations", "account", "createaccountv2"),
        ("organizations", "account", "inviteaccount"),
        ("organizations", "handshake", "accepthandshake"),
    }
)


def wanted_from_trace(raw: Any, default_project_id: Optional[str], region: str) -> Union[Wanted, TargetResult]:
    if isinstance(raw, Rejected):  # a malformed CloudEvent in a batch
        return failed(None, ErrorCode.INVALID_EVENT, raw.reason)
    if not isinstance(raw, dict):
        return failed(None, ErrorCode.INVALID_EVENT, "a CTS trace must be a JSON object")
    try:
        trace = CtsTrace.model_validate(raw)
    except ValidationError as error:  # only reachable through odd types the tolerant parser refuses
        return failed(None, ErrorCode.INVALID_EVENT, f"unreadable CTS trace: {error.error_count()} problem(s)")
    key = tuple((part or "").lower() for part in (trace.service_type, trace.resource_type, trace.trace_name))
    if key == BUCKET_CREATED:
        return _bucket_wanted(trace, default_project_id, region)
    if key == PROJECT_CREATED:
        return _project_wanted(trace)
    if key in ACCOUNT_JOINED:
        return _account_wanted(trace)
    return skipped(None, f"{trace.operation} is neither a bucket nor a project creation")


def _bucket_wanted(trace: CtsTrace, default_project_id: Optional[str], region: str) -> Union[Wanted, TargetResult]:
    name = trace.resource_name or trace.resource_id
    project_id = trace.project_id or default_project_id
    problem = bucket_name_problem(name) if name is not None else ""
    valid_id = project_id is not None and bool(PROJECT_ID.match(project_id))
    target = Target(
        kind=Kind.BUCKET,
        name=None if name is None else (shown(name, 80) if problem else name),
        project_id=project_id if valid_id else (shown(project_id, 80) if project_id else None),
        region=region,
    )
    failure = trace.failure()
    if failure:
        return skipped(target, failure)
    if name is None:
        return failed(
            target, ErrorCode.INVALID_EVENT, "createBucket trace carries no bucket name (resource_name/resource_id)"
        )
    if problem:  # OBS itself would have refused it: there is no such bucket to track
        return skipped(target, f"bucket name {shown(name, 80)!r} is not a valid OBS bucket name: it {problem}")
    if not valid_id:
        return failed(target, ErrorCode.INVALID_EVENT, "no valid project id in the trace or the runtime")
    return Wanted(target, _source(trace))


def _project_wanted(trace: CtsTrace) -> Union[Wanted, TargetResult]:
    project = _dict(trace.response.get("project"))
    requested = _dict(trace.request.get("project"))
    project_id = _str(project.get("id")) or trace.resource_id
    name = _str(requested.get("name")) or _str(project.get("name")) or trace.resource_name
    region = name.split("_", 1)[0] if name else None
    valid_id = project_id is not None and bool(PROJECT_ID.match(project_id))
    valid_region = region is not None and bool(REGION.match(region))
    target = Target(
        kind=Kind.PROJECT,
        name=shown(name, 80) if name else None,
        project_id=project_id if valid_id or project_id is None else shown(project_id, 80),
        region=region if valid_region or region is None else shown(region, 40),
    )
    failure = trace.failure()
    if failure:
        return skipped(target, failure)
    if not valid_id:
        return failed(target, ErrorCode.INVALID_EVENT, "createProject trace carries no valid project id")
    if not valid_region:
        return failed(target, ErrorCode.INVALID_EVENT, "cannot tell the new project's region from its name")
    return Wanted(target, _source(trace))


def _account_wanted(trace: CtsTrace) -> Union[Wanted, TargetResult]:
    """The account's id from the answer (CreateAccount may answer before the id exists), the
    trace's resource, for an invitation the invited account, or for an accepted invitation the
    accepting account; else its name, which the coordinator looks up in the organization."""
    if (trace.trace_name or "").lower() == "inviteaccount":
        return _invited(trace)
    response, request = trace.response, trace.request
    status = _dict(response.get("create_account_status"))
    account = _dict(response.get("account")) or _dict(request.get("account"))
    candidates = [_str(status.get("account_id")), _str(account.get("id")), trace.resource_id]
    if trace.resource_type and trace.resource_type.lower() == "handshake":
        candidates = [_str(_dict(trace.user.get("domain")).get("id")), _str(account.get("id"))]
    account_id = next((c for c in candidates if c and ACCOUNT_ID.match(c)), None)
    name = _str(status.get("account_name")) or _str(account.get("name")) or _str(request.get("name"))
    if trace.resource_type and trace.resource_type.lower() == "account":
        name = name or trace.resource_name
    return _account(trace, account_id, name)


def _invited(trace: CtsTrace) -> Union[Wanted, TargetResult]:
    """InviteAccount names the invited account in `target` (its request, and its answer's
    handshake): `entity` is the account's id when `type` is `account`, its name when `type` is
    `name`. The trace's own resource (the handshake) and caller may be either side of the
    invitation, as where it is recorded is not documented, so only the target counts. An invited
    account is no member until it accepts: the coordinator skips it while it is not listed."""
    account_id = name = None
    for target in (_dict(trace.request.get("target")), _dict(_dict(trace.response.get("handshake")).get("target"))):
        kind, entity = (_str(target.get("type")) or "").lower(), _str(target.get("entity"))
        if entity and kind == "account" and ACCOUNT_ID.match(entity):
            account_id = account_id or entity
        elif entity and kind == "name":
            name = name or entity
    return _account(trace, account_id, None if account_id else name, invitation=True)


def _account(
    trace: CtsTrace, account_id: Optional[str], name: Optional[str], invitation: bool = False
) -> Union[Wanted, TargetResult]:
    target = Target(Kind.ACCOUNT, shown(name, 80) if name else None, None, None, account_id)
    failure = trace.failure()
    if failure:
        return skipped(target, failure)
    if account_id is None and name is None:
        return failed(target, ErrorCode.INVALID_EVENT, f"{trace.operation} trace names no account (id or name)")
    return Wanted(target, _source(trace), invitation)


def _source(trace: CtsTrace) -> str:
    return trace.operation + (f" trace {shown(trace.trace_id, 64)}" if trace.trace_id else "")


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> Optional[str]:
    return value.strip() or None if isinstance(value, str) else None
