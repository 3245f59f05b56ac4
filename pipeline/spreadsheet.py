"""Writing a simple .xlsx table (openpyxl): bold header, wrapped cells, a filter on the header, printed on
A4 (landscape when wide) one page wide with the header on every page, every string stored as text with
openpyxl's own string type (a cell starting with = + - @, a tab or a CR never becomes a formula, and no
apostrophe shows), every string through the public view when one is given; written to a temp file then
renamed into place."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Sequence

from .inbox import temp_beside


def write_rows(out: Path, sheet: str, header: Sequence[str], rows: Sequence[Sequence[object]],
               widths: Sequence[int], shown: Callable[[str], str] | None = None) -> Path:
    """`shown`: the public view's text masking (public.PublicView.text) for what staff may read."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from .render import clean_text

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([(shown or str)(clean_text(v)) if isinstance(v, str) else v for v in r])
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions  # the liaison sorts and filters by category, scope, date
    # printed: A4 landscape, all columns on one page width, the header row repeated on every page
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if sum(widths) > 100 else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # openpyxl took "=…" for a formula: it is text
    tmp = temp_beside(out)
    wb.save(tmp)
    os.replace(tmp, out)
    return out
