"""Cells that a spreadsheet will show as text, never run as a formula."""

# A cell beginning with one of these is read as a formula by Excel, LibreOffice and Sheets
# (tab and carriage return too, since some of them skip leading blanks before deciding).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value, with an apostrophe in front if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
