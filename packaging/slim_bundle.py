"""After PyInstaller: strip the bundle's ELF files where that is safe and turn identical copies
of one library into symlinks. Run by tilldesk.spec on Linux.

Why not PyInstaller's own `strip=True`: binutils' strip rewrites the program headers of
libraries that auditwheel already rewrote with patchelf (the NumPy/SciPy OpenBLAS copies), and
the loader then refuses them ("ELF load command address/offset not page-aligned"). Here each
stripped file's loadable segments are checked the way glibc checks them, and a file that
fails keeps its unstripped original.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
PAGE = 4096


def is_elf(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as f:
        return f.read(4) == ELF_MAGIC


def loadable(path: Path) -> bool:
    """Every PT_LOAD has (vaddr - offset) a multiple of the page size and of its alignment:
    what glibc's loader requires before it maps a library."""
    out = subprocess.run(
        ["readelf", "-lW", str(path)], capture_output=True, text=True, check=False
    ).stdout
    loads = [line.split() for line in out.splitlines() if line.strip().startswith("LOAD")]
    if not loads:
        return False
    for fields in loads:
        offset, vaddr, align = int(fields[1], 16), int(fields[2], 16), int(fields[-1], 16)
        if (vaddr - offset) % PAGE or (align and (vaddr - offset) % align):
            return False
    return True


def strip_all(root: Path) -> tuple[int, list[Path]]:
    """Strip every ELF file under root in place; returns (bytes saved, files left as they were).
    `root` is the bundle's _internal/: the executable itself carries the archive of the Python
    code appended after its ELF image, which strip would cut off."""
    saved, kept = 0, []
    for path in sorted(root.rglob("*")):
        if not is_elf(path):
            continue
        trial = path.with_name(path.name + ".stripping")
        result = subprocess.run(
            ["strip", "--strip-unneeded", "-o", str(trial), str(path)],
            capture_output=True,
            check=False,
        )
        if result.returncode != 0 or not loadable(trial) or not loadable(path):
            trial.unlink(missing_ok=True)
            kept.append(path)
            continue
        before, after = path.stat().st_size, trial.stat().st_size
        if after >= before:
            trial.unlink()
            continue
        shutil.copymode(path, trial)
        os.replace(trial, path)
        saved += before - after
    return saved, kept


def link_aliases(root: Path) -> int:
    """libfoo.so, libfoo.so.26 and libfoo.so.26.1.0 as three identical copies (PyInstaller
    copies symlinks of the wheel as files): keep the longest name, link the others to it."""
    saved = 0
    for folder in {p.parent for p in root.rglob("*.so*")}:
        groups: dict[str, list[Path]] = {}
        for path in folder.iterdir():
            if ".so" in path.name and path.is_file() and not path.is_symlink():
                groups.setdefault(path.name.split(".so")[0], []).append(path)
        for copies in groups.values():
            if len(copies) < 2:
                continue
            by_digest: dict[str, list[Path]] = {}
            for path in copies:
                by_digest.setdefault(_digest(path), []).append(path)
            for same in by_digest.values():
                target = max(same, key=lambda p: len(p.name))
                for alias in same:
                    if alias != target:
                        saved += alias.stat().st_size
                        alias.unlink()
                        alias.symlink_to(target.name)
    return saved


def link_duplicates(root: Path) -> int:
    """The same library, same name, in two wheels' folders (NumPy's and SciPy's copies of one
    libgfortran and libquadmath): the second becomes a relative symlink to the first. The loader
    opens it once (same inode), and each wheel's $ORIGIN still finds it."""
    saved = 0
    first: dict[tuple[str, str], Path] = {}
    for path in sorted(root.rglob("*.so*")):
        if path.is_symlink() or not path.is_file():
            continue
        key = (path.name, _digest(path))
        if key not in first:
            first[key] = path
            continue
        saved += path.stat().st_size
        path.unlink()
        path.symlink_to(os.path.relpath(first[key], path.parent))
    return saved


def drop_dangling(root: Path) -> int:
    """PyInstaller's links at the top of _internal/ to libraries that were filtered out."""
    dangling = [p for p in root.iterdir() if p.is_symlink() and not p.exists()]
    for link in dangling:
        link.unlink()
    return len(dangling)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def slim(bundle: Path) -> None:
    root = bundle / "_internal"
    if not sys.platform.startswith("linux") or shutil.which("strip") is None:
        print("slim_bundle: not Linux or no binutils strip: the bundle is left unstripped")
        return
    drop_dangling(root)
    linked = link_aliases(root) + link_duplicates(root)
    stripped, kept = strip_all(root)
    print(
        f"slim_bundle: {stripped / 1e6:.0f} MB stripped, {linked / 1e6:.0f} MB of duplicate "
        f"libraries linked; {len(kept)} ELF files left unstripped (not safely strippable)"
    )


if __name__ == "__main__":
    slim(Path(sys.argv[1]))
