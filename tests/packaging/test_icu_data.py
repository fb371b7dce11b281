"""packaging/icu_data.py on PySide6's real ICU data library, in seconds: Qt, run with the trimmed
library preloaded in place of its own, collates, maps case and names time zones exactly as with
the full data; only what the module says is left out (multi-byte legacy codecs) differs."""

import json
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))
from icu_data import read_package, trim_icu_library, write_package

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF files")

FULL = next((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))

# What QtCore asks ICU for (its only ICU calls: collation, codecs by name, case mapping, time
# zone display names), printed as JSON by a Python whose Qt has `libicudata` preloaded.
PROBE = """
import json
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QStringConverter, QTimeZone
words = ["zebra", "Äpfel", "apple", "Öl", "ñandú", "nube", "ch", "cz", "file10", "file2",
         "Ångström", "été", "école", "Ørsted", "ÿ", "ĳssel", "İzmir", "čaj", "cukr"]
out = {"collation": {}, "codecs": {}, "zones": {}}
for locale in ["en_US", "es_MX", "hi_IN", "de_DE", "sv_SE", "da_DK", "cs_CZ", "tr_TR", "fr_FR",
               "zh_CN", "ja_JP", "ar_EG"]:
    collator = QCollator(QLocale(locale))
    collator.setNumericMode(True)
    out["collation"][locale] = sorted(words, key=collator.sortKey)
for codec in ["windows-1252", "ISO-8859-15", "KOI8-R", "IBM850", "macintosh", "TIS-620",
              "Shift_JIS", "GB18030", "Big5", "EUC-KR"]:
    out["codecs"][codec] = QStringDecoder(codec).isValid()
out["codecs"]["available"] = len(QStringConverter.availableCodecs())
for zone in ["Europe/Berlin", "America/Mexico_City", "Asia/Kolkata", "Australia/Sydney"]:
    tz = QTimeZone(zone.encode())
    for locale in ["en_US", "en_GB", "en_IN", "en_AU", "es_MX", "hi_IN"]:
        out["zones"][f"{zone} {locale}"] = [
            tz.displayName(kind, length, QLocale(locale))
            for kind in (QTimeZone.StandardTime, QTimeZone.DaylightTime)
            for length in (QTimeZone.LongName, QTimeZone.ShortName)
        ]
out["case"] = [QLocale("tr_TR").toUpper("istanbul"), QLocale("de_DE").toUpper("straße"),
               QLocale("el_GR").toLower("ΟΔΟΣ"), QLocale("lt_LT").toLower("Ì")]
print(json.dumps(out))
"""


def probe(icu_data: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={"LD_PRELOAD": str(icu_data), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory) -> Path:
    library, kept, dropped = trim_icu_library(FULL, tmp_path_factory.mktemp("icu"))
    assert kept and dropped
    return library


@pytest.fixture(scope="module")
def answers(trimmed) -> tuple[dict, dict]:
    """What Qt answers with its own ICU data, and with the trimmed library."""
    return probe(FULL), probe(trimmed)


def test_the_trimmed_library_is_a_fifth_of_the_full_one(trimmed):
    assert trimmed.name == FULL.name
    assert trimmed.stat().st_size < FULL.stat().st_size / 4
    soname = subprocess.run(["readelf", "-dW", str(trimmed)], capture_output=True, text=True)
    assert f"Library soname: [{FULL.name}]" in soname.stdout


def test_qt_collates_maps_case_and_names_zones_as_with_the_full_data(answers):
    full, cut = answers
    assert cut["collation"] == full["collation"]
    assert full["collation"]["sv_SE"] != full["collation"]["en_US"]  # tailorings are exercised
    assert cut["case"] == full["case"] == ["İSTANBUL", "STRASSE", "οδος", "i̇̀"]
    assert cut["zones"] == full["zones"]  # every language the first-run wizard offers
    assert cut["zones"]["Asia/Kolkata hi_IN"][0] != cut["zones"]["Asia/Kolkata en_IN"][0]


def test_single_byte_codecs_stay_and_multi_byte_ones_go(answers):
    full, cut = answers[0]["codecs"], answers[1]["codecs"]
    single = ("windows-1252", "ISO-8859-15", "KOI8-R", "IBM850", "macintosh", "TIS-620")
    assert all(full[c] and cut[c] for c in single)
    assert all(full[c] and not cut[c] for c in ("Shift_JIS", "GB18030", "Big5", "EUC-KR"))
    assert 0 < cut["available"] < full["available"]


def test_a_package_read_and_written_again_keeps_every_item():
    from icu_data import data_symbol

    _, data = data_symbol(FULL)
    header, items = read_package(data)
    again = read_package(write_package(header, items))
    assert again == (header, items) and len(items) > 3000
