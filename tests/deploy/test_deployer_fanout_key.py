"""The deployer and FANOUT_KEY: organization mode needs the key, only as encrypted user data; it
is sent encrypted and never printed. Driven through the deployer's CLI against the fake."""

from __future__ import annotations

import json

import pytest
from helpers.deployer import FUNCTION, PROJECT_ID, Deployer

KEY = "deployed-fanout-key-0123456789abcdefghijkl"


def organization_mode(deployer: Deployer) -> None:
    deployer.template["function"]["user_data"].update({"ORGANIZATION_SWEEP": "true", "TRACE_BUCKET": "t-{account_id}"})


def test_organization_mode_without_the_key_is_refused_naming_how_to_make_one(deployer: Deployer) -> None:
    organization_mode(deployer)
    assert deployer.run() != 0
    assert "FANOUT_KEY" in deployer.output and "secrets.token_urlsafe" in deployer.output
    assert deployer.writes() == []


def test_the_key_as_a_plain_variable_is_refused(deployer: Deployer) -> None:
    organization_mode(deployer)
    deployer.template["function"]["user_data"]["FANOUT_KEY"] = KEY
    assert deployer.run() != 0
    assert "function.user_data.FANOUT_KEY: a secret: list it in function.encrypted_user_data" in deployer.output
    assert KEY not in deployer.output and deployer.writes() == []


def test_the_key_is_sent_as_encrypted_user_data_and_never_printed(
    deployer: Deployer, capsys: pytest.CaptureFixture[str]
) -> None:
    organization_mode(deployer)
    deployer.template["function"]["encrypted_user_data"] = ["FANOUT_KEY"]
    deployer.environ["FANOUT_KEY"] = KEY
    outputs = []
    for args in (("--plan",), ()):
        assert deployer.run(*args) == 0, deployer.output
        outputs.append(deployer.output)
    function = deployer.cloud.fgs.function(PROJECT_ID, FUNCTION)
    assert function is not None and json.loads(function["encrypted_user_data"]) == {"FANOUT_KEY": KEY}
    assert "FANOUT_KEY" not in json.loads(function["user_data"])
    captured = capsys.readouterr()
    assert not [text for text in (*outputs, captured.out, captured.err) if KEY in text]
