"""Recovery case rows for seeding a recovery database."""

from datetime import datetime


def case(case_id: str, failed_at: datetime, amount: int, currency: str) -> dict:
    return {
        "id": case_id, "consumer_id": "C1", "amount_minor": amount, "currency": currency,
        "method": "card", "gateway": "stripe", "card_network": "visa", "card_type": "credit",
        "failed_at": failed_at, "code": "insufficient_funds", "merchant_advice_code": "",
        "category": "insufficient_funds", "product": "bill", "due_date": "2026-05-01",
        "segment": "standard", "status": "paid", "recovered_minor": amount, "source": "stripe",
        "external_id": f"pi_{case_id}", "instrument": "cus_1", "next_at": None,
        "status_reason": None,
    }  # fmt: skip
