"""The spreadsheet rule, stated once: how a value becomes a CSV cell that is
safe to open in Excel, LibreOffice or Google Sheets.

The public CSV exports (``tracker/exports.py``) and the stewards' import and
export files (``tracker/admin/resources.py``) both write cells through it.
"""

from datetime import date

# OWASP's list of characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Make one cell safe to open in a spreadsheet.

    A cell that begins with ``= + - @``, a tab or a carriage return would be
    evaluated as a formula (CSV injection); a leading single quote makes it
    plain text. ``None`` becomes an empty cell, dates and times ISO 8601, and
    every other value its ``str()``. Called for every cell of an export, so
    the common cases return early.
    """
    if value is None:
        return ""
    if isinstance(value, date):  # datetime is a subclass; ISO never starts a formula
        return value.isoformat()
    value = str(value)
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
