"""Talking to a simulated recovery world over HTTP (the `recovery simulate` protocol)."""
