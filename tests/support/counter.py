"""A counter on the fake unit of work: its consumer and the three kinds of item he owes."""

from dataclasses import dataclass

from app.db.tables import Consumer
from tests.support.fake_store import Item, Store
from tests.support.fake_uow import FakeUnitOfWork


@dataclass
class Counter:
    uow: FakeUnitOfWork
    consumer: Consumer
    bill: Item
    service: Item
    installment: Item

    @property
    def store(self) -> Store:
        return self.uow.store

    def outstanding(self, item: Item) -> int:
        return self.store.item_row(item).outstanding_minor
