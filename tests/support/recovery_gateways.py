"""A recovery gateway that records the charges it was asked for."""

from app.services.recovery_run import ChargeOutcome, ChargeRequest


class RecordingGateway:
    """Approves every charge and remembers which case it charged."""

    def __init__(self) -> None:
        self.charged: list[str] = []

    def charge(self, request: ChargeRequest) -> ChargeOutcome:
        self.charged.append(request.reference)
        return ChargeOutcome(True, "100", external_id=request.idempotency_key)

    def lookup(self, request: ChargeRequest) -> ChargeOutcome | None:
        return None
