"""TLS: a counter trusts a server with a private certificate only when given its CA file."""

import pytest
from sqlalchemy import select

from app.db.database import open_database
from app.db.tables import Consumer
from app.services.setup import initialise
from sync.client.errors import ServerRefused
from sync.client.register import register_terminal
from sync.client.runner import sync_once
from tests.server.tls import self_signed
from tests.sync_client.support import ADMIN, ADMIN_PASSWORD, LiveServer


def test_a_counter_registers_and_syncs_over_tls_with_the_servers_ca(server, tmp_path):
    cert, key = self_signed(tmp_path)
    secure = LiveServer(server.db_url, tls=(cert, key))
    secure.start()
    db = open_database(tmp_path / "T07.sqlite")
    try:
        initialise(db, terminal_code="T07", admin_secret="0000")
        with pytest.raises(ServerRefused, match="--ca"):
            register_terminal(
                db, server_url=secure.url, code="T07", username=ADMIN, password=ADMIN_PASSWORD
            )
        register_terminal(
            db,
            server_url=secure.url,
            code="T07",
            username=ADMIN,
            password=ADMIN_PASSWORD,
            ca_file=str(cert),
        )
        sync_once(db)
        with db.read() as uow:
            assert list(uow.session.scalars(select(Consumer.account_number))) == ["WU-10001"]
    finally:
        db.close()
        secure.stop()


def test_a_counter_set_up_as_another_terminal_cannot_register_under_a_new_code(server, tmp_path):
    from app.domain.errors import UserFacingError

    db = open_database(tmp_path / "T08.sqlite")
    try:
        initialise(db, terminal_code="T08", admin_secret="0000")
        with pytest.raises(UserFacingError, match="set up as terminal T08, not T09"):
            register_terminal(
                db, server_url=server.url, code="T09", username=ADMIN, password=ADMIN_PASSWORD
            )
        with pytest.raises(ServerRefused, match="401"):
            register_terminal(
                db, server_url=server.url, code="T08", username=ADMIN, password="wrong"
            )
    finally:
        db.close()
