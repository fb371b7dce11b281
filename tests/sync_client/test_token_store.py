"""The token store refuses every keyring that keeps the token in clear, or not at all, and
never lets keyring's chainer drop the token into a plaintext member."""

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend
from keyrings.cryptfile.file import PlaintextKeyring as CryptfilePlaintext

from app.domain.errors import UserFacingError
from sync.client.tokens import TokenStore
from tests.e2e_sync.file_keyring import FileKeyring


@pytest.fixture(autouse=True)
def no_token_store_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test picks its token store itself, whatever the environment running it says."""
    for name in ("TILLDESK_KEYRING", "TILLDESK_KEYRING_KEY_FILE", "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)


class AltPlaintextKeyring(CryptfilePlaintext):
    """Stands in for keyrings.alt.file.PlaintextKeyring (not installed here): same kind of
    file, same module name."""

    __module__ = "keyrings.alt.file"


def _plaintext_file(kind: type, tmp_path: Path):
    backend = kind()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")
    return backend


@pytest.fixture
def home_made_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TILLDESK_TEST_KEYRING", str(tmp_path / "keyring.json"))
    return FileKeyring()


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: _plaintext_file(CryptfilePlaintext, tmp),
        lambda tmp: _plaintext_file(AltPlaintextKeyring, tmp),
        lambda tmp: fail.Keyring(),
        lambda tmp: null.Keyring(),
    ],
    ids=["keyrings.cryptfile-plaintext", "keyrings.alt-plaintext", "fail", "null"],
)
def test_a_keyring_that_keeps_the_token_in_clear_or_not_at_all_is_refused(make, tmp_path):
    keyring.set_keyring(make(tmp_path))

    with pytest.raises(UserFacingError, match="Plaintext keyrings are not accepted"):
        TokenStore().save("https://sync.example", "T01", "secret-token")

    assert list(tmp_path.iterdir()) == []


def test_a_home_made_plaintext_file_keyring_is_refused(home_made_file, tmp_path):
    keyring.set_keyring(home_made_file)

    with pytest.raises(UserFacingError, match="No secure place"):
        TokenStore().save("https://sync.example", "T01", "secret-token")

    assert not (tmp_path / "keyring.json").exists()


def test_the_chainer_keeps_the_token_in_its_secure_member_only(memory_keyring, tmp_path):
    plaintext = _plaintext_file(CryptfilePlaintext, tmp_path)
    chain = type("Chain", (ChainerBackend,), {"backends": [plaintext, memory_keyring]})()
    keyring.set_keyring(chain)

    TokenStore().save("https://sync.example", "T01", "secret-token")

    assert memory_keyring.secrets == {("tilldesk", "https://sync.example|T01"): "secret-token"}
    assert not Path(plaintext.file_path).exists()


def test_a_chainer_of_plaintext_keyrings_only_is_refused(tmp_path):
    plaintext = _plaintext_file(CryptfilePlaintext, tmp_path)
    chain = type("Chain", (ChainerBackend,), {"backends": [plaintext, fail.Keyring()]})()
    keyring.set_keyring(chain)

    with pytest.raises(UserFacingError, match="No secure place"):
        TokenStore().check()


def test_an_unknown_keyring_choice_is_refused(monkeypatch):
    monkeypatch.setenv("TILLDESK_KEYRING", "plaintext")

    with pytest.raises(UserFacingError, match="TILLDESK_KEYRING=plaintext is not known"):
        TokenStore().check()
