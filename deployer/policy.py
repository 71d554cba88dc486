"""The agency's permissions, derived from the function's configuration.

What a function with a given set of variables can call, and nothing else:

- always: CreateTracker and ListTrackers (`cts:tracker:create`, `cts:tracker:list`), the
  project listing (`iam:projects:listProjects`), ListBuckets (`obs:bucket:ListAllMyBuckets`)
  and HEAD bucket (`obs:bucket:HeadBucket`, a bucket's region when the listing lacks it, on any
  bucket); `smn:topic:publish` when a topic is configured;
- `cts:tracker:update` only with `REMEDIATE_DRIFT=true`;
- the CreateTracker page's dependencies only where the request needs them: the transfer
  bucket's ACL actions (CTS authorises the bucket for its deliveries) and, with
  `TRACE_LIFECYCLE_DAYS`, its lifecycle actions, all scoped to that one bucket
  (`obs:*:*:bucket:<TRACE_BUCKET>`); LTS actions only with `ENABLE_LTS`; `kms:cmk:list` only
  with `KMS_KEY_ID`. Never `obs:bucket:CreateBucket`: requests always say `is_obs_created: false`.
- with `ORGANIZATION_SWEEP=true`: the account listing (`organizations:accounts:list`, the
  coordinator's) and reading one account (`organizations:accounts:get`, a member invocation's
  check of its account), assuming
  the member agency and nothing else (`sts:agencies:assume` on `MEMBER_AGENCY_NAME`), and queueing
  this function's own invocations (`functiongraph:function:invokeAsync` on this function).
  STS GetCallerIdentity needs no permission. The member agency (`member_grants`) holds the tracker
  work alone: no SMN, no Organizations, no FunctionGraph.
- with `REPORT_BUCKET`: writing and reading objects under `REPORT_PREFIX` in that bucket
  (`obs:object:PutObject`, `obs:object:GetObject` on `obs:*:*:object:<bucket>/<prefix>*`), and
  with `ORGANIZATION_SWEEP` listing that bucket (`obs:bucket:ListBucket`), nothing else;
- with the template's `config_rule` section: reporting compliance to Config
  (`rms:policyStates:update`).

IAM requires a custom policy to hold actions of one scope only: global services (type AX) or
region-specific projects (type XA), so the grants become up to two policies, each with one
Allow statement per resource scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from autotracker.cloud.services import GLOBAL, SERVICES, iam_action
from autotracker.settings import ACCOUNT_PLACEHOLDER, FUNCTION_URN, Settings

GLOBAL_SERVICES: Tuple[str, ...] = tuple(service.name for service in SERVICES if service.scope == GLOBAL)
POLICY_VERSION = "1.1"
MAX_ACTIONS_PER_STATEMENT = 100
TRANSFER_BUCKET_ACL = ("obs:bucket:GetBucketAcl", "obs:bucket:PutBucketAcl")
TRANSFER_BUCKET_LIFECYCLE = ("obs:bucket:GetLifecycleConfiguration", "obs:bucket:PutLifecycleConfiguration")
LTS_ACTIONS = ("lts:groups:list", "lts:groups:create", "lts:topics:list", "lts:topics:create")


@dataclass(frozen=True, order=True)
class Grant:
    """One action, on one resource (None: every resource the action applies to)."""

    action: str
    resource: Optional[str] = None

    def describe(self) -> str:
        return f"{self.action} on {self.resource or 'all resources'}"


def bucket_resource(bucket: str) -> str:
    """`{account_id}` in TRACE_BUCKET becomes `*`: every account's own transfer bucket."""
    return f"obs:*:*:bucket:{bucket.replace(ACCOUNT_PLACEHOLDER, '*')}"


def agency_resource(agency: str) -> str:
    return f"sts:*:*:agency:{agency}"


def function_resource(settings: Settings, package: str = "default", name: str = "*") -> str:
    """This function, from FUNCTION_URN when set, else from the deployment's package and name."""
    urn = FUNCTION_URN.match(settings.function_urn or "")
    if urn:
        return f"functiongraph:{urn['region']}:*:function:{urn['package']}/{urn['name']}"
    return f"functiongraph:{settings.region}:*:function:{package}/{name}"


def report_resource(bucket: str, prefix: str) -> str:
    return f"obs:*:*:object:{bucket}/{prefix}*"


def grants_for(
    settings: Settings, function: Tuple[str, str] = ("default", "*"), config_rule: bool = False
) -> List[Grant]:
    """Every permission a function configured with `settings` needs (see the module docstring);
    `function` is its (package, name), for the organization fan-out's one invocable function;
    `config_rule` says whether it is a Config custom rule's function."""
    grants = member_grants(settings)
    if settings.smn_topic_urn:
        grants.append(Grant(iam_action("smn", "PublishMessage")))
    if settings.report_bucket:
        reports = report_resource(settings.report_bucket, settings.report_prefix)
        grants.append(Grant(iam_action("obs", "PutObject"), reports))
        grants.append(Grant(iam_action("obs", "GetObject"), reports))  # chain pointers, the run's summaries
        if settings.organization_sweep:  # the organization report lists its run's summaries
            grants.append(Grant(iam_action("obs", "ListObjects"), bucket_resource(settings.report_bucket)))
    if config_rule:
        grants.append(Grant(iam_action("rms", "UpdatePolicyState")))
    if settings.organization_sweep:
        grants.append(Grant(iam_action("organizations", "ListAccounts")))
        grants.append(Grant(iam_action("organizations", "ShowAccount")))
        grants.append(Grant(iam_action("sts", "AssumeAgency"), agency_resource(settings.member_agency_name)))
        grants.append(Grant(iam_action("functiongraph", "AsyncInvokeFunction"), function_resource(settings, *function)))
    return sorted(grants)


def member_grants(settings: Settings) -> List[Grant]:
    """What the tracker work needs in an account: the function's own, or a member's agency."""
    actions = [
        iam_action("cts", "CreateTracker"),
        iam_action("cts", "ListTrackers"),
        iam_action("iam", "KeystoneListProjects"),
    ]
    actions += [iam_action("obs", "ListBuckets"), iam_action("obs", "GetBucketMetadata")]
    if settings.remediate_drift:
        actions.append(iam_action("cts", "UpdateTracker"))
    if settings.enable_lts:
        actions.extend(LTS_ACTIONS)
    if settings.kms_key_id:
        actions.append("kms:cmk:list")
    grants = [Grant(action) for action in actions]
    if settings.trace_bucket:
        scoped = TRANSFER_BUCKET_ACL + (TRANSFER_BUCKET_LIFECYCLE if settings.trace_lifecycle_days is not None else ())
        grants.extend(Grant(action, bucket_resource(settings.trace_bucket)) for action in scoped)
    return grants


REMEDIATION_READ = (
    "rms:policyAssignmentsRemediation:getRemediationConfiguration",
    "rms:policyAssignmentsRemediation:deleteRemediationConfiguration",
)
REMEDIATION_WRITE = ("rms:policyAssignmentsRemediation:putRemediationConfiguration",)
REMEDIATION_PUT_DEPENDENCIES = ("iam:agencies:pass", "iam:agencies:createServiceLinkedAgencyV5")


def remediation_grants(template: Any) -> List[Grant]:
    """What the *deployer's* identity needs for Config remediation configurations (the function's
    agency needs nothing new: a remediation invocation does the tracker work it already may).
    With a `config_rule`: reading and deleting them (finding one left by an earlier template,
    --destroy); with `config_rule.remediation` also CreateOrUpdateRemediationConfiguration and
    the dependencies its API page lists. Action names are those of the API pages."""
    rule = template.config_rule
    if rule is None:
        return []
    actions = list(REMEDIATION_READ)
    if rule.remediation is not None:
        actions += [*REMEDIATION_WRITE, *REMEDIATION_PUT_DEPENDENCIES]
    return sorted(Grant(action) for action in actions)


@dataclass(frozen=True)
class CustomPolicy:
    """One custom policy as the deployer wants it."""

    display_name: str
    type: str  # AX: global services, XA: region-specific projects
    grants: Tuple[Grant, ...]

    @property
    def actions(self) -> Tuple[str, ...]:
        return tuple(sorted({grant.action for grant in self.grants}))

    @property
    def description(self) -> str:
        scope = "global services" if self.type == "AX" else "region-specific projects"
        return f"cts-autotracker least-privilege policy ({scope}); managed by scripts/deploy.py"

    def statements(self) -> List[Dict[str, Any]]:
        """One Allow statement per resource scope: unscoped actions first, then each resource."""
        by_resource: Dict[Optional[str], List[str]] = {}
        for grant in self.grants:
            by_resource.setdefault(grant.resource, []).append(grant.action)
        out = []
        for resource in sorted(by_resource, key=lambda r: (r is not None, r or "")):
            statement: Dict[str, Any] = {"Effect": "Allow", "Action": sorted(by_resource[resource])}
            if resource is not None:
                statement["Resource"] = [resource]
            out.append(statement)
        return out

    def document(self) -> Dict[str, Any]:
        """The policy body (`Version`/`Statement`)."""
        return {"Version": POLICY_VERSION, "Statement": self.statements()}

    def describe(self) -> str:
        """Every granted action and its resource, for the deploy plan."""
        return "; ".join(grant.describe() for grant in self.grants)


def scope_of(action: str) -> str:
    return "AX" if action.split(":", 1)[0] in GLOBAL_SERVICES else "XA"


def custom_policies(agency_name: str, grants: List[Grant]) -> List[CustomPolicy]:
    """`<agency>-project` (XA) and `<agency>-global` (AX), each only when it has grants."""
    out = []
    for type_, suffix in (("XA", "project"), ("AX", "global")):
        chosen = tuple(sorted(grant for grant in grants if scope_of(grant.action) == type_))
        if len({grant.action for grant in chosen}) > MAX_ACTIONS_PER_STATEMENT:
            raise ValueError(f"more than {MAX_ACTIONS_PER_STATEMENT} {type_} actions")
        if chosen:
            out.append(CustomPolicy(f"{agency_name}-{suffix}", type_, chosen))
    return out


def grants_of_document(document: Dict[str, Any]) -> List[Grant]:
    """The grants an existing policy document holds (Allow statements), to compare with the wanted."""
    grants: set = set()
    for statement in document.get("Statement") or []:
        if statement.get("Effect") != "Allow":
            continue
        resources = statement.get("Resource") or [None]
        for action in statement.get("Action") or []:
            grants.update(Grant(str(action), None if r is None else str(r)) for r in resources)
    return sorted(grants)
