"""packaging/slim_bundle.py on real wheels' files, in seconds (the bundle itself is tested in
test_bundle.py): pyarrow writes Parquet without the Arrow libraries the spec leaves out once
the links to them are removed, and identical libraries of two wheels become one."""

import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))
from slim_bundle import drop_needed, link_duplicates, unlink_left_out

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF files")

LEFT_OUT = ("libarrow_dataset", "libarrow_acero", "libarrow_substrait")
WRITE_PARQUET = """
import sys
import pyarrow as pa
import pyarrow.parquet as pq
schema = pa.schema([("id", pa.int64()), ("at", pa.timestamp("us", tz="UTC"))])
with pq.ParquetWriter(sys.argv[1], schema) as writer:
    writer.write_table(pa.Table.from_arrays(
        [pa.array([1, 2]), pa.array([0, 1], type=pa.timestamp("us", tz="UTC"))], schema=schema))
print(pq.ParquetFile(sys.argv[1]).metadata.num_rows)
"""


@pytest.fixture
def trimmed_pyarrow(tmp_path) -> tuple[Path, set[str]]:
    """pyarrow copied as the spec bundles it: no dataset/Acero/Substrait libraries or modules."""
    source = Path(pyarrow.__file__).parent
    target = tmp_path / "site" / "pyarrow"

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {
            n
            for n in names
            if n in ("tests", "include", "src")
            or n.startswith((*LEFT_OUT, "_dataset", "_acero", "_substrait", "libarrow_flight"))
        }

    shutil.copytree(source, target, ignore=ignore)
    sonames = {p.name for p in source.glob("*.so.*") if p.name.startswith(LEFT_OUT)}
    return target, sonames


def _write_parquet(site: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WRITE_PARQUET, str(out)],
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_parquet_is_written_without_the_left_out_arrow_libraries(trimmed_pyarrow, tmp_path):
    folder, sonames = trimmed_pyarrow
    out = tmp_path / "cases.parquet"
    assert sonames, "pyarrow's library names changed: update PYARROW_DROPPED in the spec"
    refused = _write_parquet(folder.parent, out)  # as PyInstaller leaves it: still linked
    assert refused.returncode != 0 and "cannot open shared object" in refused.stderr

    assert unlink_left_out(folder, sonames) > 0
    written = _write_parquet(folder.parent, out)
    assert written.returncode == 0, written.stderr
    assert written.stdout.split() == ["2"] and out.read_bytes()[:4] == b"PAR1"
    assert not drop_needed(folder / "lib.cpython-311-x86_64-linux-gnu.so", sonames)  # all gone


def test_identical_libraries_of_two_wheels_become_one(tmp_path):
    library = Path(pyarrow.__file__).parent / "libarrow_python.so"
    for wheel in ("numpy.libs", "scipy.libs"):
        (tmp_path / wheel).mkdir()
        shutil.copy(library.resolve(), tmp_path / wheel / "libfoo-1a2b.so.5")
    (tmp_path / "scipy.libs" / "libbar.so.1").write_bytes(b"\x7fELF other")
    saved = link_duplicates(tmp_path)
    copy = tmp_path / "scipy.libs" / "libfoo-1a2b.so.5"
    assert saved == library.resolve().stat().st_size
    assert copy.is_symlink() and copy.resolve() == tmp_path / "numpy.libs" / "libfoo-1a2b.so.5"
    assert not (tmp_path / "scipy.libs" / "libbar.so.1").is_symlink()
