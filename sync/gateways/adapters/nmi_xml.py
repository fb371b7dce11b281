"""NMI query.php XML read safely: xml.etree without entity expansion, so a DOCTYPE is refused."""

import xml.etree.ElementTree as ET
from typing import Any

from sync.gateways.errors import GatewayError


def parse_query_response(body: bytes) -> list[dict[str, Any]]:
    """<nm_response><transaction>...</transaction>...</nm_response> as plain dicts; an
    <action> child becomes a list of dicts under "actions" (a sale, then its settle, ...)."""
    head = body[:2048].lower()
    if b"<!doctype" in head or b"<!entity" in body.lower():
        raise GatewayError("NMI query answer declares a DOCTYPE; refused.")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise GatewayError(f"NMI query answer is not XML: {error}", retryable=True) from None
    problem = root.findtext("error_response")
    if problem:
        raise GatewayError(f"NMI refused the query: {problem.strip()}")
    return [_transaction(node) for node in root.iter("transaction")]


def _transaction(node: ET.Element) -> dict[str, Any]:
    fields: dict[str, Any] = {"actions": []}
    for child in node:
        if child.tag == "action":
            fields["actions"].append({c.tag: (c.text or "").strip() for c in child})
        elif len(child) == 0:
            fields[child.tag] = (child.text or "").strip()
    return fields
