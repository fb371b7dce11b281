"""The recovery engine's pure core: decline codes, network rules, calendars, policies, models."""
