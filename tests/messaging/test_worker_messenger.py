"""`recovery run`'s worker with the real messenger in place of the logging one: the demo
portfolio's reminders reach the channels inside the consumers' hours, each shown once."""

import json
import threading
from datetime import UTC, datetime

from app.recovery.code_tables import load_decline_codes
from app.services.recovery_database import open_recovery_database
from app.services.recovery_messenger import RecoveryMessenger
from app.services.recovery_run import Worker
from cli.main import main
from sync.recovery.gateway import DemoGateway
from tests.messaging.helpers import everything_sent, fakes


def test_the_worker_sends_the_demo_reminders_through_the_messenger(tmp_path, capsys) -> None:
    db = str(tmp_path / "recovery.sqlite")
    assert main(["recovery", "demo", "--db", db]) == 0
    engine = open_recovery_database(f"sqlite:///{db}")
    channels = fakes()

    def clock() -> datetime:
        return datetime(2027, 1, 6, 15, 0, tzinfo=UTC)  # Wednesday, 10:00 in New York

    worker = Worker(
        engine=engine,
        gateway=DemoGateway(),
        messenger=RecoveryMessenger(engine, channels, clock=clock),
        codes=load_decline_codes(),
        clock=clock,
        worker_id="w1",
    )
    tally = worker.run(threading.Event(), once=True)
    engine.dispose()
    assert tally.errors == [] and tally.messages > 0
    sent = everything_sent(channels)
    assert len(sent) == tally.messages
    capsys.readouterr()
    assert main(["recovery", "messages", "--db", db, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert len(shown) == len(sent)  # once each, with the consumer's local time
    for message in shown:
        local = datetime.fromisoformat(message["local_at"])
        assert 8 <= local.hour < 21 and message["zone"]


def test_a_message_template_experiment_decides_each_consumers_template(tmp_path, capsys) -> None:
    from app.services.experiment_arms import arm_for
    from app.services.experiments import create_experiment

    db = str(tmp_path / "recovery.sqlite")
    assert main(["recovery", "demo", "--db", db]) == 0
    engine = open_recovery_database(f"sqlite:///{db}")

    def clock() -> datetime:
        return datetime(2027, 1, 6, 15, 0, tzinfo=UTC)

    create_experiment(
        engine, name="Tone", strategy="message_template", variant_names=["friendly", "firm"],
        allocation=None, by="ann", now=clock(),
    )  # fmt: skip
    channels = fakes()
    worker = Worker(
        engine=engine,
        gateway=DemoGateway(),
        messenger=RecoveryMessenger(engine, channels, clock=clock),
        codes=load_decline_codes(),
        clock=clock,
        worker_id="w1",
    )
    worker.run(threading.Event(), once=True)
    sent = everything_sent(channels)
    assert sent
    for message in sent:  # the plain renderer names the template it was asked for
        consumer = f"DC{int(message.to.split('@')[0].removeprefix('demo')):03d}"  # demo7@ -> DC007
        arm = arm_for(engine, consumer, "message_template", clock())
        assert arm is not None and f"Reminder ({arm[1]})" in message.text
    engine.dispose()
