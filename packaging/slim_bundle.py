"""After PyInstaller: strip the bundle's ELF files where that is safe, turn identical copies of
one library into symlinks, and drop the links to libraries left out. Run by tilldesk.spec on Linux.

Why not PyInstaller's own `strip=True`: binutils' strip rewrites the program headers of
libraries that auditwheel already rewrote with patchelf (the NumPy/SciPy OpenBLAS copies), and
the loader then refuses them ("ELF load command address/offset not page-aligned"). Here each
stripped file's loadable segments are checked the way glibc checks them, and a file that
fails keeps its unstripped original.
"""

import hashlib
import os
import shutil
import struct
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


def drop_needed(path: Path, sonames: set[str]) -> list[str]:
    """Remove DT_NEEDED entries naming `sonames` from an ELF64 little-endian file, in place.

    For libraries linked without --as-needed (pyarrow links every Arrow library into every
    module): the entries are removed from the dynamic section and the rest moved up, nothing
    else in the file changes. Python loads extensions with RTLD_NOW, so a symbol that was in
    fact needed fails the import at once instead of later. Returns the names dropped."""
    data = bytearray(path.read_bytes())
    if data[:4] != ELF_MAGIC or data[4] != 2 or data[5] != 1:
        return []
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads, dynamic = [], None
    for i in range(phnum):
        kind, _, offset, vaddr, _, filesz, _, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize
        )
        if kind == 1:  # PT_LOAD
            loads.append((vaddr, offset, filesz))
        elif kind == 2:  # PT_DYNAMIC
            dynamic = (offset, filesz)
    if dynamic is None:
        return []
    entries = [
        struct.unpack_from("<qQ", data, dynamic[0] + 16 * i) for i in range(dynamic[1] // 16)
    ]
    end = next((i for i, (tag, _) in enumerate(entries) if tag == 0), len(entries))
    strtab = next(value for tag, value in entries[:end] if tag == 5)  # DT_STRTAB, a vaddr
    base = next(off + strtab - va for va, off, size in loads if va <= strtab < va + size)

    def name(offset: int) -> str:
        start = base + offset
        return data[start : data.index(0, start)].decode()

    dropped = [name(v) for tag, v in entries[:end] if tag == 1 and name(v) in sonames]
    if not dropped:
        return []
    kept = [(tag, v) for tag, v in entries[:end] if not (tag == 1 and name(v) in sonames)]
    kept += [(0, 0)] * (len(entries) - len(kept))
    for i, (tag, value) in enumerate(kept):
        struct.pack_into("<qQ", data, dynamic[0] + 16 * i, tag, value)
    path.write_bytes(data)
    return dropped


def drop_dangling(root: Path) -> int:
    """PyInstaller's links at the top of _internal/ to libraries that were filtered out."""
    dangling = [p for p in root.iterdir() if p.is_symlink() and not p.exists()]
    for link in dangling:
        link.unlink()
    return len(dangling)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unlink_left_out(root: Path, sonames: set[str]) -> int:
    """Drop the DT_NEEDED entries naming libraries the spec left out (they must be unused)."""
    changed = 0
    for path in sorted(root.rglob("*.so*")):
        if is_elf(path) and drop_needed(path, sonames):
            changed += 1
    return changed


def slim(bundle: Path, left_out: set[str] = frozenset()) -> None:
    """`left_out`: sonames of libraries the spec removed although other libraries list them."""
    root = bundle / "_internal"
    if not sys.platform.startswith("linux") or shutil.which("strip") is None:
        print("slim_bundle: not Linux or no binutils strip: the bundle is left unstripped")
        return
    drop_dangling(root)
    unlinked = unlink_left_out(root, set(left_out))
    linked = link_aliases(root) + link_duplicates(root)
    stripped, kept = strip_all(root)
    print(
        f"slim_bundle: {stripped / 1e6:.0f} MB stripped, {linked / 1e6:.0f} MB of duplicate "
        f"libraries linked, {unlinked} files unlinked from left-out libraries; {len(kept)} ELF "
        "files left unstripped (not safely strippable)"
    )


if __name__ == "__main__":
    slim(Path(sys.argv[1]))
