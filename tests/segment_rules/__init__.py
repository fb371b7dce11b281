"""Segment configurations steering recovery; case notes and manual escalations."""
