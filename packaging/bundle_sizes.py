"""The bundle's size per component (what README's "Measured" table lists), in MB on disk.

    .venv/bin/python packaging/bundle_sizes.py [dist/tilldesk]

Printed by tests/packaging/test_bundle.py after each build. Files are counted once (symlinks
not followed), in disk blocks like `du`.
"""

import sys
from pathlib import Path

# (component, paths under _internal/ it owns); the first match wins, so ICU before Qt.
COMPONENTS: list[tuple[str, tuple[str, ...]]] = [
    ("ICU data and libraries (linked by QtCore)", ("PySide6/Qt/lib/libicu",)),
    ("Qt (PySide6, shiboken6)", ("PySide6/", "shiboken6/")),
    ("arro3 (Parquet export)", ("arro3/",)),
    ("SciPy + its OpenBLAS", ("scipy/", "scipy.libs/")),
    ("NumPy + its OpenBLAS", ("numpy/", "numpy.libs/")),
    ("scikit-learn", ("sklearn/", "scikit_learn.libs/")),
    ("Babel locale data", ("babel/",)),
    ("Pillow", ("PIL/", "pillow.libs/")),
    ("cryptography + pycryptodome", ("cryptography/", "Crypto/", "Cryptodome/")),
    ("psycopg (binary)", ("psycopg_binary/", "psycopg_binary.libs/", "psycopg/")),
    ("Python runtime", ("libpython", "python3", "base_library.zip")),
    ("system libraries", ("lib",)),  # what is left at the top: libX11.so.6, libglib...
]


def _disk_size(path: Path) -> int:
    return path.lstat().st_blocks * 512


def component_sizes(bundle: Path) -> dict[str, int]:
    """Bytes per component; the executable (with its appended Python code archive) apart."""
    internal = bundle / "_internal"
    sizes = {name: 0 for name, _ in COMPONENTS}
    sizes["executable + Python code archive"] = _disk_size(bundle / "tilldesk")
    sizes["everything else"] = 0
    for path in internal.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            continue
        relative = path.relative_to(internal).as_posix()
        owner = next(
            (name for name, prefixes in COMPONENTS if relative.startswith(prefixes)),
            "everything else",
        )
        if owner == "system libraries" and "/" in relative:
            owner = "everything else"
        sizes[owner] += _disk_size(path)
    return sizes


def report(bundle: Path) -> str:
    sizes = component_sizes(bundle)
    lines = [f"bundle part: {name}: {size / 2**20:.0f} MB" for name, size in sizes.items()]
    lines.append(f"bundle part: total: {sum(sizes.values()) / 2**20:.0f} MB")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path(sys.argv[1] if len(sys.argv) > 1 else "dist/tilldesk")))
