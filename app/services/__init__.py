"""Use cases: each takes a unit of work, does one thing a person asked, and commits."""

from app.services.follow_up import wire as _wire_follow_up

# Once, before any use case runs: what a commit does after each domain event.
_wire_follow_up()
