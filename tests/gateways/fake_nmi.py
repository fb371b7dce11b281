"""A loopback NMI: transact.php (urlencoded answers) and query.php (XML answers)."""

import itertools
import time
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from sync.gateways.amounts import minor_from_text, text_from_minor
from tests.gateways.fake_http import FakeGateway, Reply, Seen


# NMI's documented test values: a sale of under 1.00 is declined (response=2, code 200).
class FakeNmi(FakeGateway):
    """transact.php (sale, refund, void; urlencoded answers) and query.php (XML)."""

    def __init__(self, security_key: str = "nmi_test_key") -> None:
        super().__init__()
        self.security_key = security_key
        self.transactions: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(10245331)

    def settle(self, transaction_id: str) -> None:
        self.transactions[transaction_id]["condition"] = "complete"

    def error_body(self, status: int) -> bytes:
        return b"<html><body>Service Unavailable</body></html>"

    def answer(self, seen: Seen) -> Reply:
        form = seen.form
        if seen.path.endswith("/query.php"):
            if form.get("security_key") != self.security_key:
                return _xml(
                    "<nm_response><error_response>Authentication Failed</error_response>"
                    "</nm_response>"
                )
            return _xml(self._query(form))
        if not seen.path.endswith("/transact.php"):
            return Reply(404, b"Not Found", "text/html")
        if form.get("security_key") != self.security_key:
            return _answer(response="3", responsetext="Authentication Failed", response_code="300")
        handler = {"sale": self._sale, "refund": self._refund, "void": self._void}.get(
            form.get("type", "")
        )
        if handler is None:
            return _answer(
                response="3", responsetext="Invalid Transaction Type", response_code="300"
            )
        return handler(form)

    def _sale(self, form: dict[str, str]) -> Reply:
        currency = form.get("currency", "USD")
        amount = minor_from_text(form["amount"], currency)
        approved = amount >= 100
        txn = self._new(form, currency, "pendingsettlement" if approved else "failed")
        txn["actions"].append(self._action("sale", amount, currency, approved))
        return _answer(
            response="1" if approved else "2",
            responsetext="SUCCESS" if approved else "DECLINE",
            authcode="123456" if approved else "",
            transactionid=txn["transaction_id"],
            orderid=form.get("orderid", ""),
            type="sale",
            response_code="100" if approved else "200",
        )

    def _refund(self, form: dict[str, str]) -> Reply:
        txn = self.transactions.get(form.get("transactionid", ""))
        if txn is None:
            return _answer(response="3", responsetext="Transaction not found", response_code="300")
        sale = txn["actions"][0]
        amount = minor_from_text(form.get("amount") or sale["amount"], txn["currency"])
        txn["actions"].append(self._action("refund", amount, txn["currency"], True))
        refund = self._new({}, txn["currency"], "pendingsettlement")
        return _answer(
            response="1",
            responsetext="SUCCESS",
            transactionid=refund["transaction_id"],
            type="refund",
            response_code="100",
        )

    def _void(self, form: dict[str, str]) -> Reply:
        txn = self.transactions.get(form.get("transactionid", ""))
        if txn is None:
            return _answer(response="3", responsetext="Transaction not found", response_code="300")
        if txn["condition"] == "complete":
            return _answer(
                response="3",
                responsetext="Only transactions pending settlement can be voided",
                response_code="300",
            )
        txn["condition"] = "canceled"
        txn["actions"].append(self._action("void", 0, txn["currency"], True))
        return _answer(
            response="1",
            responsetext="Transaction Void Successful",
            transactionid=txn["transaction_id"],
            type="void",
            response_code="100",
        )

    def _new(self, form: dict[str, str], currency: str, condition: str) -> dict[str, Any]:
        txn = {
            "transaction_id": str(next(self._ids)),
            "condition": condition,
            "order_id": form.get("orderid", ""),
            "order_description": form.get("order_description", ""),
            "merchant_defined_field_1": form.get("merchant_defined_field_1", ""),
            "currency": currency,
            "cc_number": "4xxxxxxxxxxx1111",
            "actions": [],
        }
        self.transactions[txn["transaction_id"]] = txn
        return txn

    def _action(self, kind: str, amount: int, currency: str, success: bool) -> dict[str, str]:
        return {
            "amount": text_from_minor(amount, currency),
            "action_type": kind,
            "date": time.strftime("%Y%m%d%H%M%S", time.gmtime(self.now())),
            "success": "1" if success else "0",
            "response_text": "SUCCESS" if success else "DECLINE",
            "response_code": "100" if success else "200",
        }

    def _query(self, form: dict[str, str]) -> str:
        found = list(self.transactions.values())
        for name in ("transaction_id", "order_id", "condition"):
            if form.get(name):
                found = [t for t in found if t[name] in form[name].split(",")]
        if form.get("action_type"):
            found = [
                t
                for t in found
                if t["actions"] and t["actions"][0]["action_type"] == form["action_type"]
            ]
        if form.get("start_date"):
            found = [
                t for t in found if t["actions"] and t["actions"][0]["date"] >= form["start_date"]
            ]
        limit = int(form.get("result_limit", 10_000))
        page = int(form.get("page_number", 0))
        found = found[page * limit : (page + 1) * limit]
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<nm_response>'
            + "".join(_transaction_xml(t) for t in found)
            + "</nm_response>"
        )


def _transaction_xml(txn: dict[str, Any]) -> str:
    fields = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in txn.items() if k != "actions")
    actions = "".join(
        "<action>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in a.items()) + "</action>"
        for a in txn["actions"]
    )
    return f"<transaction>{fields}{actions}</transaction>"


def _answer(**fields: str) -> Reply:
    return Reply(200, urlencode(fields).encode(), "text/html")


def _xml(text: str) -> Reply:
    return Reply(200, text.encode(), "text/xml")
