"""IAM: the account's projects (KeystoneListProjects)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .clients import Core, json_object


class Iam(Core):
    def list_projects(
        self, region: str, project_id: str, page_size: int = 1000, name: Optional[str] = None
    ) -> List[Dict[str, Any]]:
        """Every project of the account, page by page (IAM KeystoneListProjects); with `name`,
        only the project of that name (one call: a region's main project is named for it)."""
        from huaweicloudsdkiam.v3.model.keystone_list_projects_request import KeystoneListProjectsRequest

        client = self._iam(region, project_id)
        projects: List[Dict[str, Any]] = []
        page = 1
        while True:
            request = KeystoneListProjectsRequest(name=name, page=page, per_page=page_size)

            def call(request: Any = request) -> Dict[str, Any]:
                return json_object(client.keystone_list_projects(request))

            payload = self._call(call)
            batch = [item for item in payload.get("projects") or [] if isinstance(item, dict)]
            projects.extend(batch)
            if len(batch) < page_size:
                return projects
            page += 1

    def _iam(self, region: str, project_id: str) -> Any:
        from huaweicloudsdkiam.v3.iam_client import IamClient

        account_id = self._credentials.account_id
        if account_id and not project_id:  # a member's credentials: IAM's global APIs by account
            return self._client("iam", IamClient, region, "", self._global(account_id))
        return self._client("iam", IamClient, region, project_id)
