"""PyInstaller runtime hook: Babel reads its locale data from one zip archive in the bundle.

Babel keeps each of its ~1,100 locales as a pickle in babel/locale-data/ (32 MB). The bundle
keeps every one of them (any locale can be chosen in the settings and at first run), but
deflated in babel/locale-data.zip (10 MB); the spec builds the archive. Babel's own functions
for the locale files are pointed at it: `locale_identifiers()` lists the archive, `exists()`
looks there, and `load()`'s `open()` of a locale file reads the archive member instead.
"""

import builtins
import functools
import io
import os
import sys
import zipfile
from typing import IO, Any


def _install(archive_path: str) -> None:
    from babel import localedata

    archive = zipfile.ZipFile(archive_path)
    members = {name[: -len(".dat")] for name in archive.namelist() if name.endswith(".dat")}
    folder = os.path.normpath(localedata._dirname) + os.sep

    def read_locale(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> IO[Any]:
        # load() opens resolve_locale_filename(name): <locale-data>/<name>.dat
        path_text = os.fspath(path) if isinstance(path, os.PathLike) else path
        if isinstance(path_text, str) and os.path.normpath(path_text).startswith(folder):
            member = os.path.basename(path_text)
            try:
                return io.BytesIO(archive.read(member))
            except KeyError:
                raise FileNotFoundError(path_text) from None
        return builtins.open(path, mode, *args, **kwargs)

    @functools.cache
    def locale_identifiers() -> list[str]:
        return sorted(name for name in members if name != "root")

    def exists(name: str) -> bool:
        if not name or not isinstance(name, str):
            return False
        if name in localedata._cache or os.path.basename(name) in members:
            return True
        return bool(localedata.normalize_locale(name))

    localedata.open = read_locale
    localedata.locale_identifiers = locale_identifiers
    localedata.exists = exists


_archive = os.path.join(getattr(sys, "_MEIPASS", ""), "babel", "locale-data.zip")
if os.path.isfile(_archive):
    _install(_archive)
