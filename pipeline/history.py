"""What happened when, read back from the ledger for the reports (quarterly report, monthly inspection,
annual catalogue). Every date is the DECISION date an event carries (--date), else the day it was entered,
as an office-zone calendar day; so the same ledger gives the same history, and a past period the same
report, every time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .ledger import FeedbackRecord, Ledger
from .model import Item
from .workdays import local_day


@dataclass(frozen=True)
class Step:
    day: date
    kind: str  # version | review | predisclose | publish | close | reopen | answer | signed_form | state
    to_state: str | None
    data: dict


@dataclass(frozen=True)
class History:
    item: Item
    received: date
    blocked_at_receipt: bool
    steps: tuple[Step, ...]

    def of(self, kind: str) -> list[Step]:
        return [s for s in self.steps if s.kind == kind]

    def state_on(self, day: date) -> str | None:
        """The item's state at the end of `day` (None: not received yet)."""
        state = None
        for s in self.steps:
            if s.day <= day and s.to_state:
                state = s.to_state
        return state

    def first_disclosure(self) -> date | None:
        days = [s.day for s in self.of("publish")]
        return min(days) if days else None

    def disclosures(self) -> list[tuple[date, str]]:
        return [(s.day, s.data.get("scope", "")) for s in self.of("publish")]


def _day(value: str | None, zone: str) -> date | None:
    return local_day(value, zone) if value else None


def history(ledger: Ledger, item: Item) -> History:
    zone = ledger.clock.tz.key
    steps = []
    for at, _from, to, data in ledger.timeline(item.id):
        kind = data.get("kind") or "state"
        day = _day(data.get("date") or data.get("start"), zone) or _day(at, zone)
        steps.append(Step(day, kind, to, data))
    received = _day(item.created, zone) or ledger.clock.today()
    first = next((s for s in steps if s.to_state), None)
    return History(item, received, bool(first and first.to_state == "blocked"), tuple(steps))


def histories(ledger: Ledger) -> list[History]:
    return [history(ledger, i) for i in ledger.items()]


def answered_on(ledger: Ledger, fb: FeedbackRecord) -> date | None:
    """The day of an opinion's FIRST answer (a later answer supersedes the text, not the fact of answering)."""
    answers = ledger.answers(fb.id)
    if answers:
        return _day(answers[0].get("date"), ledger.clock.tz.key)
    return _day(fb.answered_at, ledger.clock.tz.key)


def received_on(fb: FeedbackRecord, zone: str) -> date | None:
    return _day(fb.received, zone)


def shown_title(item: Item) -> str:
    """No untitled rows: an item without a title shows its file name and 无标题."""
    return item.title or f"{item.file}（无标题）"


def was_overdue(h: History, start: date, end: date) -> bool:
    """Overdue at some time in [start, end]: its deadline passed before `end` while it was not yet disclosed
    (and it was not disclosed before `start`). Blocked items have no deadline and are never overdue."""
    if not h.item.due:
        return False
    due = date.fromisoformat(h.item.due)
    first = h.first_disclosure()
    if due >= end:
        return False
    if first is not None and first <= due:
        return False  # disclosed in time
    return first is None or first >= start
