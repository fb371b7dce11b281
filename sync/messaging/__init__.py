"""The reminder channels (SMTP e-mail, Twilio SMS, WhatsApp Cloud API) and their credentials."""
