"""CSV cells that a spreadsheet shows as text: no formula from a ledger or a platform reaches Excel.

Excel and WPS read a CSV cell starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula (CSV injection: ``=HYPERLINK(...)`` in an account
name becomes a live link). OWASP's advice, followed here: put a single quote
before such a cell, so the spreadsheet shows it as text; Python's csv module
already quotes cells holding commas, quotes or line breaks.

The quote is reversible: ``restore_cell`` undoes ``neutralize_cell`` exactly
for every string. A cell is prefixed when, past any leading quotes, it starts
with one of the characters above, so a cell that really starts with a quote
before such a character ("'=x") gets one more quote and comes back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = frozenset("=+-@\t\r")
"""First characters that make Excel or WPS read a CSV cell as a formula (OWASP)."""

QUOTE = "'"


def _needs_quote(text: str) -> bool:
    return text.lstrip(QUOTE)[:1] in FORMULA_STARTS


def neutralize_cell(text: str) -> str:
    """The cell as written to a CSV file: a quote first when a spreadsheet would read a formula."""
    if text and (text[0] in FORMULA_STARTS or (text[0] == QUOTE and _needs_quote(text))):
        return QUOTE + text
    return text


def restore_cell(text: str) -> str:
    """The original text of a cell written by ``neutralize_cell``."""
    if text[:1] == QUOTE and _needs_quote(text):
        return text[1:]
    return text


_SUSPECT = FORMULA_STARTS | {QUOTE}


def neutralize_row(cells: Iterable[str]) -> list[str]:
    """Every cell of a row through ``neutralize_cell`` (most cells are skipped at a glance)."""
    return [neutralize_cell(cell) if cell[:1] in _SUSPECT else cell for cell in cells]
