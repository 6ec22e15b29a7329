"""The one xlsx cell writer and workbook saver, for sommaire.xlsx and `territoire -f xlsx`.

Text is always stored as text (never a formula, whatever it starts with: the spreadsheet twin of the CSV
writer's formula neutralisation), without the control characters a workbook cannot hold; numbers keep their
type and take the number format given. openpyxl is imported by the callers, only when an xlsx is asked for.
"""

from __future__ import annotations

import datetime
import io


def put(ws, row: int, col: int, value, number_format: str | None = None):
    """Write one typed cell of worksheet `ws` (1-based row and column) and return it."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # never a formula
        return cell
    cell.value = value
    if number_format and isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.number_format = number_format
    return cell


def to_bytes(wb, date: str) -> bytes:
    """The workbook as bytes, dated by the report date (ISO `date`) so the same input gives the same file."""
    try:
        stamp = datetime.datetime.fromisoformat(date)
    except (TypeError, ValueError):
        stamp = datetime.datetime(2000, 1, 1)
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    wb.properties.creator = "symbio"
    wb.properties.created = wb.properties.modified = stamp
    buf = io.BytesIO()
    # ExcelWriter itself: Workbook.save (save_workbook) would stamp `modified` with the clock
    ExcelWriter(wb, ZipFile(buf, "w", ZIP_DEFLATED, allowZip64=True)).save()
    return buf.getvalue()
