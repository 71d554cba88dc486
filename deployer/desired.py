"""What one deployment should look like in the cloud, derived from the template and the account.

This is where the template's names become the services' values: the function URN, the topic URN
(and so SMN_TOPIC_URN), the custom policies, the trigger event data, the async destination.
Secret values (encrypted_user_data) are held apart and never shown.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from deployer.policy import CustomPolicy, custom_policies
from deployer.template import Template

FUNCTIONGRAPH_TRUST = "op_svc_cff"  # the FunctionGraph service principal an agency delegates to


@dataclass(frozen=True)
class Code:
    """The deployment package: its bytes and the SHA-512 FunctionGraph reports as `digest`."""

    data: bytes = field(repr=False)
    filename: str

    @property
    def digest(self) -> str:
        return hashlib.sha512(self.data).hexdigest()

    def describe(self) -> str:
        return f"{self.filename} ({len(self.data) / 1024 / 1024:.1f} MB, sha512 {self.digest[:12]})"


@dataclass(frozen=True)
class DesiredTrigger:
    type: str  # CTS, TIMER, APIG or EVENTGRID
    name: str
    event_data: Dict[str, Any]

    @property
    def key(self) -> Tuple[str, str]:
        return (self.type, self.name)


@dataclass(frozen=True)
class Desired:
    region: str
    project_id: str
    domain_id: str
    template: Template
    code: Optional[Code]
    secrets: Mapping[str, str] = field(repr=False)
    triggers: List[DesiredTrigger]
    skipped: List[Tuple[str, str]]  # (trigger name, why)

    @property
    def function_name(self) -> str:
        return self.template.function.name

    @property
    def function_urn(self) -> str:
        spec = self.template.function
        return f"urn:fss:{self.region}:{self.project_id}:function:{spec.app}:{spec.name}:latest"

    @property
    def topic_urn(self) -> str:
        return self.template.topic_urn(self.project_id)

    @property
    def on_failure_topic(self) -> Optional[str]:
        on_failure = self.template.async_invoke.on_failure
        return on_failure.smn_topic if on_failure else None

    @property
    def on_failure_urn(self) -> Optional[str]:
        name = self.on_failure_topic
        return self.template.topic_urn(self.project_id, name) if name else None

    @property
    def policies(self) -> List[CustomPolicy]:
        return custom_policies(self.template.agency.name, self.template.grants())

    @property
    def user_data(self) -> Dict[str, str]:
        return self.template.user_data(self.project_id)

    @property
    def encrypted_names(self) -> List[str]:
        return list(self.template.function.encrypted_user_data)

    @property
    def missing_secrets(self) -> List[str]:
        return [name for name in self.encrypted_names if not self.secrets.get(name)]

    def function_config(self) -> Dict[str, Any]:
        """The body fields of CreateFunction / UpdateFunctionConfig (secret values included)."""
        spec = self.template.function
        secret = {name: self.secrets[name] for name in self.encrypted_names if name in self.secrets}
        return {
            "func_name": spec.name,
            "runtime": spec.runtime,
            "handler": spec.handler,
            "memory_size": spec.memory_size,
            "timeout": spec.timeout,
            "description": spec.description,
            "xrole": self.template.agency.name,
            "user_data": json.dumps(self.user_data, sort_keys=True),
            "encrypted_user_data": json.dumps(secret, sort_keys=True) if secret else "",
        }

    def config_assignments(self) -> List[Dict[str, Any]]:
        """The Config rule's policy assignments (none without a `config_rule` section)."""
        rule = self.template.config_rule
        return rule.assignments(self.function_urn) if rule else []

    def remediation_configs(self) -> Dict[str, Dict[str, Any]]:
        """Config's remediation configuration per assignment name (none without the section)."""
        rule = self.template.config_rule
        return rule.remediations(self.function_urn) if rule else {}

    def async_config(self) -> Dict[str, Any]:
        spec = self.template.async_invoke
        body: Dict[str, Any] = {
            "max_async_retry_attempts": spec.max_async_retry_attempts,
            "max_async_event_age_in_seconds": spec.max_async_event_age_in_seconds,
        }
        if self.on_failure_urn:
            body["on_failure"] = {"destination": "SMN", "param": json.dumps({"topic_urn": self.on_failure_urn})}
        return body


def build_desired(
    template: Template,
    project_id: str,
    domain_id: str,
    code: Optional[Code],
    environ: Mapping[str, str],
) -> Desired:
    """`environ` supplies the encrypted_user_data values (the deployer's own environment)."""
    secrets = {name: environ[name] for name in template.function.encrypted_user_data if environ.get(name)}
    triggers: List[DesiredTrigger] = []
    skipped: List[Tuple[str, str]] = []
    for cts in template.cts_triggers:
        reason = template.skip_reason(cts)
        if reason:
            skipped.append((cts.name, reason))
        else:
            triggers.append(DesiredTrigger("CTS", cts.name, {"name": cts.name, "operations": list(cts.operations)}))
    for timer in template.timer_triggers:
        data = {"name": timer.name, "schedule_type": "Cron", "schedule": timer.cron, "user_event": timer.user_event}
        triggers.append(DesiredTrigger("TIMER", timer.name, data))
    for other in template.api_triggers:
        triggers.append(DesiredTrigger(other.type, other.name, other.event_data()))
    return Desired(template.region, project_id, domain_id, template, code, secrets, triggers, skipped)
