"""packaging/slim_bundle.py on real wheels' files, in seconds (the bundle itself is tested in
test_bundle.py): arro3's Rust libraries, stripped as the bundle's are, still write a Parquet
file that reads back, and identical libraries of two wheels become one."""

import shutil
import subprocess
import sys
from pathlib import Path

import arro3.core
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))
from slim_bundle import link_duplicates, strip_all

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("strip") is None,
    reason="ELF files and binutils",
)

ARRO3 = Path(arro3.core.__file__).parent.parent
WRITE_PARQUET = """
import sys
from arro3.core import Array, DataType, RecordBatch, RecordBatchReader, Schema, Field
from arro3.io import read_parquet, write_parquet
stamp = DataType.timestamp("us", tz="UTC")
schema = Schema([Field("id", DataType.int64()), Field("at", stamp)])
batch = RecordBatch.from_arrays(
    [Array([1, None], type=DataType.int64()), Array([0, 1], type=DataType.int64()).cast(stamp)],
    schema=schema)
write_parquet(RecordBatchReader.from_batches(schema, iter([batch])), sys.argv[1],
              compression="snappy")
table = read_parquet(sys.argv[1]).read_all()
print(table.num_rows, table.column("id").to_pylist(), table.schema.field("at").type.tz)
"""


def test_arro3_stripped_as_the_bundle_is_still_writes_and_reads_parquet(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(ARRO3, site / "arro3", ignore=shutil.ignore_patterns("__pycache__"))
    saved, kept = strip_all(site)
    assert kept == []  # every library passed the loader's checks and was stripped
    out = tmp_path / "cases.parquet"
    written = subprocess.run(
        [sys.executable, "-c", WRITE_PARQUET, str(out)],
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert written.returncode == 0, written.stderr
    assert written.stdout.split() == ["2", "[1,", "None]", "UTC"]
    assert out.read_bytes()[:4] == b"PAR1" and saved >= 0


def test_identical_libraries_of_two_wheels_become_one(tmp_path):
    library = next((ARRO3 / "core").glob("_core*.so"))
    for wheel in ("numpy.libs", "scipy.libs"):
        (tmp_path / wheel).mkdir()
        shutil.copy(library.resolve(), tmp_path / wheel / "libfoo-1a2b.so.5")
    (tmp_path / "scipy.libs" / "libbar.so.1").write_bytes(b"\x7fELF other")
    saved = link_duplicates(tmp_path)
    copy = tmp_path / "scipy.libs" / "libfoo-1a2b.so.5"
    assert saved == library.resolve().stat().st_size
    assert copy.is_symlink() and copy.resolve() == tmp_path / "numpy.libs" / "libfoo-1a2b.so.5"
    assert not (tmp_path / "scipy.libs" / "libbar.so.1").is_symlink()
