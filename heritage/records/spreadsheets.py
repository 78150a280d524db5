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

The readers below are the import's: the admin's take at most ADMIN_IMPORT_MAX_ROWS rows and stop reading past them,
and XLSX is read as its cells are, whatever else the file claims, a formula cell as the value last computed for it.
"""

import csv
import io
import re
import zipfile

import openpyxl
import tablib
from import_export.formats import base_formats
from openpyxl.utils import get_column_letter

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


# What Python's zipfile raises on a file that is not a readable archive (a damaged directory, a method it lacks).
ARCHIVE_ERRORS = (zipfile.BadZipFile, NotImplementedError, OSError, ValueError, EOFError)


def unpacked_size(file):
    """
    The bytes an archive (an XLSX file, an open file object) unpacks to, as its directory declares them, which are the
    most zipfile unpacks (more is a damaged file); None for a file that is not a readable archive.
    """
    try:
        with zipfile.ZipFile(file) as archive:
            return sum(member.file_size for member in archive.infolist())
    except ARCHIVE_ERRORS:
        return None
    finally:
        file.seek(0)


def has_formulas(in_stream):
    """
    Whether an XLSX file's sheets hold a formula: read from the sheets' XML, a twentieth of the time openpyxl takes to
    read the cells again (a file without formulas is read once, as the library reads it).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
            sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
            return any(holds_formula(archive, name) for name in sheets)
    except ARCHIVE_ERRORS:
        return False  # not a file of this format: the reader says so


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


class Unreadable(ValueError):
    """A file these readers refuse to read, saying why in words for the person who sent it."""


class TooManyRows(Unreadable):
    """A file longer than its reader was told to take (the admin's ADMIN_IMPORT_MAX_ROWS)."""

    def __init__(self, limit):
        super().__init__(
            f"The file has more than {limit:,} rows; at most {limit:,} are imported here at once: split it, or import "
            "it on the server with manage.py import."
        )


class CSV(base_formats.CSV):
    """
    django-import-export's CSV, taking at most `max_rows` rows when given a limit: a longer file is refused as soon as
    its rows are counted past it, before tablib reads it whole (20 MB of short lines is ten million rows, and seconds
    and gigabytes to read).
    """

    def __init__(self, encoding=None, max_rows=None):
        super().__init__(encoding)
        self.max_rows = max_rows

    def create_dataset(self, in_stream):
        if self.max_rows is not None:
            rows = csv.reader(io.StringIO(in_stream))
            next(rows, None)  # the column names
            # Blank lines are no rows, as tablib reads them.
            if any(number > self.max_rows for number, _ in enumerate(filter(None, rows), start=1)):
                raise TooManyRows(self.max_rows)
        return super().create_dataset(in_stream)


class XLSX(base_formats.XLSX):
    """
    django-import-export's XLSX, reading a sheet's cells as they are in the file, not as its other parts describe them,
    in time that grows with its rows (at most `max_rows` of them, when given a limit):

    - A formula cell is read as the value last computed for it, which Excel and LibreOffice save beside the formula.
      A file written by a program (openpyxl, pandas) may hold formulas without values, which the library reads as
      empty cells: an import would store nothing for them and say nothing. Such a cell is read as its formula, marked
      as an UncomputedFormula, for the import to refuse.
    - The sheet's recorded size (its `dimension`) is ignored: openpyxl pads every row to it, and adds empty rows up
      to it, so a file of a few hundred bytes claiming a million rows of 16,384 columns would be read for hours.
    - Empty rows after the last row with a value (a spreadsheet's formatting carried down the sheet) are no rows.
      Empty rows between rows with values are kept, so that the import's row numbers stay the sheet's.
    - A value in a column the first row does not reach is refused (Unreadable), not dropped.
    - The rows become a dataset at once: tablib checks every row again each time an empty one is appended (the
      library's reader took 81 s for a file of 1.5 kB whose one row of data was the sheet's 30,000th).
    """

    def __init__(self, encoding=None, max_rows=None):
        super().__init__(encoding)
        self.max_rows = max_rows

    def create_dataset(self, in_stream):
        if has_formulas(in_stream):
            rows = map(values, sheet_rows(in_stream, data_only=True), sheet_rows(in_stream, data_only=False))
        else:
            rows = ([cell.value for cell in row] for row in sheet_rows(in_stream, data_only=True))
        headers = next(rows, [])
        width, kept, blank = len(headers), [], 0
        for number, cells in enumerate(rows, start=1):
            if unnamed := [column for column, cell in enumerate(cells[width:], start=width + 1) if cell is not None]:
                raise Unreadable(
                    f"Row {number} has a value in column {get_column_letter(unnamed[0])}, which the first row does "
                    "not name."
                )
            if all(cell is None for cell in cells):
                blank += 1
                continue
            if self.max_rows is not None and len(kept) + blank >= self.max_rows:
                raise TooManyRows(self.max_rows)
            kept += ([None] * width for _ in range(blank))
            blank = 0
            kept.append(cells + [None] * (width - len(cells)))
        return tablib.Dataset(*kept, headers=headers)


def sheet_rows(in_stream, data_only):
    """The first sheet's rows of cells, each as long as the file makes it (a row the file leaves out: no cells)."""
    sheet = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=data_only).active
    sheet.reset_dimensions()
    return sheet.rows


def values(row, formulas):
    """A row's values (`row` read for values, `formulas` for formulas), a formula without one as UncomputedFormula."""
    return [
        uncomputed(formula) if is_uncomputed(cell, formula) else cell.value
        for cell, formula in zip(row, formulas, strict=True)
    ]
