"""Deadlines (四(三) 公开时限): computed at ingest from the timing kind, moved past a pre-disclosure's
opinion period, absent for blocked drafts; overdue items are listed."""
from datetime import date, timedelta

from pipeline import api, workflow
from pipeline.workspace import init_workspace
from wf_helpers import draft


def test_working_days_skip_weekends():
    friday = date(2026, 11, 27)
    assert workflow.add_working_days(friday, 1) == date(2026, 11, 30)
    assert workflow.add_working_days(friday, 5) == date(2026, 12, 4)


def test_due_dates_by_timing_kind():
    received = date(2026, 11, 30)
    assert workflow.due_date("temporary", None, received, 5, 30) == "2026-12-07"
    assert workflow.due_date("phase", None, received, 5, 30) == "2026-12-30"
    assert workflow.due_date("periodic", None, received, 5, 30) == "2026-12-31"
    assert workflow.due_date("periodic", "2023-12-31", received, 5, 30) == "2023-12-31"


def test_predisclosure_moves_the_deadline_past_the_opinion_period(tmp_path):
    settings, _ = init_workspace(tmp_path)
    draft(settings.inbox / "征求意见稿.docx", "pre_disclose")
    with api.open_session(settings) as s:
        [outcome] = api.run_ingest(s)
        api.review(s, outcome.item_id, True, "陈先荣", "bureau", None)
        item = api.predisclose(s, outcome.item_id, 10, "章晓鸣")
        end = date.fromisoformat(workflow.predisclose_period(s.ledger, item)["end"])
        assert date.fromisoformat(item.due) > end
        assert not workflow.is_overdue(item)
        assert workflow.is_overdue(item, today=date.fromisoformat(item.due) + timedelta(days=1))
        assert api.list_items(s, overdue=True) == []
