"""`tilldesk recovery link CASE`: a signed link a recovery executive can send by hand."""

import json

import keyring
import pytest

from app.recovery.links import verify_link
from cli.main import main
from tests.sync_client.support import MemoryKeyring

SECRET = "s" * 40


@pytest.fixture
def link_secret():
    previous, memory = keyring.get_keyring(), MemoryKeyring()
    memory.set_password("tilldesk-server", "payment-link-secret", SECRET)
    keyring.set_keyring(memory)
    yield
    keyring.set_keyring(previous)


def test_a_link_for_an_open_case_and_a_refusal_for_an_unknown_one(tmp_path, capsys, link_secret):
    db = str(tmp_path / "recovery.sqlite")
    assert main(["recovery", "demo", "--db", db]) == 0
    capsys.readouterr()
    args = ["recovery", "link", "DEMO-001", "--db", db, "--public-url", "https://pay.example"]
    assert main([*args, "--json"]) == 0
    issued = json.loads(capsys.readouterr().out)
    assert (issued["case_id"], issued["amount_minor"], issued["currency"]) == (
        "DEMO-001",
        4500,
        "USD",
    )
    assert issued["url"].startswith("https://pay.example/pay/")
    token = issued["url"].rsplit("/", 1)[1]
    assert verify_link(token, SECRET.encode()).case_id == "DEMO-001"

    assert main(["recovery", "link", "NO-SUCH", "--db", db, "--public-url", "https://x"]) == 3
    assert "There is no recovery case NO-SUCH." in capsys.readouterr().err
