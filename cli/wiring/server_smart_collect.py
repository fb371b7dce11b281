"""The central server's smart_collect routes, wired to the recovery database (composition root)."""

from fastapi import APIRouter

from cli.wiring.server_options import ServerOptions


def routers(options: ServerOptions) -> list[APIRouter]:
    """This area's routers for the server app (none when the area is not configured)."""
    return []
