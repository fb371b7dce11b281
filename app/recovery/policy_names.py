"""The policies by name, for argument parsers that must not load the models to list them."""

SCHEDULE_NAMES = ("fixed-8-in-14", "daily-3", "killbill-8-8-8")
POLICIES = ("smart", *SCHEDULE_NAMES)
