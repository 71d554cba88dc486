"""Desired vs actual -> the list of changes, per resource, with the fields that differ (pure).

Actions: create, update, replace (a trigger whose definition changed: delete + create), delete (a
trigger of the function no longer in the template; everything on --destroy), unchanged, skip
(cannot work here, with the reason), blocked (cannot be changed in place; apply refuses the
whole plan), left_alone (exists but is not the deployment's) and kept (--destroy never removes
it: the trackers and the buckets are the audit trail). Secret values never appear: the
encrypted variables are compared and shown by name only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from deployer import remediation
from deployer.actual import Actual, encrypted_names
from deployer.desired import FUNCTIONGRAPH_TRUST, Desired, DesiredTrigger
from deployer.policy import CustomPolicy, grants_of_document

CREATE, UPDATE, REPLACE, DELETE, UNCHANGED, SKIP, BLOCKED, LEFT_ALONE, KEPT = (
    "create",
    "update",
    "replace",
    "delete",
    "unchanged",
    "skip",
    "blocked",
    "left_alone",
    "kept",
)
PENDING = (CREATE, UPDATE, REPLACE, DELETE)
_SYMBOL = {
    CREATE: "+",
    UPDATE: "~",
    REPLACE: "-/+",
    DELETE: "-",
    UNCHANGED: "=",
    SKIP: "?",
    BLOCKED: "!",
    LEFT_ALONE: ".",
    KEPT: "#",
}


@dataclass(frozen=True)
class Diff:
    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.field}: {self.old} -> {self.new}"


@dataclass(frozen=True)
class Change:
    resource: str  # smn_topic, agency, custom_policy, grant, function, async_invoke, trigger, config_rule, remediation
    name: str
    action: str
    diffs: Tuple[Diff, ...] = ()
    reason: str = ""
    details: Tuple[str, ...] = ()  # one line each under the change (a policy's grants)

    def render(self, width: int = 40) -> List[str]:
        head = f"  {_SYMBOL[self.action]:>3} {self.resource:<14} {self.name:<{width}} {self.action}"
        lines = [head + (f": {self.reason}" if self.reason else "")]
        lines.extend(f"        {diff}" for diff in self.diffs)
        lines.extend(f"        {detail}" for detail in self.details)
        return lines


@dataclass
class Plan:
    region: str
    project_id: str
    changes: List[Change] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)

    def of(self, resource: str, name: Optional[str] = None) -> List[Change]:
        return [c for c in self.changes if c.resource == resource and name in (None, c.name)]

    @property
    def pending(self) -> List[Change]:
        return [change for change in self.changes if change.action in PENDING]

    @property
    def blocked(self) -> List[Change]:
        return [change for change in self.changes if change.action == BLOCKED]

    def summary(self) -> str:
        counts: Dict[str, int] = {}
        for change in self.changes:
            counts[change.action] = counts.get(change.action, 0) + 1
        order = (CREATE, UPDATE, REPLACE, DELETE, UNCHANGED, SKIP, LEFT_ALONE, KEPT, BLOCKED)
        return ", ".join(f"{counts[action]} {action.replace('_', ' ')}" for action in order if counts.get(action))

    def render(self) -> str:
        lines = [f"Plan for region {self.region} (project {self.project_id}):"]
        width = max([len(change.name) for change in self.changes] + [20])
        for change in self.changes:
            lines.extend(change.render(width))
        lines.extend(f"  note: {note}" for note in self.notes)
        lines.append(f"Summary: {self.summary()}.")
        return "\n".join(lines)


def _show(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else repr(value)


def make_plan(desired: Desired, actual: Actual, rotate_secrets: bool = False) -> Plan:
    plan = Plan(desired.region, desired.project_id)
    plan.changes.extend(_topics(desired, actual))
    plan.changes.extend(_agency(desired, actual))
    plan.changes.extend(_function(desired, actual, rotate_secrets))
    plan.changes.append(_async(desired, actual))
    plan.changes.extend(_triggers(desired, actual))
    plan.changes.extend(_config_rule(desired, actual))
    plan.changes.extend(_remediations(desired, actual))
    if desired.missing_secrets:
        plan.notes.append(
            "encrypted_user_data " + ", ".join(desired.missing_secrets) + " not set in your environment: "
            "apply stops before creating or reconfiguring the function"
        )
    return plan


ASSIGNMENT_FIELDS = ("description", "period", "policy_filter", "custom_policy", "parameters")


def _config_rule(desired: Desired, actual: Actual) -> List[Change]:
    """One change per Config policy assignment: created, updated where a managed field differs."""
    out = []
    for body in desired.config_assignments():
        have = actual.assignments.get(body["name"])
        if have is None:
            when = (
                f"every {body['period']}"
                if "period" in body
                else "on changes to " + "/".join(body["policy_filter"].values())
            )
            out.append(Change("config_rule", body["name"], CREATE, reason=when))
            continue
        diffs = tuple(
            Diff(name, _show(have.get(name)), _show(body.get(name)))
            for name in ASSIGNMENT_FIELDS
            if _assignment_value(name, have.get(name)) != _assignment_value(name, body.get(name))
        )
        out.append(Change("config_rule", body["name"], UPDATE if diffs else UNCHANGED, diffs))
    return out


def _remediations(desired: Desired, actual: Actual) -> List[Change]:
    """One change per assignment's remediation configuration: created or updated to the
    template's, or deleted when the template no longer has a `remediation` section."""
    wanted = desired.remediation_configs()
    out = []
    for body in desired.config_assignments():
        name = body["name"]
        want, have = remediation.managed(wanted.get(name)), remediation.managed(actual.remediations.get(name))
        if want is None:
            if have is not None:
                out.append(Change("remediation", name, DELETE, reason="no config_rule.remediation in the template"))
            continue
        if have is None:
            mode = "automatic" if want["automatic"] else "manual"
            reason = (
                f"{mode}, target fgs {want['target_id']}, {want['maximum_attempts']} attempts "
                f"in {want['retry_attempt_seconds']} s"
            )
            out.append(Change("remediation", name, CREATE, reason=reason))
            continue
        diffs = tuple(Diff(key, _show(have[key]), _show(want[key])) for key in want if have[key] != want[key])
        out.append(Change("remediation", name, UPDATE if diffs else UNCHANGED, diffs))
    return out


def _assignment_value(name: str, value: Any) -> Any:
    """What is compared: Config may add fields to custom_policy on its side, and an absent
    filter, period or parameter set reads back empty."""
    if name == "custom_policy" and isinstance(value, dict):
        return {key: value.get(key) for key in ("function_urn", "auth_type", "auth_value")}
    return value or None


def _topics(desired: Desired, actual: Actual) -> List[Change]:
    name = desired.template.smn_topic.name
    topic = actual.topics.get(name)
    out = []
    if topic is None:
        out.append(Change("smn_topic", name, CREATE, reason=f"urn {desired.topic_urn}"))
    else:
        diffs: Tuple[Diff, ...] = ()
        if topic.get("display_name") != desired.template.smn_topic.display_name:
            diffs = (
                Diff("display_name", _show(topic.get("display_name")), _show(desired.template.smn_topic.display_name)),
            )
        out.append(
            Change(
                "smn_topic",
                name,
                LEFT_ALONE if diffs else UNCHANGED,
                diffs,
                "display_name is not managed after creation" if diffs else "",
            )
        )
    other = desired.on_failure_topic
    if other and other != name and other not in actual.topics:
        out.append(
            Change(
                "smn_topic",
                other,
                BLOCKED,
                reason="async_invoke.on_failure names a topic that does not exist in this region",
            )
        )
    return out


def _agency(desired: Desired, actual: Actual) -> List[Change]:
    name = desired.template.agency.name
    out: List[Change] = []
    if actual.agency is None:
        out.append(Change("agency", name, CREATE, reason=f"trusts {FUNCTIONGRAPH_TRUST} (FunctionGraph)"))
    elif actual.agency.get("trust_domain_name") != FUNCTIONGRAPH_TRUST:
        trust = actual.agency.get("trust_domain_name")
        out.append(
            Change(
                "agency",
                name,
                BLOCKED,
                reason=f"exists but trusts {trust!r}, not {FUNCTIONGRAPH_TRUST}: rename agency.name or delete it",
            )
        )
    else:
        out.append(Change("agency", name, UNCHANGED))
    for policy in desired.policies:
        role = actual.policies.get(policy.display_name)
        if role is None:
            out.append(
                Change("custom_policy", policy.display_name, CREATE, reason=policy.type, details=_grants(policy))
            )
        else:
            diffs = []
            if role.get("type") != policy.type:
                diffs.append(Diff("type", _show(role.get("type")), _show(policy.type)))
            have = set(grants_of_document(role.get("policy") or {}))
            want = set(policy.grants)
            if have != want:
                removed = "; ".join(g.describe() for g in sorted(have - want))
                added = "; ".join(g.describe() for g in sorted(want - have))
                diffs.append(Diff("grants", "-" + removed if removed else "-", "+" + added if added else "+"))
            if (role.get("policy") or {}).get("Statement") != policy.statements():
                diffs.append(
                    Diff("statements", str(_statements(role)), f"{len(policy.statements())} Allow statement(s)")
                )
            action = UPDATE if diffs else UNCHANGED
            out.append(Change("custom_policy", policy.display_name, action, tuple(diffs), details=_grants(policy)))
        granted = role is not None and actual.agency is not None and role.get("id") in actual.grants
        reason = f"to {name} on all resources (every project, and global services)"
        out.append(Change("grant", policy.display_name, UNCHANGED if granted else CREATE, reason=reason))
    return out


def _grants(policy: CustomPolicy) -> Tuple[str, ...]:
    return tuple(f"grants {grant.describe()}" for grant in policy.grants)


def _statements(role: Dict[str, Any]) -> int:
    return len((role.get("policy") or {}).get("Statement") or [])


def _function(desired: Desired, actual: Actual, rotate_secrets: bool) -> List[Change]:
    name = desired.function_name
    spec = desired.template.function
    code = desired.code
    if actual.function is None:
        detail = f"{spec.runtime}, {spec.memory_size} MB, {spec.timeout} s"
        detail += f", code {code.describe()}" if code else ""
        return [Change("function", name, CREATE, reason=detail)]
    have = actual.function
    if have.get("runtime") != spec.runtime:
        return [
            Change(
                "function",
                name,
                BLOCKED,
                (Diff("runtime", _show(have.get("runtime")), _show(spec.runtime)),),
                "FunctionGraph cannot change a function's runtime: delete the function or rename function.name",
            )
        ]
    diffs: List[Diff] = []
    for field_, key, want in (
        ("handler", "handler", spec.handler),
        ("memory_size", "memory_size", spec.memory_size),
        ("timeout", "timeout", spec.timeout),
        ("description", "description", spec.description),
        ("agency", "xrole", desired.template.agency.name),
    ):
        if (have.get(key) or ("" if isinstance(want, str) else None)) != want:
            diffs.append(Diff(field_, _show(have.get(key)), _show(want)))
    diffs.extend(_environment_diffs(_user_data(have.get("user_data")), desired.user_data))
    names = encrypted_names(have)
    want_names = sorted(desired.encrypted_names)
    if names is not None and names != want_names:
        diffs.append(Diff("encrypted_user_data (names)", _show(names), _show(want_names)))
    elif rotate_secrets and want_names:
        diffs.append(Diff("encrypted_user_data", "(values not shown)", "re-sent (--rotate-secrets)"))
    if code is not None and have.get("digest") != code.digest:
        old = f"sha512 {str(have.get('digest') or '')[:12]} ({have.get('code_size')} bytes)"
        diffs.append(Diff("code", old, code.describe()))
    return [Change("function", name, UPDATE if diffs else UNCHANGED, tuple(diffs))]


def _user_data(raw: Any) -> Dict[str, str]:
    try:
        parsed = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _environment_diffs(have: Dict[str, str], want: Dict[str, str]) -> List[Diff]:
    diffs = []
    for key in sorted(set(have) | set(want)):
        if have.get(key) != want.get(key):
            old = _show(have[key]) if key in have else "(unset)"
            new = _show(want[key]) if key in want else "(unset)"
            diffs.append(Diff(f"user_data.{key}", old, new))
    return diffs


def _async(desired: Desired, actual: Actual) -> Change:
    name = desired.function_name
    want = desired.async_config()
    have = actual.async_config
    if have is None:
        return Change("async_invoke", name, CREATE, reason=_async_summary(want))
    diffs = []
    for key in ("max_async_retry_attempts", "max_async_event_age_in_seconds"):
        if have.get(key) != want[key]:
            diffs.append(Diff(key, _show(have.get(key)), _show(want[key])))
    have_failure = _destination((have.get("destination_config") or {}).get("on_failure"))
    want_failure = _destination(want.get("on_failure"))
    if have_failure != want_failure:
        diffs.append(Diff("on_failure", have_failure or "(none)", want_failure or "(none)"))
    return Change("async_invoke", name, UPDATE if diffs else UNCHANGED, tuple(diffs))


def _destination(value: Any) -> str:
    if not value:
        return ""
    try:
        param = json.loads(value.get("param") or "{}")
    except ValueError:
        param = {}
    return f"{value.get('destination')} {param.get('topic_urn', '')}".strip()


def _async_summary(body: Dict[str, Any]) -> str:
    failure = _destination(body.get("on_failure")) or "no on_failure destination"
    retries, age = body["max_async_retry_attempts"], body["max_async_event_age_in_seconds"]
    return f"{retries} retries, events kept {age} s, on_failure {failure}"


def _trigger_definition(trigger: Dict[str, Any]) -> Dict[str, Any]:
    data = trigger.get("event_data") or {}
    if trigger.get("trigger_type_code") == "CTS":
        return {"status": trigger.get("trigger_status"), "operations": sorted(data.get("operations") or [])}
    if trigger.get("trigger_type_code") in ("APIG", "EVENTGRID"):  # what the template sets, compared as is
        return {"status": trigger.get("trigger_status"), **{k: v for k, v in data.items() if k in _SET_BY_TEMPLATE}}
    return {
        "status": trigger.get("trigger_status"),
        "schedule_type": data.get("schedule_type"),
        "schedule": data.get("schedule"),
        "user_event": data.get("user_event") or "",
    }


_SET_BY_TEMPLATE = (
    "group_id",
    "instance_id",
    "env_name",
    "env_id",
    "path",
    "req_method",
    "protocol",
    "auth",
    "match_mode",
    "type",
    "channel_id",
    "channel_name",
    "source_name",
    "event_types",
    "agency",
)


def _triggers(desired: Desired, actual: Actual) -> List[Change]:
    out: List[Change] = []
    existing = {(t["trigger_type_code"], (t.get("event_data") or {}).get("name")): t for t in actual.triggers}
    wanted = {trigger.key for trigger in desired.triggers}
    for trigger in desired.triggers:
        label = f"{trigger.type} {trigger.name}"
        found = existing.get(trigger.key)
        if found is None:
            out.append(Change("trigger", label, CREATE, reason=_describe(trigger)))
            continue
        have = _trigger_definition(found)
        want = _trigger_definition(
            {"trigger_type_code": trigger.type, "trigger_status": "ACTIVE", "event_data": trigger.event_data}
        )
        diffs = tuple(Diff(key, _show(have.get(key)), _show(want[key])) for key in want if have.get(key) != want[key])
        out.append(
            Change("trigger", label, REPLACE if diffs else UNCHANGED, diffs, "delete and create" if diffs else "")
        )
    for name, reason in desired.skipped:
        out.append(Change("trigger", f"CTS {name}", SKIP, reason=reason))
    for key in sorted(existing, key=str):
        if key not in wanted:
            out.append(Change("trigger", f"{key[0]} {key[1]}", DELETE, reason="no longer in the template"))
    return out


def destroy_plan(desired: Desired, actual: Actual) -> Plan:
    """Everything this deployment created, in the order it goes: the Config rule (its remediation
    configurations first), the triggers,
    the function, the grants, the agency, the custom policies and the report topic. Never the
    trackers the function created, the transfer or report buckets, or an on-failure topic the
    template did not create."""
    plan = Plan(desired.region, desired.project_id)
    for body in desired.config_assignments():
        if body["name"] in actual.remediations:
            plan.changes.append(Change("remediation", body["name"], DELETE))
    for body in desired.config_assignments():
        if body["name"] in actual.assignments:
            plan.changes.append(Change("config_rule", body["name"], DELETE))
    if actual.function is not None:
        for trigger in actual.triggers:
            name = (trigger.get("event_data") or {}).get("name")
            plan.changes.append(Change("trigger", f"{trigger['trigger_type_code']} {name}", DELETE))
        plan.changes.append(Change("function", desired.function_name, DELETE, reason=desired.function_urn))
    wanted = {policy.display_name for policy in desired.policies}
    if actual.agency is not None:
        for role_id in sorted(actual.grants):
            role = next((r for r in actual.policies.values() if r.get("id") == role_id), None)
            if role is not None:
                plan.changes.append(
                    Change("grant", role["display_name"], DELETE, reason=f"from {actual.agency['name']}")
                )
        plan.changes.append(Change("agency", actual.agency["name"], DELETE))
    for name in sorted(wanted & set(actual.policies)):
        plan.changes.append(Change("custom_policy", name, DELETE))
    if desired.template.smn_topic.name in actual.topics:
        plan.changes.append(Change("smn_topic", desired.template.smn_topic.name, DELETE, reason=desired.topic_urn))
    settings = desired.template.settings()
    kept = [("trackers", "every CTS tracker the function created: they are the audit trail")]
    if settings.trace_bucket:
        kept.append(("obs_bucket", f"{settings.trace_bucket} (TRACE_BUCKET: the trace files)"))
    if settings.report_bucket:
        kept.append(("obs_bucket", f"{settings.report_bucket} (REPORT_BUCKET: the auditor's reports)"))
    other = desired.on_failure_topic
    if other and other != desired.template.smn_topic.name:
        kept.append(("smn_topic", f"{other} (async_invoke.on_failure: not created by this deployment)"))
    plan.changes.extend(Change(resource, name, KEPT, reason="never deleted") for resource, name in kept)
    return plan


def _describe(trigger: DesiredTrigger) -> str:
    data = trigger.event_data
    if trigger.type == "CTS":
        return "operations " + ", ".join(data["operations"])
    if trigger.type == "APIG":
        return f"{data['req_method']} {data['path']} in API group {data['group_id']}, {data['auth']} authentication"
    if trigger.type == "EVENTGRID":
        return f"{data['source_name']} {', '.join(data['event_types'])} on channel {data['channel_name']}"
    return f"cron {data['schedule']!r}"
