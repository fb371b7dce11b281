"""Shared test helpers: fakes and builders used by several test packages."""
