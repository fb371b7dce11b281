"""Link tokens: what we sign reads back; a changed byte, another secret or the clock refuse it."""

import hmac
from datetime import UTC, datetime, timedelta

import pytest

from app.recovery import links
from app.recovery.links import (
    LinkClaims,
    LinkPolicy,
    LinkRefused,
    alternatives,
    new_nonce,
    read_link,
    sign_link,
)

SECRET = b"k" * 32
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def claims(**changes: object) -> LinkClaims:
    values = dict(
        case_id="stripe:pi_123", amount_minor=14550, currency="USD",
        expires_at=NOW + timedelta(days=7), nonce=new_nonce(),
    )  # fmt: skip
    values.update(changes)
    return LinkClaims(**values)  # type: ignore[arg-type]


def test_a_signed_link_reads_back_the_same_case_amount_and_expiry() -> None:
    issued = claims()
    assert read_link(sign_link(issued, SECRET), SECRET, NOW) == issued


@pytest.mark.parametrize("position", range(0, 200, 7))
def test_changing_any_one_character_refuses_the_link(position: int) -> None:
    token = sign_link(claims(), SECRET)
    position %= len(token)
    for replacement in "AQw-_.":  # includes characters whose base64 bits could collide
        if token[position] == replacement:
            continue
        tampered = token[:position] + replacement + token[position + 1 :]
        with pytest.raises(LinkRefused) as refused:
            read_link(tampered, SECRET, NOW)
        assert refused.value.reason == "tampered"


def test_the_last_signature_character_cannot_be_swapped_for_one_with_the_same_bits() -> None:
    token = sign_link(claims(), SECRET)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    same_bits = alphabet[last ^ 1]  # differs only in a bit base64 drops when decoding
    with pytest.raises(LinkRefused):
        read_link(token[:-1] + same_bits, SECRET, NOW)


def test_a_bigger_amount_with_the_old_signature_is_refused() -> None:
    genuine = sign_link(claims(amount_minor=100), SECRET).split(".")[1]
    forged_body = sign_link(claims(amount_minor=1), SECRET).split(".")[0]
    with pytest.raises(LinkRefused, match="not valid"):
        read_link(f"{forged_body}.{genuine}", SECRET, NOW)


def test_a_link_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(LinkRefused) as refused:
        read_link(sign_link(claims(), b"x" * 32), SECRET, NOW)
    assert refused.value.reason == "tampered"


def test_an_expired_link_is_refused_from_its_expiry_second_on() -> None:
    token = sign_link(claims(expires_at=NOW), SECRET)
    read_link(token, SECRET, NOW - timedelta(seconds=1))
    with pytest.raises(LinkRefused) as refused:
        read_link(token, SECRET, NOW)
    assert refused.value.reason == "expired"
    assert "expired" in refused.value.message


@pytest.mark.parametrize("junk", ["", ".", "abc", "a.b.c", "é.é", "x" * 600 + ".y", "<script>.x"])
def test_junk_is_refused_as_not_valid_without_an_error(junk: str) -> None:
    with pytest.raises(LinkRefused) as refused:
        read_link(junk, SECRET, NOW)
    assert refused.value.reason == "tampered"


def test_signatures_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[object, object]] = []
    real = hmac.compare_digest

    def compare_digest(a: object, b: object) -> bool:
        compared.append((a, b))
        return real(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(links.hmac, "compare_digest", compare_digest)
    token = sign_link(claims(), SECRET)
    read_link(token, SECRET, NOW)
    with pytest.raises(LinkRefused):
        read_link(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), SECRET, NOW)
    assert len(compared) == 2


def test_a_short_secret_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        sign_link(claims(), b"short")


def test_nonces_do_not_repeat_and_cannot_be_guessed() -> None:
    nonces = {new_nonce() for _ in range(1000)}
    assert len(nonces) == 1000
    assert all(len(n) >= 22 for n in nonces)  # 128 random bits


def test_the_page_offers_what_the_failure_allows() -> None:
    policy = LinkPolicy()
    assert alternatives(currency="INR", country="IN", category="technical", policy=policy) == (
        "upi",
    )
    assert alternatives(
        currency="USD", country="US", category="expired_or_invalid", policy=policy
    ) == ("new_card",)
    assert alternatives(
        currency="USD", country="US", category="insufficient_funds", policy=policy
    ) == ("plan",)
    no_plans = LinkPolicy(plan_categories=frozenset())
    assert (
        alternatives(currency="USD", country="US", category="insufficient_funds", policy=no_plans)
        == ()
    )
