"""Data the spec leaves out of the bundle, checked with the project's Python in seconds: the
holidays library without its translations (holidays/locale) still knows every holiday the
counter and the recovery engine ask about, whatever language the machine is set to."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import holidays
import pytest

from tests.support.packaging import ROOT

# (country, subdivision): the wizard's locales' countries and some with many translations.
PLACES = [("US", "CA"), ("IN", ""), ("MX", ""), ("AU", "NSW"), ("GB", "SCT"), ("DE", "BY"),
          ("FR", ""), ("ES", "CT"), ("CA", "QC"), ("BR", "SP"), ("JP", ""), ("UA", "")]  # fmt: skip

DAYS = """
import json, sys
from datetime import date, timedelta
from app.recovery.quiet_hours import HolidayCalendar
from sync.simulation.localtime import is_public_holiday
import holidays
places = json.loads(sys.argv[1])
table = HolidayCalendar()
out = {}
for country, subdivision in places:
    days = [date(2026, 1, 1) + timedelta(n) for n in range(365)]
    out[f"{country}-{subdivision}"] = {
        "quiet hours": [d.isoformat() for d in days if table.is_holiday(d, country, subdivision)],
        "simulation": [d.isoformat() for d in days if is_public_holiday(d, country, subdivision)],
        "named": all(holidays.country_holidays(country, years=2026).values()),
    }
print(json.dumps(out))
"""


def _days(site: Path | None, language: str) -> dict:
    path = f"{site}:{ROOT}" if site else str(ROOT)
    result = subprocess.run(
        [sys.executable, "-c", DAYS, json.dumps(PLACES)],
        env={"PYTHONPATH": path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LANGUAGE": language},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def without_translations(tmp_path_factory) -> Path:
    """The holidays package as the spec bundles it: no locale/ folder."""
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(
        Path(holidays.__file__).parent,
        site / "holidays",
        ignore=lambda folder, names: {"locale", "__pycache__"} & set(names),
    )
    return site


@pytest.mark.parametrize("language", ["", "es"])
def test_holidays_without_their_translations_are_the_same_days(without_translations, language):
    full, trimmed = _days(None, language), _days(without_translations, language)
    assert trimmed == full
    assert all(v["named"] for v in trimmed.values())
    assert "2026-12-25" in trimmed["US-CA"]["quiet hours"]
    assert "2026-10-12" in trimmed["ES-CT"]["simulation"]  # Fiesta Nacional de España
