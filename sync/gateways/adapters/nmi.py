"""NMI over its Direct Post API: transact.php for sale / refund / void (urlencoded answers) and
query.php for status and failed transactions (XML answers).

NMI has no idempotency keys, so a sale is never blindly re-sent: when an answer is lost the
adapter asks query.php whether a sale with our order id exists before sending one.
"""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from sync.gateways.adapters.base import ChargeResult, RefundResult, poll_event_id
from sync.gateways.adapters.http import HttpClient, raise_for_retryable
from sync.gateways.adapters.nmi_xml import parse_query_response
from sync.gateways.amounts import minor_from_text, text_from_minor
from sync.gateways.errors import GatewayError
from sync.gateways.events import GatewayEvent
from sync.gateways.nmi_events import NMI_DATE, parse_nmi_date
from sync.gateways.status import NMI_CONDITIONS

NMI_API = "https://secure.nmi.com/api"
PAGE = 100
APPROVED, DECLINED, ERROR = "1", "2", "3"


class NmiAdapter:
    name = "nmi"

    def __init__(
        self, security_key: str, *, base_url: str = NMI_API, page_size: int = PAGE, **http: Any
    ) -> None:
        self.security_key = security_key
        self.page_size = page_size
        self.http = HttpClient(base_url, **http)

    def charge(
        self,
        amount_minor: int,
        currency: str,
        token: str,
        reference: str,
        idempotency_key: str,
        *,
        account_number: str | None = None,
    ) -> ChargeResult:
        """A sale. NMI has no idempotency header, so the order id carries our key and a charge
        first looks for an earlier sale under it: the same key twice is one transaction (use a
        new key for a new attempt). A sale whose answer was lost is never re-sent blind."""
        existing = self.sale_by_order_id(idempotency_key)
        if existing is not None:
            return existing
        form = {
            "type": "sale",
            "amount": text_from_minor(amount_minor, currency),
            "currency": currency.upper(),
            "payment_token": token,
            "orderid": idempotency_key,
            "order_description": reference,
            "customer_receipt": "false",
        }
        if account_number:
            form["merchant_defined_field_1"] = account_number
        try:
            answer = self._transact(form, repeatable=False)
        except GatewayError as error:
            if not error.retryable:
                raise
            existing = self.sale_by_order_id(idempotency_key)
            if existing is not None:
                return existing
            raise
        return self._charge_result(answer, amount_minor, currency.upper())

    def refund(
        self,
        external_id: str,
        amount_minor: int | None = None,
        *,
        idempotency_key: str | None = None,  # NMI has none; a refund is never re-sent blind
    ) -> RefundResult:
        form = {"type": "refund", "transactionid": external_id}
        state = self.status(external_id)
        if amount_minor is not None:
            form["amount"] = text_from_minor(amount_minor, state.currency)
        answer = self._transact(form, repeatable=False)
        self._refuse_errors(answer)
        return RefundResult(
            refund_id=answer.get("transactionid", ""),
            external_id=external_id,
            amount_minor=state.amount_minor if amount_minor is None else amount_minor,
            currency=state.currency,
            succeeded=answer.get("response") == APPROVED,
            message=answer.get("responsetext", ""),
        )

    def void(self, external_id: str) -> ChargeResult:
        answer = self._transact({"type": "void", "transactionid": external_id}, repeatable=True)
        self._refuse_errors(answer)
        state = self.status(external_id)
        return ChargeResult(
            external_id=external_id,
            approved=answer.get("response") == APPROVED,
            status=state.status,
            settlement=state.settlement,
            amount_minor=state.amount_minor,
            currency=state.currency,
            message=answer.get("responsetext", ""),
        )

    def status(self, external_id: str) -> GatewayEvent:
        found = self._query({"transaction_id": external_id})
        if not found:
            raise GatewayError(f"NMI has no transaction {external_id}.", code="not_found")
        return transaction_event(found[0])

    def list_failed(self, since: datetime) -> list[GatewayEvent]:
        """Sales that failed since `since`, oldest first, read page by page."""
        events: list[GatewayEvent] = []
        base = {
            "condition": "failed",
            "action_type": "sale",
            "start_date": since.astimezone(UTC).strftime(NMI_DATE),
        }
        page = 0
        while True:
            found = self._query({**base, "result_limit": self.page_size, "page_number": page})
            events += [transaction_event(t) for t in found]
            if len(found) < self.page_size:
                break
            page += 1
        return sorted(events, key=lambda e: e.occurred_at)

    def _transact(self, form: dict[str, str], *, repeatable: bool) -> dict[str, str]:
        response = self.http.request(
            "POST",
            "/transact.php",
            data={"security_key": self.security_key, **form},
            repeatable=repeatable,
        )
        raise_for_retryable(response, "NMI")
        if response.status_code >= 400:
            raise GatewayError(
                f"NMI answered HTTP {response.status_code}.", http_status=response.status_code
            )
        return {k: v[0] for k, v in parse_qs(response.text, keep_blank_values=True).items()}

    def _query(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.http.request(
            "POST", "/query.php", data={"security_key": self.security_key, **params}
        )
        raise_for_retryable(response, "NMI")
        if response.status_code >= 400:
            raise GatewayError(f"NMI query answered HTTP {response.status_code}.")
        return parse_query_response(response.content)

    def sale_by_order_id(self, order_id: str) -> ChargeResult | None:
        """The sale made under this order id (our idempotency key), if NMI has one."""
        found = self._query({"order_id": order_id, "action_type": "sale"})
        if not found:
            return None
        event = transaction_event(found[0])
        return ChargeResult(
            external_id=event.external_id,
            approved=event.status == "Posted",
            status=event.status,
            settlement=event.settlement,
            amount_minor=event.amount_minor,
            currency=event.currency,
            message=event.raw_status,
            decline_code=event.decline_code,
            last4=event.last4,
        )

    @staticmethod
    def _refuse_errors(answer: dict[str, str]) -> None:
        if answer.get("response") == ERROR:
            raise GatewayError(
                f"NMI refused the request: {answer.get('responsetext', 'error')}",
                code=answer.get("response_code"),
            )

    def _charge_result(
        self, answer: dict[str, str], amount_minor: int, currency: str
    ) -> ChargeResult:
        self._refuse_errors(answer)
        approved = answer.get("response") == APPROVED
        return ChargeResult(
            external_id=answer.get("transactionid", ""),
            approved=approved,
            status="Posted" if approved else "Failed",
            settlement="In Progress" if approved else "N/A",
            amount_minor=amount_minor,
            currency=currency,
            message=answer.get("responsetext", ""),
            decline_code=None if approved else answer.get("response_code"),
        )


def transaction_event(txn: dict[str, Any]) -> GatewayEvent:
    """One query.php <transaction>, as NMI holds it now, read as an event for advance()."""
    condition = txn.get("condition", "unknown")
    mapping = NMI_CONDITIONS.get(condition, NMI_CONDITIONS["unknown"])
    currency = (txn.get("currency") or "USD").upper()
    sale: dict[str, Any] = next(
        (a for a in txn["actions"] if a.get("action_type") in ("sale", "capture", "auth")), {}
    )
    refunded = sum(
        abs(minor_from_text(a.get("amount") or "0", currency))
        for a in txn["actions"]
        if a.get("action_type") == "refund" and a.get("success") == "1"
    )
    last4 = (txn.get("cc_number") or "")[-4:]
    occurred = parse_nmi_date(sale.get("date"))
    if occurred is None:
        raise GatewayError(f"NMI transaction {txn.get('transaction_id')} has no action date.")
    return GatewayEvent(
        gateway="nmi",
        event_id=poll_event_id("nmi", txn["transaction_id"], condition),
        external_id=txn["transaction_id"],
        status=mapping.status,
        settlement=mapping.settlement,
        amount_minor=minor_from_text(sale.get("amount") or "0", currency),
        currency=currency,
        account_number=txn.get("merchant_defined_field_1") or txn.get("order_id") or None,
        occurred_at=occurred,
        raw_status=condition,
        refunded_minor=refunded,
        decline_code=None if sale.get("success") == "1" else (sale.get("response_code") or None),
        last4=last4 if len(last4) == 4 and last4.isdigit() else None,
    )
