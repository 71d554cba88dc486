"""cloud/services.py: one table of services, read by the settings, the SDK loader and the policy."""

from __future__ import annotations

import importlib.util

import pytest

from autotracker.cloud.services import BY_NAME, SERVICES, iam_action
from autotracker.settings import VARIABLES


def test_each_service_is_named_once_with_an_installed_sdk_package() -> None:
    assert len(BY_NAME) == len(SERVICES)
    for service in SERVICES:
        assert importlib.util.find_spec(service.package) is not None, service.package


def test_every_endpoint_variable_is_a_setting() -> None:
    assert {service.endpoint_variable for service in SERVICES} <= set(VARIABLES)


def test_iam_action_reads_the_table_and_refuses_an_unknown_call() -> None:
    assert iam_action("cts", "CreateTracker") == "cts:tracker:create"
    with pytest.raises(KeyError):
        iam_action("cts", "DeleteTracker")
