"""The spec's sample (CIS01US09 section 8): John Doe, his bills, services, plan; the staff.

Reference data a counter normally pulls from the server; the builder adds the rows itself
(there is no use case for creating bills at the counter).
"""

from datetime import date

from app.db.database import Database
from app.db.tables import Bill, Consumer, Installment, PaymentPlan, ServiceCharge
from app.domain.ids import new_id
from app.domain.roles import Role
from app.services.actors import add_user
from app.services.shifts import open_shift

SAMPLE_ACCOUNT = "WU-10001"
SAMPLE_FLOAT = "200.00"  # jsmith's shift is open with this float in the drawer

STAFF = (
    # username, full name, role, demo PIN
    ("jsmith", "Jane Smith", Role.CASHIER, "1234"),
    ("mbrown", "Michael Brown", Role.BILLING_MANAGER, "2345"),
    ("rpatel", "Riya Patel", Role.RECOVERY_EXECUTIVE, "3456"),
)

BILLS = (
    ("INV-2025-001234", "Mar 2025", 14550, date(2025, 3, 31), date(2025, 4, 15)),
    ("INV-2025-001567", "Apr 2025", 15225, date(2025, 4, 30), date(2025, 5, 15)),
)
SERVICES = (
    ("SC-2025-000101", "Reconnection Fee", 7500, date(2025, 4, 18)),
    ("SC-2025-000087", "Late Fee", 2500, date(2025, 4, 10)),
)
PLAN = (
    "PP-2025-0034",
    date(2025, 3, 20),
    ((1, 6750, date(2025, 4, 15)), (2, 6750, date(2025, 5, 15)), (3, 6750, date(2025, 6, 15))),
)


def load_sample(db: Database) -> bool:
    """Add the sample consumer and staff; False when they are already there."""
    with db.unit_of_work() as uow:
        if uow.consumers.by_account_number(SAMPLE_ACCOUNT) is not None:
            return False
        for username, full_name, role, pin in STAFF:
            if uow.users.by_username(username) is None:
                add_user(
                    uow, username=username, full_name=full_name, role=role, secret=pin, by=None
                )
        consumer = Consumer(
            id=new_id(),
            account_number=SAMPLE_ACCOUNT,
            name="John Doe",
            service_address="123 Main Street, Cityville",
            phone="(555) 123-4567",
            email="john.doe@example.com",
            timezone="America/New_York",
            segment="Residential",
            status="Active",
            created_at=uow.now(),
        )
        uow.session.add(consumer)
        uow.session.flush()
        for number, period, amount, issued, due in BILLS:
            uow.session.add(
                Bill(
                    id=new_id(),
                    consumer_id=consumer.id,
                    invoice_number=number,
                    period_label=period,
                    amount_minor=amount,
                    issued_on=issued,
                    due_date=due,
                )
            )
        for reference, description, amount, on in SERVICES:
            uow.session.add(
                ServiceCharge(
                    id=new_id(),
                    consumer_id=consumer.id,
                    reference=reference,
                    description=description,
                    amount_minor=amount,
                    service_date=on,
                )
            )
        plan_number, created_on, installments = PLAN
        plan = PaymentPlan(
            id=new_id(),
            consumer_id=consumer.id,
            plan_number=plan_number,
            created_on=created_on,
            status="Active",
        )
        uow.session.add(plan)
        uow.session.flush()
        for position, share, due in installments:
            uow.session.add(
                Installment(
                    id=new_id(), plan_id=plan.id, number=position, amount_minor=share, due_date=due
                )
            )
        uow.audit(
            user_id=None,
            action="demo.sample_loaded",
            entity="consumer",
            entity_id=consumer.id,
            after={"account_number": SAMPLE_ACCOUNT},
        )
        uow.commit()
    # The cashier's drawer is open, so the sample counter takes payments straight away.
    open_shift(db.unit_of_work(), opening_float=SAMPLE_FLOAT, username="jsmith")
    return True
