"""
Cells that spreadsheets read as text, never as formulas: one rule for every export (the API's CSV, the admin's
CSV and XLSX) and its inverse for the admin's import, so that an exported file imports back unchanged.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by Excel, LibreOffice and
Google Sheets (`=HYPERLINK(...)`, `@SUM(...)`, `-2+3`): a curator's description could then act on the reader's
machine. Such a text cell is written with a leading apostrophe, which spreadsheets show as the start of a text and
do not evaluate (OWASP's advice for CSV injection). Plain numbers (`-34.6`, `+5`, `1e3`) cannot be formulas and are
left as they are. Text that already begins with apostrophes before such a character gets one more, so that
`unescape_formula()` can always take exactly one off.

Why not defusedcsv: it only wraps the csv module (not XLSX), and it also rewrites `|` inside cells, which an
import could not undo.
"""

import re

FORMULA_STARTS = frozenset("=+-@\t\r")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _needs_escape(text):
    return text.lstrip("'")[:1] in FORMULA_STARTS and not NUMBER.fullmatch(text)


def escape_formula(value):
    """`value` as a cell a spreadsheet shows as text; values that are not text are returned as they are."""
    if isinstance(value, str) and _needs_escape(value):
        return "'" + value
    return value


def unescape_formula(value):
    """The inverse of escape_formula(): a cell it escaped, back to the text it was given."""
    if isinstance(value, str) and value.startswith("'") and _needs_escape(value[1:]):
        return value[1:]
    return value
