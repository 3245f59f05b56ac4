"""The annual 党务公开目录 (《中国共产党党务公开条例（试行）》): every item disclosed in the year, one row per
item, ordered by content category (1–7, then 类别待定) and date, as .docx and .xlsx."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from .documents import form_of
from .errors import UsageError
from .history import histories, shown_title
from .ledger import Ledger
from .render import cn_date, find_template, render_docx
from .reports import UNDECIDED, category_label, category_names
from .spreadsheet import write_rows
from .workflow import SCOPE_NAMES
from .workspace import Settings
from .public import view


def parse_year(text: str | None, today: date) -> int:
    if not text:
        return today.year
    if not text.strip().isdigit() or not 2000 <= int(text) <= 2100:
        raise UsageError(f"年份应写成 2026 这样的四位数字，收到：{text}")
    return int(text)


def catalogue_rows(ledger: Ledger, year: int, categories=()) -> list[dict]:
    names = dict(category_names(categories))
    end = min(date(year, 12, 31), ledger.clock.today())
    rows = []
    for h in histories(ledger):
        pubs = [(d, scope) for d, scope in h.disclosures() if d.year == year and d <= end]
        if not pubs:
            continue
        md = h.item.report.metadata
        code = md.category if md and md.category else 99
        label = category_label(h.item, names) if names else ((md.category_name if md else None) or UNDECIDED)
        scopes = [SCOPE_NAMES[s] for s in ("inside", "outside") if any(sc == s for _, sc in pubs)]
        rows.append({"code": code, "first": min(d for d, _ in pubs), "id": h.item.id, "title": shown_title(h.item),
                     "doc_number": (md.doc_number if md else None) or "", "category": label,
                     "scope": "、".join(scopes), "form": form_of(h.item),
                     "date": "；".join(f"{d.isoformat()}（{SCOPE_NAMES[sc][:2]}）" for d, sc in sorted(pubs)),
                     "inside": any(sc == "inside" for _, sc in pubs), "outside": any(sc == "outside" for _, sc in pubs)})
    rows.sort(key=lambda r: (r["code"], r["first"], r["id"]))
    for n, r in enumerate(rows, start=1):
        r["n"] = str(n)
    return rows


def write_year_catalogue(settings: Settings, ledger: Ledger, year: int, categories=()) -> list[Path]:
    rows = catalogue_rows(ledger, year, categories)
    folder = settings.outbox / "党务公开目录"
    folder.mkdir(parents=True, exist_ok=True)
    end = min(date(year, 12, 31), ledger.clock.today())
    ctx = {"org": settings.org, "year": str(year), "total": str(len(rows)),
           "inside": str(sum(r["inside"] for r in rows)), "outside": str(sum(r["outside"] for r in rows)),
           "rows": [{k: r[k] for k in ("n", "title", "category", "scope", "form", "date")} for r in rows],
           "generated": cn_date(end.isoformat())}
    doc = render_docx(find_template("党务公开目录", settings.templates), view(settings).deep(ctx),
                      folder / f"{year}年度党务公开目录.docx", title=f"{year}年度党务公开目录")
    xlsx = write_rows(folder / f"{year}年度党务公开目录.xlsx", f"{year}年度",
                      ["序号", "事项编号", "公开事项", "发文字号", "内容类别", "公开范围", "公开形式", "公开时间"],
                      [[int(r["n"]), r["id"], r["title"], r["doc_number"], r["category"], r["scope"], r["form"], r["date"]]
                       for r in rows], (6, 15, 50, 20, 30, 16, 22, 30), view(settings).text)
    return [doc, xlsx]
