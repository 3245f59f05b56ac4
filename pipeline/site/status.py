"""The leadership group's status page (工作台): the monthly inspection of plan 六.3 on one screen.
Pure data here; pages.py draws it (bars in HTML/CSS)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from ..ledger import Ledger
from ..model import Item
from ..rules import Rules
from ..workflow import STATUS_NAMES, facts, is_overdue, last_review
from ..workspace import Settings

OPEN = ("received", "approved", "predisclosed", "returned")


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    detail: str
    days: int | None = None
    who: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class Status:
    today: str
    total: int
    by_status: tuple[Bar, ...]
    waiting_review: tuple[Row, ...]
    waiting_signed: tuple[Row, ...]
    overdue: tuple[Row, ...]
    due_soon: tuple[Row, ...]
    open_periods: tuple[Row, ...]
    unanswered: tuple[Row, ...]
    by_category: tuple[Bar, ...]
    by_month: tuple[Bar, ...]
    year: int


def _bars(pairs: list[tuple[str, int]]) -> tuple[Bar, ...]:
    top = max((n for _, n in pairs), default=0) or 1
    return tuple(Bar(label, n, round(100 * n / top)) for label, n in pairs)


def _days(since: str | None, today: date) -> int | None:
    return max(0, (today - date.fromisoformat(since[:10])).days) if since else None


def _title(item: Item) -> str:
    return item.title or "（无标题）"


def compute(settings: Settings, ledger: Ledger, rules: Rules, today: date) -> Status:
    items = ledger.items()
    liaison = settings.leadership.liaison or "联络员"
    leader = settings.leadership.leader or "组长"
    horizon = settings.calendar.add(today, 10)  # China's working days (State Council holidays, 调休)
    review, signed, overdue, soon, periods = [], [], [], [], []
    for item in items:
        fs = facts(ledger, item)
        if item.status == "received":
            since = next((e.at for e in reversed(item.events) if e.to_state == "received"), item.created)
            review.append(Row(item.id, _title(item), "待局党务公开领导小组审核", _days(since, today), leader))
        if item.status in ("approved", "predisclosed"):
            approved = last_review(fs, "bureau")
            if item.version not in {f["version"] for f in ledger.signed_forms(item.id)}:  # 版本不符 does not count
                since = approved["date"] if approved else None
                signed.append(Row(item.id, _title(item), "审批表待签字收回", _days(since, today), liaison))
        if is_overdue(item, today):
            overdue.append(Row(item.id, _title(item), f"应于 {item.due} 前公开（{STATUS_NAMES[item.status]}）",
                               _days(item.due, today), liaison))
        elif item.due and item.status in OPEN and date.fromisoformat(item.due) <= horizon:
            soon.append(Row(item.id, _title(item), f"应于 {item.due} 前公开（{STATUS_NAMES[item.status]}）",
                            (date.fromisoformat(item.due) - today).days, liaison))
        if item.status == "predisclosed":
            p = [f for f in fs if f.get("kind") == "predisclose"][-1]
            if p["end"] >= today.isoformat():
                periods.append(Row(item.id, _title(item), f"{p['start']} 至 {p['end']}（最后一天 {p['end']}）",
                                   (date.fromisoformat(p["end"]) - today).days, liaison))
    titles = {i.id: _title(i) for i in items}
    unanswered = [Row(f.id, titles.get(f.item_id or "", "（尚未关联事项）"), f"{f.channel or ''}：{f.content[:40]}",
                      _days(f.received, today), liaison)
                  for f in ledger.feedback() if not f.answer]
    counts = Counter(i.status for i in items)
    year_items = [i for i in items if i.created[:4] == str(today.year)]
    cats = Counter(i.report.metadata.category if i.report.metadata else None for i in year_items)
    by_cat = [(f"{c.code}. {c.name}", cats.get(c.code, 0)) for c in rules.categories]
    if cats.get(None):
        by_cat.append(("类别待定", cats[None]))
    months = Counter(int(i.created[5:7]) for i in year_items)
    return Status(
        today=today.isoformat(), total=len(items),
        by_status=_bars([(name, counts.get(code, 0)) for code, name in STATUS_NAMES.items()]),
        waiting_review=tuple(sorted(review, key=lambda r: -(r.days or 0))),
        waiting_signed=tuple(sorted(signed, key=lambda r: -(r.days or 0))),
        overdue=tuple(sorted(overdue, key=lambda r: -(r.days or 0))),
        due_soon=tuple(sorted(soon, key=lambda r: r.days or 0)),
        open_periods=tuple(sorted(periods, key=lambda r: r.days or 0)),
        unanswered=tuple(unanswered),
        by_category=_bars(by_cat),
        by_month=_bars([(f"{m}月", months.get(m, 0)) for m in range(1, 13)]),
        year=today.year,
    )
