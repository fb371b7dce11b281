"""Reminder templates: the manifest, the context a template sees, SMS segments, the library."""
