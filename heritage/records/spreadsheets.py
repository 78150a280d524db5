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

Reading XLSX, a formula cell is read as the value last computed for it (XLSX, below).
"""

import io
import re
import zipfile

import openpyxl
import tablib
from django.conf import settings
from import_export.formats import base_formats

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


class UncomputedFormula(str):
    """The formula of an XLSX cell whose file keeps no value for it (see XLSX): an import refuses it."""


# A formula element of SpreadsheetML (<f>, <f t="shared" .../>, <x:f>), which only formula cells hold.
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")


def has_formulas(in_stream):
    """
    Whether an XLSX file's sheets hold a formula: read from the sheets' XML, a twentieth of the time openpyxl takes to
    read the cells again (a file without formulas is read once, as the library reads it).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
            sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
            return any(holds_formula(archive, name) for name in sheets)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False  # not a file of this format: the library's reader says so


def holds_formula(archive, name):
    """Whether the XML of one sheet holds a formula element, read in parts (a sheet's XML can be large)."""
    with archive.open(name) as xml:
        tail = b""
        while part := xml.read(1 << 20):
            if FORMULA_ELEMENT.search(tail + part):
                return True
            tail = part[-64:]  # an element's start (with its namespace prefix) cut between two parts
    return False


def is_uncomputed(cell, formula):
    """
    Whether a cell (read as its value, and as its formula) is a formula without a value. A formula whose value is empty
    text is saved as text without a value; a formula without a value, as a number without one.
    """
    return formula.data_type == "f" and cell.value is None and cell.data_type == "n"


def uncomputed(cell):
    """A formula cell read without its value: its formula (an array formula's text)."""
    return UncomputedFormula(getattr(cell.value, "text", cell.value))


class XLSX(base_formats.XLSX):
    """
    django-import-export's XLSX, reading a formula cell as the value last computed for it, which Excel and LibreOffice
    save beside the formula. A file written by a program (openpyxl, pandas) may hold formulas without values, which
    the library reads as empty cells: an import would store nothing for them and say nothing. Such a cell is read as
    its formula, marked as an UncomputedFormula, for the import to refuse.
    """

    def create_dataset(self, in_stream):
        if not has_formulas(in_stream):
            return super().create_dataset(in_stream)
        values = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True).active.rows
        formulas = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=False).active.rows
        dataset = tablib.Dataset()
        ignore_blanks = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        for index, (row, formula_row) in enumerate(zip(values, formulas, strict=True)):
            cells = [
                uncomputed(formula) if is_uncomputed(cell, formula) else cell.value
                for cell, formula in zip(row, formula_row, strict=True)
            ]
            if index == 0:
                dataset.headers = cells
            elif not (ignore_blanks and all(cell is None for cell in cells)):
                dataset.append(cells)
        return dataset
