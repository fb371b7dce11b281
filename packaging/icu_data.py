"""A smaller ICU data library for the bundle: PySide6's libicudata.so.73 (32 MB) rebuilt with only
the ICU data that the ICU functions Qt calls can reach. Run by tilldesk.spec on Linux.

QtCore is the only Qt library that calls ICU (`nm -D --undefined-only`): collation (`ucol_*`,
QCollator: file dialogs sort file names with it), legacy text codecs by name (`ucnv_*`,
QStringDecoder), case mapping (`u_strTo{Upper,Lower}`, whose data is inside libicuuc) and time
zone display names (`ucal_*`). Nothing calls ICU's break iterators, transliterators, number
spelling, or its display names of languages, regions, currencies and units: those trees go. Kept:
every collation tailoring; the single-byte code pages (the multi-byte CJK and EBCDIC tables, 4.7
MB, go: QStringDecoder then reports the codec as unknown); the calendar, time zone and locale
fallback data; the main and time zone name bundles of root and the languages the first-run
wizard offers (another language falls back to root: GMT offsets instead of zone names).

The library is an ICU "common data" package (a table of contents, then the items) in the
read-only data of a shared object exporting `icudt73_dat`; it is rebuilt with binutils' `as`
and `ld`, nothing else from ICU is needed.
"""

import re
import struct
import subprocess
import tempfile
from pathlib import Path

# Trees of the package that no ICU function Qt calls opens.
DROPPED_TREES = frozenset({"brkitr", "curr", "lang", "region", "unit", "translit", "rbnf"})
# Languages of the first-run wizard's locales (ui/first_run.py): their locale data stays whole.
KEPT_LANGUAGES = frozenset({"root", "en", "es", "hi"})
LOCALE_FILE = re.compile(r"^([a-z]{2,3})(_\w+)?\.res$")
ALIGN = 16


def read_package(data: bytes) -> tuple[bytes, dict[str, bytes]]:
    """(header, {name: item}) of an ICU common data package ("CmnD", little-endian)."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", data, 0)
    if (magic1, magic2) != (0xDA, 0x27) or data[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    (count,) = struct.unpack_from("<I", data, header_size)
    toc = [struct.unpack_from("<II", data, header_size + 4 + 8 * i) for i in range(count)]
    ends = [offset for _, offset in toc[1:]] + [len(data) - header_size]
    items = {}
    for (name_at, data_at), end in zip(toc, ends, strict=True):
        start = header_size + name_at
        name = data[start : data.index(0, start)].decode("ascii")
        items[name] = data[header_size + data_at : header_size + end]
    return data[:header_size], items


def write_package(header: bytes, items: dict[str, bytes]) -> bytes:
    """The package with these items, names sorted as ICU's binary search expects."""
    names = sorted(items, key=lambda n: n.encode("ascii"))
    table = 4 + 8 * len(names)
    name_offsets, blob = [], b""
    for name in names:
        name_offsets.append(table + len(blob))
        blob += name.encode("ascii") + b"\0"
    offset = _aligned(table + len(blob))
    body, data_offsets = b"", []
    for name in names:
        data_offsets.append(offset + len(body))
        body += items[name] + b"\0" * (_aligned(len(items[name])) - len(items[name]))
    toc = struct.pack("<I", len(names)) + b"".join(
        struct.pack("<II", n, d) for n, d in zip(name_offsets, data_offsets, strict=True)
    )
    head = toc + blob
    return header + head + b"\0" * (offset - len(head)) + body


def wanted(name: str, item: bytes) -> bool:
    """Whether a package item ("icudt73l/coll/de.res") is kept; see the module docstring."""
    parts = name.split("/")[1:]
    if len(parts) > 1 and parts[0] in DROPPED_TREES:
        return False
    if parts[-1].endswith(".cnv"):
        return _max_bytes_per_char(item) == 1
    if len(parts) == 1 or parts[0] == "zone":
        match = LOCALE_FILE.match(parts[-1])
        return match is None or match.group(1) in KEPT_LANGUAGES
    return True


def _max_bytes_per_char(converter: bytes) -> int:
    """UConverterStaticData.maxBytesPerChar, after the data header (structSize, name[60],
    codepage, platform, conversionType, minBytesPerChar, maxBytesPerChar)."""
    (header_size,) = struct.unpack_from("<H", converter, 0)
    return converter[header_size + 4 + 60 + 4 + 3]


def _aligned(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def data_symbol(library: Path) -> tuple[str, bytes]:
    """(symbol, bytes) of the data a libicudata exports (`icudt73_dat`)."""
    symbols = subprocess.run(
        ["readelf", "--dyn-syms", "-W", str(library)], capture_output=True, text=True, check=True
    ).stdout
    fields = next(
        f
        for f in (line.split() for line in symbols.splitlines())
        if len(f) == 8 and f[3] == "OBJECT" and re.fullmatch(r"icudt\d+_dat", f[7])
    )
    vaddr, size = int(fields[1], 16), int(fields[2], 0)
    segments = subprocess.run(
        ["readelf", "-lW", str(library)], capture_output=True, text=True, check=True
    ).stdout
    for line in segments.splitlines():
        f = line.split()
        if f and f[0] == "LOAD":
            offset, start, filesz = int(f[1], 16), int(f[2], 16), int(f[4], 16)
            if start <= vaddr < start + filesz:
                at = offset + vaddr - start
                return fields[7], library.read_bytes()[at : at + size]
    raise ValueError(f"{library}: {fields[7]} is in no loadable segment")


def build_library(data: bytes, symbol: str, soname: str, out: Path) -> Path:
    """A shared object `soname` exporting `symbol` = data, 16-byte aligned as ICU requires."""
    with tempfile.TemporaryDirectory() as tmp:
        blob, source, obj = Path(tmp, "data.dat"), Path(tmp, "data.s"), Path(tmp, "data.o")
        blob.write_bytes(data)
        source.write_text(
            f".section .rodata\n.balign {ALIGN}\n.globl {symbol}\n.type {symbol}, @object\n"
            f'{symbol}:\n.incbin "{blob}"\n.size {symbol}, . - {symbol}\n'
            '.section .note.GNU-stack,"",@progbits\n'
        )
        subprocess.run(["as", "-o", str(obj), str(source)], check=True)
        subprocess.run(
            ["ld", "-shared", "-soname", soname, "-z", "noexecstack", "-o", str(out), str(obj)],
            check=True,
        )
    return out


def trim_icu_library(library: Path, out_dir: Path) -> tuple[Path, int, int]:
    """The trimmed copy of `library` in out_dir (same file name); (path, items kept, dropped)."""
    symbol, data = data_symbol(library)
    header, items = read_package(data)
    kept = {name: item for name, item in items.items() if wanted(name, item)}
    out_dir.mkdir(parents=True, exist_ok=True)
    out = build_library(write_package(header, kept), symbol, library.name, out_dir / library.name)
    return out, len(kept), len(items) - len(kept)
