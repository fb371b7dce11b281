"""Runtime hooks made at build time (by tilldesk.spec, and by the tests that check them)."""

import importlib.util
from pathlib import Path

HOOKS = Path(__file__).resolve().parent / "hooks"


def contrib_rthook(name: str) -> Path | None:
    """A runtime hook of pyinstaller-hooks-contrib, by name (pyi_rth_usb), if it has one."""
    spec = importlib.util.find_spec("_pyinstaller_hooks_contrib")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "rthooks" / f"{name}.py"
    return path if path.is_file() else None


def usb_hook_on_first_import(folder: Path) -> Path | None:
    """hooks/rthook_usb_on_first_import.py with contrib's pyi_rth_usb appended as the source to
    run when pyusb is first imported; None when contrib has no such hook (nothing to defer)."""
    original = contrib_rthook("pyi_rth_usb")
    if original is None:
        return None
    template = (HOOKS / "rthook_usb_on_first_import.py").read_text()
    generated = folder / "rthook_usb_on_first_import.py"
    generated.write_text(f"{template}\n\n_install({original.read_text()!r})\n")
    return generated
