"""A manual invoke: backfill named buckets/projects or everything, or audit; optionally a dry run.

    {"action": "backfill", "buckets": ["a", "b"], "projects": ["<project id>"]}
    {"action": "backfill", "all": true}
    {"action": "audit"}
    ... any of them with "dry_run": true and/or "regions": ["ap-southeast-1"]
    ... and, in an organization, "account_id": "<member account id>" to act in that account
    (only one the organization checks admit now).
    {"action": "report", "run_id": "<the coordinator's request id>"}: write (again) that
    organization run's report (organization/report.py), in the management account only.
    Otherwise a run id is never the caller's to give: only the coordinator's signed fan-out
    (`fanout.py`) files a sweep under an organization run.

Anything else is refused with a message naming the problem.
"""

from typing import Any, Dict, List, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..pipeline.rules import PROJECT_ID, bucket_name_problem
from ..settings import ACCOUNT_ID, REGION
from .envelopes import EventError, describe

MAX_NAMES = 1000


class ManualRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    action: Literal["backfill", "audit", "report"]
    buckets: List[str] = Field(default_factory=list, max_length=MAX_NAMES)
    projects: List[str] = Field(default_factory=list, max_length=MAX_NAMES)
    all: bool = False
    dry_run: bool = False
    regions: Optional[List[str]] = Field(default=None, min_length=1, max_length=64)
    account_id: Optional[str] = None
    run_id: Optional[str] = Field(default=None, pattern=r"^[A-Za-z0-9_.:-]{1,128}$")

    @model_validator(mode="before")
    @classmethod
    def _no_run(cls, value: Any) -> Any:
        report = isinstance(value, dict) and value.get("action") == "report"
        if isinstance(value, dict) and (("run_id" in value and not report) or "new_account" in value):
            raise ValueError(
                "run_id and new_account are carried only by the coordinator's signed fan-out; "
                'to sweep one account of the organization, send "account_id" alone'
            )
        return value

    @field_validator("account_id")
    @classmethod
    def _account(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not ACCOUNT_ID.match(value):
            raise ValueError(f"account id {value[:80]!r} must be 1-64 letters or digits")
        return value

    @field_validator("buckets")
    @classmethod
    def _buckets(cls, value: List[str]) -> List[str]:
        for name in value:
            problem = bucket_name_problem(name)
            if problem:
                raise ValueError(f"bucket {name[:80]!r} {problem}")
        return list(dict.fromkeys(value))

    @field_validator("projects")
    @classmethod
    def _projects(cls, value: List[str]) -> List[str]:
        for project_id in value:
            if not PROJECT_ID.match(project_id):
                raise ValueError(f"project id {project_id[:80]!r} must be 1-64 letters, digits or '-'")
        return list(dict.fromkeys(value))

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: Optional[List[str]]) -> Optional[List[str]]:
        for region in value or []:
            if not REGION.match(region):
                raise ValueError(f"{region[:80]!r} is not a region id")
        return value

    @model_validator(mode="after")
    def _scope(self) -> "ManualRequest":
        if self.action == "report":
            others = self.buckets or self.projects or self.all or self.dry_run or self.regions or self.account_id
            if self.run_id is None or others:
                raise ValueError('report takes "run_id" (the organization run\'s id) and nothing else')
            return self
        named = bool(self.buckets or self.projects)
        if self.action == "backfill" and named == self.all:
            raise ValueError('backfill needs either "buckets"/"projects" or "all": true (not both)')
        return self


def parse_manual(event: Dict[str, Any]) -> ManualRequest:
    try:
        return ManualRequest.model_validate(event)
    except ValidationError as error:
        raise EventError("invalid manual request: " + "; ".join(describe(item) for item in error.errors())) from None
