"""The monthly inspection (工作方案 六.3：每月组织一次检查督办): a document for the leadership group listing,
as of the month's last day (or today, for the current month), the items waiting for review or signature with
the working days they have waited, the items overdue and those due within 10 working days, pre-disclosure
periods that have ended or end soon, and the opinions not yet answered — each with the person responsible."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .history import History, answered_on, histories, received_on, shown_title
from .ledger import Ledger
from .render import cn_date, find_template, render_docx
from .workdays import Month, WorkCalendar
from .workspace import Settings
from .public import view

DUE_SOON_DAYS = 10


@dataclass(frozen=True)
class Inspection:
    month: Month
    as_of: date
    waiting: list[dict]
    overdue: list[dict]
    due_soon: list[dict]
    periods: list[dict]
    opinions: list[dict]


def _dept(h: History, settings: Settings) -> str:
    md = h.item.report.metadata
    dept = md.application.department if md and md.application and md.application.department else None
    liaison = settings.leadership.liaison or "联络员"
    return f"{dept}（联络员 {liaison}）" if dept else liaison


def _since(h: History, state: str, day: date) -> date:
    """The day the item last entered `state` on or before `day`."""
    entered = [s.day for s in h.steps if s.day <= day and s.to_state == state]
    return entered[-1] if entered else h.received


def inspect(settings: Settings, ledger: Ledger, month: Month) -> Inspection:
    cal: WorkCalendar = settings.calendar
    day = min(month.end, ledger.clock.today())
    leader = settings.leadership.leader or "组长"
    waiting, overdue, due_soon, periods = [], [], [], []
    soon_end = cal.add(day, DUE_SOON_DAYS)
    for h in histories(ledger):
        state = h.state_on(day)
        if state is None:
            continue
        title = shown_title(h.item)
        if state == "received":
            since = _since(h, "received", day)
            waiting.append({"id": h.item.id, "title": title, "step": "待局党务公开领导小组审核",
                            "days": str(cal.count(since, day)), "who": leader})
        elif state == "approved" and settings.require_signed_form and not any(
                s.day <= day and s.data.get("version") == h.item.version and not s.data.get("stale")
                for s in h.of("signed_form")):
            since = _since(h, "approved", day)
            waiting.append({"id": h.item.id, "title": title, "step": "待组长签字审批表",
                            "days": str(cal.count(since, day)), "who": leader})
        first = h.first_disclosure()
        disclosed = first is not None and first <= day
        if h.item.due and not disclosed and state not in ("blocked", "closed"):
            due = date.fromisoformat(h.item.due)
            row = {"id": h.item.id, "title": title, "due": h.item.due, "who": _dept(h, settings)}
            if due < day:
                overdue.append({**row, "days": str(cal.count(due, day))})
            elif due <= soon_end:
                due_soon.append({**row, "days": str(cal.count(day, due))})
        if state == "predisclosed":
            p = h.of("predisclose")[-1].data
            end = date.fromisoformat(p["end"])
            if end <= soon_end:
                periods.append({"id": h.item.id, "title": title, "period": f"{p['start']} 至 {p['end']}",
                                "state": "已期满，待正式公开" if end < day else "即将期满",
                                "who": _dept(h, settings)})
    zone = ledger.clock.tz.key
    opinions = []
    for f in ledger.feedback():
        got = received_on(f, zone)
        if got is not None and got > day:
            continue
        answered = answered_on(ledger, f)
        if answered is not None and answered <= day:
            continue
        opinions.append({"id": f.id, "number": f.number or "—", "content": f.content[:60],
                         "item": f.item_id or "未关联", "days": str(cal.count(got, day)) if got else "—",
                         "who": settings.leadership.liaison or "联络员"})
    overdue.sort(key=lambda r: r["due"])
    due_soon.sort(key=lambda r: r["due"])
    return Inspection(month, day, waiting, overdue, due_soon, periods, opinions)


def inspection_context(settings: Settings, ledger: Ledger, month: Month) -> dict:
    i = inspect(settings, ledger, month)
    return {"org": settings.org, "office": settings.office, "month": month.label, "as_of": cn_date(i.as_of.isoformat()),
            "n_waiting": str(len(i.waiting)), "n_overdue": str(len(i.overdue)), "n_due_soon": str(len(i.due_soon)),
            "n_periods": str(len(i.periods)), "n_opinions": str(len(i.opinions)),
            "waiting": i.waiting, "overdue": i.overdue, "due_soon": i.due_soon, "periods": i.periods,
            "opinions": i.opinions, "generated": cn_date(i.as_of.isoformat())}


def write_inspection(settings: Settings, ledger: Ledger, month: Month) -> list[Path]:
    folder = settings.outbox / "月度检查"
    folder.mkdir(parents=True, exist_ok=True)
    ctx = inspection_context(settings, ledger, month)
    return [render_docx(find_template("月度检查", settings.templates), view(settings).deep(ctx),
                        folder / f"{month.code}_党务公开工作检查督办.docx", title=f"{month.label}党务公开工作检查督办")]
