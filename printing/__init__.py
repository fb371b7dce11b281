"""Receipts, credit notes and shift reports on paper: ESC/POS and PDF renderers, printer ports.

Documents come ready-made from app.domain.documents (what they say is decided there, once);
this package only draws them. It imports nothing of ours but app.domain.
"""

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
