"""Running `tilldesk` verbs in-process and reading the webhook events they published."""

from sqlalchemy import select

from app.db.recovery_tables_webhooks import webhook_events
from cli.main import main


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def events(engine) -> list[dict]:
    with engine.connect() as connection:
        query = select(webhook_events).order_by(webhook_events.c.created_at)
        return [dict(r._mapping) for r in connection.execute(query)]
