"""The recovery screens of issue 12 (queue, case, Smart Collect, recovery analytics)."""
