"""`tilldesk` (or `tilldesk client`): open the desktop client on this counter's database."""

from argparse import Namespace, _SubParsersAction

from cli.context import database_path


def register(sub: _SubParsersAction, common: list) -> None:
    client = sub.add_parser("client", parents=common, help="open the desktop client (default)")
    client.add_argument(
        "--exit-after-startup",
        action="store_true",
        help="show the window, print the milliseconds from process start to its first frame, exit",
    )
    client.set_defaults(run=run_client_command)


def run_client_command(args: Namespace) -> int:
    from cli.wiring import printing
    from sync.client.background import background_sync
    from ui.app import run_client  # Qt is loaded only when the window is wanted
    from ui.printing_port import install

    install(printing)  # the composition root gives the screens their printing

    path = database_path(args)
    if getattr(args, "exit_after_startup", False):
        return run_client(path, exit_after_startup=True)  # a measurement: no background sync
    with background_sync(path):  # pushes and pulls beside the window when registered
        return run_client(path)
