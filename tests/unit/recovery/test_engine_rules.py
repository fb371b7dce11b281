"""The whole engine, any policy, any stream of declines and events: never a forbidden attempt."""

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.recovery.ports import AttemptResult, WorldEvent
from app.services.recovery_simulate import simulate
from tests.unit.recovery.fakes import START, FakeRecords, FakeUnitOfWork, FakeWorld, case, portfolio
from tests.unit.recovery.reference_rules import Reference

KINDS = {
    ("card", "nmi", "visa"): ["201", "202", "223", "250", "261", "264", "300", "999"],
    ("card", "stripe", "mastercard"): ["insufficient_funds", "do_not_honor", "lost_card",
                                       "previously_declined_do_not_retry", "processing_error"],
    ("card", "razorpay", "visa"): ["51", "05", "54", "41", "R0", "R3", "91"],
    ("card", "razorpay", "mastercard"): ["51", "05", "54", "43", "91"],
    ("enach", "razorpay", ""): ["04", "05", "01", "59", "XX"],
    ("upi_autopay", "razorpay", ""): ["Z9", "U30", "ZA", "UP"],
}  # fmt: skip
MACS = ["", "", "02", "03", "21", "24", "25", "27"]


@st.composite
def scenarios(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=3))
    rows, scripts, events = [], {}, []
    for n, (method, gateway, network) in enumerate(kinds):
        codes = KINDS[(method, gateway, network)]
        case_id = f"K{n}"
        rows.append(
            case(
                case_id,
                f"C{n}",
                method=method,
                gateway=gateway,
                network=network,
                code=draw(st.sampled_from(codes)),
                advice_code=draw(st.sampled_from(MACS)) if network == "mastercard" else "",
                failed_at=START - timedelta(hours=draw(st.integers(0, 60))),
            )
        )
        answers = draw(
            st.lists(
                st.tuples(st.sampled_from(codes), st.sampled_from(MACS)), min_size=1, max_size=6
            )
        )
        scripts[case_id] = (network, itertools.cycle(answers))
        for hours in draw(st.lists(st.integers(1, 12 * 24), max_size=2)):
            events.append(
                WorldEvent(
                    case_id, START + timedelta(hours=hours), "payment_method_updated", None, 0
                )
            )
    policy = draw(st.sampled_from(["smart", "fixed-8-in-14", "daily-3", "killbill-8-8-8"]))
    return rows, scripts, sorted(events, key=lambda e: e.at), policy


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_no_stream_of_declines_leads_the_engine_to_a_forbidden_attempt(scenario):
    rows, scripts, events, policy = scenario
    answered: dict[str, list[tuple[str, str]]] = {r.case_id: [] for r in rows}

    def respond(case_id, at):
        network, answers = scripts[case_id]
        code, mac = next(answers)
        mac = mac if network == "mastercard" else ""
        answered[case_id].append((code, mac))
        return AttemptResult(False, code, mac)

    world = FakeWorld(responder=respond, scripted_events=list(events))
    records = FakeRecords()
    simulate(
        portfolio(rows),
        world,
        start=START,
        days=12,
        policy_name=policy,
        records=lambda: FakeUnitOfWork(records),
    )
    for row in rows:
        reference = Reference(row.method, row.network)
        reference.gateway = row.gateway
        reference.attempts.append((row.failed_at, 0, row.code, row.advice_code))
        timeline = [(e.at, 0, "update", None) for e in events if e.case_id == row.case_id]
        timeline += [(m[1], 1, "notice", None) for m in world.messages if m[0] == row.case_id]
        tries = [a for a in world.attempts if a[0] == row.case_id]
        timeline += [
            (a[1], 2, "attempt", answer)
            for a, answer in zip(tries, answered[row.case_id], strict=True)
        ]
        for at, _, kind, answer in sorted(timeline, key=lambda item: item[:2]):
            if kind == "update":
                reference.generation += 1
            elif kind == "notice":
                reference.notices.append(at)
            else:
                reference.check(at)
                reference.attempts.append((at, reference.generation, *answer))
