"""Thermal paper profiles (58 mm, 80 mm) and what their code page can print."""

import unicodedata
from dataclasses import dataclass, replace
from functools import cache

from escpos.capabilities import get_profile
from escpos.codepages import CodePages
from escpos.magicencode import Encoder


@dataclass(frozen=True)
class ThermalProfile:
    """A printer as the layout sees it: columns of font A, dots per line, its code page."""

    name: str
    paper_mm: int
    columns: int
    dots: int  # printable width at 203 dpi; font A is 12 dots wide
    code_page: str = "CP437"  # the printer's power-on table on most ESC/POS models
    native_qr: bool = True  # GS ( k; False sends the QR as a raster image
    drawer_pin: int = 2

    def with_code_page(self, code_page: str) -> "ThermalProfile":
        return replace(self, code_page=code_page_name(code_page))


PAPER_58 = ThermalProfile("58 mm", 58, 32, 384)
PAPER_80 = ThermalProfile("80 mm", 80, 48, 576)
PROFILES = {58: PAPER_58, 80: PAPER_80}


def profile_for(width_mm: int, code_page: str | None = None) -> ThermalProfile:
    """The profile for a paper width as settings store it (58 or 80)."""
    if width_mm not in PROFILES:
        raise ValueError(f"Paper width must be 58 or 80 mm, not {width_mm}.")
    profile = PROFILES[width_mm]
    return profile.with_code_page(code_page) if code_page else profile


# Signs most code pages lack, spelled the way a cashier would write them by hand.
FALLBACKS = {
    "₹": "Rs.",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₩": "KRW",
    "₱": "PHP",
    "₦": "NGN",
    "₫": "VND",
    "₪": "ILS",
    "₺": "TRY",
    "₴": "UAH",
    "₽": "RUB",
    "฿": "THB",
    "₨": "Rs.",
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "Ø": "O",
    "ø": "o",
    "Œ": "OE",
    "œ": "oe",
    "ı": "i",
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u2022": "*",
    "·": "-",
}


_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})


def code_page_name(code_page: str) -> str:
    """The canonical name ('cp858' -> 'CP858'); ValueError for a table ESC/POS lacks."""
    name = CodePages.get_encoding_name(code_page.strip().upper())
    if name not in ESCPOS_CODE_PAGES:
        raise ValueError(
            f"Unknown printer code page '{code_page}'. Use one of: "
            + ", ".join(sorted(ESCPOS_CODE_PAGES))
        )
    return name


# The tables ESC t can select on a generic printer, name -> table number.
ESCPOS_CODE_PAGES = {
    name: int(number)
    for name, number in get_profile("default").get_code_pages().items()
    if name != "Unknown" and "python_encode" in CodePages.get_encoding(name)
}


@cache
def _encoder(code_page: str) -> Encoder:
    return Encoder({code_page: ESCPOS_CODE_PAGES[code_page]})


def can_print(char: str, code_page: str) -> bool:
    return _encoder(code_page).can_encode(code_page, char)


def printable(text: str, code_page: str) -> str:
    """The text with every sign the code page lacks spelled out; never a '?'.

    What still cannot be spelled (a name in a script the code page lacks) is left as it is:
    the renderer prints that line as an image instead.
    """
    text = text.translate(_SPACES)  # a printer has one width of space
    out: list[str] = []
    for index, char in enumerate(text):
        if can_print(char, code_page):
            out.append(char)
            continue
        if char in FALLBACKS:
            spelled = FALLBACKS[char]
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            # "₹145.50" -> "Rs. 145.50", "145,50 €" stays "145,50 EUR"
            if spelled.strip() and before.isdigit():
                spelled = " " + spelled
            if spelled.strip() and after.isdigit():
                spelled += " "
            out.append(spelled)
            continue
        out.append(_without_accents(char, code_page))
    return "".join(out)


def _without_accents(char: str, code_page: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if base and all(can_print(c, code_page) for c in base):
        return base
    return char


def fits_code_page(text: str, code_page: str) -> bool:
    return all(can_print(c, code_page) for c in text)
