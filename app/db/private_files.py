"""The counter's files are readable by their OS user only: PIN hashes, payments and consumers'
details live in them. Files 0600, directories 0700, set when created and tightened when found
looser."""

import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_dir(path: Path, *, tighten: bool = False) -> Path:
    """Create `path` (and missing parents) as 0700. With `tighten`, an existing directory is
    chmod-ed too: only for Tilldesk's own folders, never a folder a user merely pointed at."""
    path = Path(path)
    if not path.exists():
        missing = [p for p in (path, *path.parents) if not p.exists()]
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        for created in missing:  # mkdir's mode is cut by the umask, and parents get defaults
            _chmod(created, DIR_MODE)
    elif tighten:
        _chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty as 0600 if missing; tighten it to 0600 if it exists."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    _chmod(path, FILE_MODE)
    return path


def private_database(path: Path) -> Path:
    """The SQLite file and its -wal/-shm: SQLite creates those with the database's own mode,
    so a 0600 database keeps them 0600; ones left by an older version are tightened here."""
    private_file(path)
    for suffix in SQLITE_SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            _chmod(side, FILE_MODE)
    return path


def open_private(path: Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_TRUNC) -> int:
    """os.open with mode 0600 (and tightened, for a file that existed): for exports."""
    fd = os.open(path, flags, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return fd


def _chmod(path: Path, mode: int) -> None:
    current = stat.S_IMODE(path.stat().st_mode)
    if current != mode:
        path.chmod(mode)
