"""Where the central server takes the providers' callbacks (the channels name them when sending)."""

PREFIX = "/v1/webhooks/messaging"  # under /v1/webhooks/: the webhook body-size limit applies
TWILIO_STATUS_PATH = f"{PREFIX}/twilio/status"
TWILIO_INBOUND_PATH = f"{PREFIX}/twilio/inbound"
WHATSAPP_PATH = f"{PREFIX}/whatsapp"
EMAIL_EVENTS_PATH = f"{PREFIX}/email"
UNSUBSCRIBE_PREFIX = "/u"
