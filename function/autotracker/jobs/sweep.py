"""The job of a timer, manual, APIG or fan-out request: a sweep of this account, of one member
account, or of the whole organization (queued per account)."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Tuple

from ..contract import TargetResult
from ..pipeline.sweep import account_sweep

if TYPE_CHECKING:
    from ..invocation import Run
    from ..outputs.reports import ReportObjects


def perform_with_report(run: Run) -> Optional[Tuple[List[TargetResult], Optional[ReportObjects]]]:
    """`{"action": "report", "run_id": R}`: the organization report it wrote, with one result per
    account (organization/report.py); None for every other request."""
    manual = run.work.manual
    if not (manual and manual.action == "report" and manual.run_id):
        return None
    from ..organization.report import perform_report

    return perform_report(run, manual.run_id)


def perform(run: Run) -> List[TargetResult]:
    """A member account's (`account_id`), the organization's (ORGANIZATION_SWEEP, not for named
    buckets or projects, which are this account's), or this account's."""
    manual, request = run.work.manual, run.work.request
    if request and request.account_id:
        from ..organization.member import member_sweep

        return member_sweep(run, request.account_id)
    if run.settings.organization_sweep and not (manual and (manual.buckets or manual.projects)):
        from ..organization.fanout import coordinate

        return coordinate(run, None)
    return account_sweep(run, run.gateway, run.credentials.project_id or "")


def leaves_report(run: Run) -> bool:
    """A sweep leaves an auditor's report (when REPORT_BUCKET is set); the report request's report
    is the organization's."""
    return not (run.work.manual and run.work.manual.action == "report")
