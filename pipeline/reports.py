"""The quarterly report (季度党务公开情况汇报) and its catalogue of disclosures (.xlsx).

Everything is counted by the dates things HAPPENED in the quarter (decision dates, pipeline/history.py):
drafts received, reviews, pre-disclosures, disclosures inside and outside, opinions received and answered,
items overdue. Blocked drafts are counted apart from the 党务公开事项. For a past quarter the report is
dated the quarter's last day and computed as of that day, so the same ledger gives the same report."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .documents import form_of
from .history import History, answered_on, histories, received_on, shown_title, was_overdue
from .ledger import Ledger
from .model import Item
from .render import cn_date, find_template, render_docx
from .spreadsheet import write_rows
from .workdays import Quarter
from .workflow import SCOPE_NAMES
from .workspace import Settings
from .public import view

UNDECIDED = "类别待定"


def parse_quarter(text: str | None, today: date) -> Quarter:
    return Quarter.parse(text) if text else Quarter.of(today)


@dataclass(frozen=True)
class Disclosure:
    item: Item
    date: str
    scope: str


@dataclass(frozen=True)
class QuarterCounts:
    received: int
    total: int  # 党务公开事项: received and not blocked
    blocked: int
    approved: int
    returned: int
    predisclosed: int
    inside: int
    outside: int
    feedback_received: int
    feedback_answered: int
    feedback_open: int
    overdue: int


def category_names(categories) -> list[tuple[int, str]]:
    return sorted((c.code, c.name) for c in categories)


def category_label(item: Item, names: dict[int, str]) -> str:
    md = item.report.metadata
    code = md.category if md else None
    return f"第{code}类 {names.get(code, md.category_name or '')}".strip() if code else UNDECIDED


def as_of(end: date, today: date) -> date:
    return min(end, today)


def in_range(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def quarterly_context(settings: Settings, ledger: Ledger, quarter: Quarter,
                      categories=()) -> tuple[dict, list[Disclosure], QuarterCounts]:
    today = ledger.clock.today()
    start, end = quarter.start, as_of(quarter.end, today)
    hs = histories(ledger)
    got = [h for h in hs if in_range(h.received, start, end)]
    kept = [h for h in got if not h.blocked_at_receipt]
    reviews = [s for h in hs for s in h.of("review") if s.data.get("level") == "bureau" and in_range(s.day, start, end)]
    pre = [h for h in hs if any(in_range(s.day, start, end) for s in h.of("predisclose"))]
    done = [Disclosure(h.item, d.isoformat(), SCOPE_NAMES.get(scope, scope))
            for h in hs for d, scope in h.disclosures() if in_range(d, start, end)]
    done.sort(key=lambda d: (d.date, d.item.id, d.scope))
    zone = ledger.clock.tz.key
    fb = ledger.feedback()
    fb_in = [f for f in fb if in_range(received_on(f, zone) or _created(f, ledger), start, end)]
    fb_answered = [f for f in fb if in_range(answered_on(ledger, f), start, end)]
    fb_open = [f for f in fb if (received_on(f, zone) or end) <= end
               and not ((a := answered_on(ledger, f)) and a <= end)]
    late = [h for h in hs if was_overdue(h, start, end)]
    counts = QuarterCounts(
        received=len(got), total=len(kept), blocked=len(got) - len(kept),
        approved=sum(s.data.get("decision") == "approve" for s in reviews),
        returned=sum(s.data.get("decision") == "reject" for s in reviews),
        predisclosed=len(pre),
        inside=len({d.item.id for d in done if d.scope == SCOPE_NAMES["inside"]}),
        outside=len({d.item.id for d in done if d.scope == SCOPE_NAMES["outside"]}),
        feedback_received=len(fb_in), feedback_answered=len(fb_answered), feedback_open=len(fb_open),
        overdue=len(late))
    names = dict(category_names(categories)) or {h.item.report.metadata.category: h.item.report.metadata.category_name
                                                 for h in kept if h.item.report.metadata and h.item.report.metadata.category}
    cats = Counter(category_label(h.item, names) for h in kept)
    order = [f"第{code}类 {name}" for code, name in sorted(names.items())] + [UNDECIDED]
    by_category = [{"name": n, "count": str(cats.get(n, 0))} for n in order if n in cats or categories]
    scopes = Counter(d.scope for d in done)
    forms = Counter(form_of(i) for i in {d.item.id: d.item for d in done}.values())
    summary = [("收到文稿（件）", counts.received), ("其中：党务公开事项（项）", counts.total),
               ("　　　不得公开、已拦截（件）", counts.blocked), ("审核通过（项次）", counts.approved),
               ("审核退回（项次）", counts.returned), ("预公开（项）", counts.predisclosed),
               ("党内公开（项）", counts.inside), ("党外公开（项）", counts.outside),
               ("收到意见建议（件）", counts.feedback_received), ("答复意见建议（件）", counts.feedback_answered),
               ("逾期未公开（项）", counts.overdue)]
    ctx = {
        "org": settings.org, "quarter": quarter.label, **{k: str(v) for k, v in counts.__dict__.items()},
        "summary": [{"name": n, "count": str(v)} for n, v in summary],
        "by_category": by_category,
        "by_scope": [{"name": k, "count": str(scopes[k])} for k in (SCOPE_NAMES["inside"], SCOPE_NAMES["outside"])
                     if k in scopes],
        "by_form": [{"name": k, "count": str(v)} for k, v in sorted(forms.items())],
        "disclosed": [{"id": d.item.id, "title": shown_title(d.item), "date": d.date, "scope": d.scope} for d in done],
        "feedback_total": str(counts.feedback_received), "feedback_answered": str(counts.feedback_answered),
        "feedback_open": str(counts.feedback_open),
        "overdue": [{"id": h.item.id, "title": shown_title(h.item), "due": h.item.due or ""} for h in late],
        "generated": cn_date(end.isoformat()),
    }
    return ctx, done, counts


def _created(f, ledger: Ledger) -> date | None:
    row = ledger.db.execute("SELECT created FROM feedback WHERE id=?", (f.id,)).fetchone()
    from .workdays import local_day

    return local_day(row[0], ledger.clock.tz.key) if row else None


def write_quarterly(settings: Settings, ledger: Ledger, quarter: Quarter, categories=()) -> list[Path]:
    ctx, done, _ = quarterly_context(settings, ledger, quarter, categories)
    folder = settings.outbox / "季度汇报"
    folder.mkdir(parents=True, exist_ok=True)
    doc = render_docx(find_template("季度汇报", settings.templates), view(settings).deep(ctx),
                      folder / f"{quarter.code}_季度党务公开情况汇报.docx", title=f"{quarter.label}党务公开情况汇报")
    return [doc, write_catalogue(folder / f"{quarter.code}_党务公开目录.xlsx", done, view(settings).text)]


def write_catalogue(out: Path, done: list[Disclosure], shown=None) -> Path:
    """The quarter's disclosures as .xlsx: one row per publication."""
    rows = []
    for n, d in enumerate(done, start=1):
        md = d.item.report.metadata
        rows.append([n, d.item.id, shown_title(d.item), (md.doc_number if md else None) or "",
                     (md.category_name if md else None) or UNDECIDED, d.scope, d.date, d.item.file])
    return write_rows(out, "公开目录", ["序号", "事项编号", "标题", "发文字号", "内容类别", "公开范围", "公开日期", "原文件"],
                      rows, (6, 15, 50, 20, 26, 12, 12, 30), shown)


__all__ = ["Disclosure", "History", "QuarterCounts", "parse_quarter", "quarterly_context", "write_quarterly"]
