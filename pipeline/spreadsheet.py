"""Writing a simple .xlsx table (openpyxl): bold header, wrapped cells, every string stored as text (a title
starting with "=" never becomes a formula), written to a temp file then renamed into place."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from .inbox import temp_beside


def write_rows(out: Path, sheet: str, header: Sequence[str], rows: Sequence[Sequence[object]],
               widths: Sequence[int]) -> Path:
    from openpyxl import Workbook
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
        ws.append([clean_text(v) if isinstance(v, str) else v for v in r])
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                cell.data_type = "s"
    tmp = temp_beside(out)
    wb.save(tmp)
    os.replace(tmp, out)
    return out
