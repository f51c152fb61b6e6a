"""CSV for spreadsheets: cells that cannot run as formulas, written a line at a time.

A spreadsheet runs a cell that starts with = + - or @ as a formula (and some also after a
tab or carriage return), so a typed answer like `=HYPERLINK(...)` could act when the file is
opened. Such a cell gets a leading apostrophe, which spreadsheets show as plain text.
"""

import csv
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Excel reads a UTF-8 file as the local code page unless it starts with a byte-order mark.
BOM = "\ufeff"


def safe_cell(value) -> str:
    """The cell as text; text that a spreadsheet would run gets an apostrophe first. Numbers
    are left alone: a negative number is not a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


class _Line:
    """A file-like target that hands back what csv.writer writes instead of keeping it."""

    def write(self, text: str) -> str:
        return text


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The header and each row as one CSV line, every cell made safe, the BOM first."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])
