"""Deadlines (四(三) 公开时限): computed at ingest from the timing kind, moved past a pre-disclosure's
opinion period, absent for blocked drafts; overdue items are listed."""
from datetime import date, datetime, timedelta

from pipeline import api, workflow
from pipeline.workdays import Clock, WorkCalendar
from pipeline.workspace import init_workspace
from wf_helpers import draft


CAL = WorkCalendar()


def test_due_dates_by_timing_kind():
    received = date(2026, 11, 30)
    assert workflow.due_date("temporary", None, received, 5, 30, CAL) == "2026-12-07"
    assert workflow.due_date("phase", None, received, 5, 30, CAL) == "2026-12-30"
    assert workflow.due_date("periodic", None, received, 5, 30, CAL) == "2026-12-31"
    assert workflow.due_date("periodic", "2023-12-31", received, 5, 30, CAL) == "2023-12-31"


def test_a_temporary_deadline_skips_the_national_day_holiday():
    assert workflow.due_date("temporary", None, date(2025, 9, 30), 5, 30, CAL) == "2025-10-14"


def test_predisclosure_moves_the_deadline_past_the_opinion_period(tmp_path):
    settings, _ = init_workspace(tmp_path)
    draft(settings.inbox / "征求意见稿.docx", "pre_disclose")
    with api.open_session(settings, clock=Clock(fixed=datetime(2026, 11, 2, 9, 0))) as s:
        [outcome] = api.run_ingest(s)
        api.review(s, outcome.item_id, True, "陈先荣", "bureau", None)
        item = api.predisclose(s, outcome.item_id, 10, "章晓鸣")
        # received and decided on 2026-11-02: ten working days end on 11-16, formal disclosure due 5 later
        assert workflow.predisclose_period(s.ledger, item)["end"] == "2026-11-16"
        assert item.due == "2026-11-23"
        assert not workflow.is_overdue(item, date.fromisoformat(item.due))
        assert workflow.is_overdue(item, date.fromisoformat(item.due) + timedelta(days=1))
        assert api.list_items(s, overdue=True) == []
