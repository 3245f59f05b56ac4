"""The quarterly report (季度党务公开情况汇报) and the catalogue of disclosed items (.xlsx)."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .ledger import Ledger
from .model import Item
from .documents import form_of
from .render import cn_date, find_template, render_docx
from .workflow import SCOPE_NAMES, facts, is_overdue
from .workdays import Quarter
from .workspace import Settings

def parse_quarter(text: str | None, today: date) -> Quarter:
    return Quarter.parse(text) if text else Quarter.of(today)


@dataclass(frozen=True)
class Disclosure:
    item: Item
    date: str
    scope: str


def disclosures(ledger: Ledger, items: list[Item], quarter: Quarter) -> list[Disclosure]:
    out = []
    for item in items:
        for f in facts(ledger, item):
            if f.get("kind") == "publish" and quarter.holds(f.get("date")):
                out.append(Disclosure(item, f["date"], SCOPE_NAMES[f["scope"]]))
    return out


def quarterly_context(settings: Settings, ledger: Ledger, quarter: Quarter) -> tuple[dict, list[Disclosure]]:
    items = ledger.items()
    in_q = [i for i in items if quarter.holds(i.created)]
    done = disclosures(ledger, items, quarter)
    fb = [f for f in ledger.feedback() if quarter.holds(f.received)]
    cats = Counter((i.report.metadata.category_name if i.report.metadata else None) or "未分类" for i in in_q)
    scopes = Counter(d.scope for d in done)
    forms = Counter(form_of(i) for i in in_q)
    ctx = {
        "org": settings.org, "quarter": quarter.label, "total": str(len(in_q)),
        "by_category": [{"name": k, "count": str(v)} for k, v in sorted(cats.items())],
        "by_scope": [{"name": k, "count": str(v)} for k, v in sorted(scopes.items())],
        "by_form": [{"name": k, "count": str(v)} for k, v in sorted(forms.items())],
        "disclosed": [{"id": d.item.id, "title": d.item.title or "", "date": d.date, "scope": d.scope} for d in done],
        "feedback_total": str(len(fb)), "feedback_answered": str(sum(1 for f in fb if f.answer)),
        "overdue": [{"id": i.id, "title": i.title or "", "due": i.due or ""} for i in items if is_overdue(i, ledger.clock.today())],
        "generated": cn_date(ledger.clock.today().isoformat()),
    }
    return ctx, done


def write_quarterly(settings: Settings, ledger: Ledger, quarter: Quarter) -> list[Path]:
    ctx, done = quarterly_context(settings, ledger, quarter)
    folder = settings.outbox / "季度汇报"
    folder.mkdir(parents=True, exist_ok=True)
    doc = render_docx(find_template("季度汇报", settings.templates), ctx,
                      folder / f"{quarter.code}_季度党务公开情况汇报.docx", title=f"{quarter.label}党务公开情况汇报")
    return [doc, write_catalogue(folder / f"{quarter.code}_党务公开目录.xlsx", done)]


def write_catalogue(out: Path, done: list[Disclosure]) -> Path:
    """The catalogue of disclosed items as .xlsx (openpyxl), written to a temp file then renamed."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "公开目录"
    ws.append(["序号", "事项编号", "标题", "发文字号", "内容类别", "公开范围", "公开日期", "原文件"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for n, d in enumerate(done, start=1):
        md = d.item.report.metadata
        ws.append([n, d.item.id, _cell(d.item.title), _cell(md.doc_number if md else None),
                   _cell(md.category_name if md else None), d.scope, d.date, _cell(d.item.file)])
    for col, width in zip("ABCDEFGH", (6, 15, 50, 20, 26, 12, 12, 30)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a title starting with "=" stays text, never a formula
    tmp = out.with_name(out.name + ".part")
    wb.save(tmp)
    os.replace(tmp, out)
    return out


def _cell(value: str | None) -> str:
    from .render import clean_text

    return clean_text(value or "")
