"""The office calendar (pipeline/workdays.py): State Council holidays and make-up workdays (调休) of 2025 and
2026, the office's overrides in gongkai.toml, the warning beyond the known years, quarters and months, the
office's time zone, and `gongkai calendar DATE ±N`. Every expected date below is read off the State Council
notices (国办发明电〔2024〕12号 for 2025, 〔2025〕7号 for 2026), never computed with the code under test."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from pipeline.errors import UsageError
from pipeline.workdays import Clock, Month, Quarter, WorkCalendar, calendar_from, local_day, parse_when
from pipeline.workspace import init_workspace
from wf_helpers import WsCli

CAL = WorkCalendar()


# --------------------------------------------------------------------------------- holidays and 调休
@pytest.mark.parametrize("day", [
    "2025-01-01", "2025-01-28", "2025-02-04", "2025-04-04", "2025-05-01", "2025-05-05", "2025-06-02",
    "2025-10-01", "2025-10-06", "2025-10-08",
    "2026-01-01", "2026-01-02", "2026-02-16", "2026-02-20", "2026-02-23", "2026-04-06", "2026-05-04",
    "2026-05-05", "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-07",
])
def test_weekday_holidays_are_days_off(day):
    assert CAL.is_workday(date.fromisoformat(day)) is False


@pytest.mark.parametrize("day", [
    "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
])
def test_make_up_weekend_days_are_working_days(day):
    assert CAL.is_workday(date.fromisoformat(day)) is True


def test_ordinary_weekdays_and_weekends():
    assert CAL.is_workday(date(2026, 11, 27)) is True   # a Friday
    assert CAL.is_workday(date(2026, 11, 28)) is False  # a Saturday
    assert CAL.is_workday(date(2026, 11, 29)) is False  # a Sunday


@pytest.mark.parametrize("start, n, end", [
    ("2025-09-30", 5, "2025-10-14"),   # 国庆+中秋 10-01..10-08 off, 10-11 (Sat) worked
    ("2026-02-13", 5, "2026-02-27"),   # 02-14 (Sat) worked, 春节 02-15..02-23 off
    ("2025-10-14", -5, "2025-09-30"),
    ("2026-02-27", -5, "2026-02-13"),
    ("2026-09-30", 1, "2026-10-08"),   # 10-01..10-07 off
    ("2026-10-09", 1, "2026-10-10"),   # Saturday 10-10 is worked
    ("2026-11-27", 1, "2026-11-30"),   # Friday → Monday
    ("2026-11-27", 0, "2026-11-27"),
])
def test_adding_working_days(start, n, end):
    assert CAL.add(date.fromisoformat(start), n) == date.fromisoformat(end)


def test_counting_working_days_waited():
    assert CAL.count(date(2026, 9, 30), date(2026, 10, 9)) == 2   # 10-08 and 10-09
    assert CAL.count(date(2026, 11, 27), date(2026, 11, 27)) == 0


# --------------------------------------------------------------------------------- the office's overrides
def test_office_overrides_win_and_make_a_year_known():
    cal = calendar_from({"holidays": ["2027-01-01"], "workdays": ["2027-02-06"]})
    assert cal.is_workday(date(2027, 1, 1)) is False   # a Friday the office marks off
    assert cal.is_workday(date(2027, 2, 6)) is True    # a Saturday the office marks worked
    assert cal.add(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal.warning(date(2027, 3, 1)) is None


def test_beyond_the_known_years_a_warning():
    msg = CAL.warning(date(2026, 12, 31), date(2027, 1, 8))
    assert msg is not None and "2027 年" in msg and "[calendar]" in msg
    assert CAL.warning(date(2025, 1, 1), date(2026, 12, 31)) is None


@pytest.mark.parametrize("section, word", [
    ({"holidays": ["2027-13-01"]}, "2027-13-01"),
    ({"workdays": "2027-02-06"}, "workdays"),
    ({"holidays": ["2027-02-06"], "workdays": ["2027-02-06"]}, "同时"),
    ({"zone": "Mars/Olympus"}, "Mars/Olympus"),
])
def test_bad_calendar_settings_are_usage_errors(section, word):
    with pytest.raises(UsageError) as e:
        calendar_from(section)
    assert word in e.value.message


# --------------------------------------------------------------------------------- quarters, months, zone
def test_quarters_and_months():
    assert Quarter.of(date(2026, 12, 31)) == Quarter(2026, 4)
    assert (Quarter(2026, 4).start, Quarter(2026, 4).end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert (Quarter(2026, 1).start, Quarter(2026, 1).end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert Quarter.parse("2023q4").label == "2023年第四季度"
    assert Month.parse("2026-02").end == date(2026, 2, 28)
    assert Month.parse("2028-2").end == date(2028, 2, 29)
    with pytest.raises(UsageError):
        Month.parse("2026-13")


def test_the_office_clock_uses_beijing_time_on_a_utc_server():
    # 2026-12-31 17:30 UTC is already 2027-01-01 01:30 in Beijing: a new year and a new quarter
    clock = Clock("Asia/Shanghai", fixed=datetime(2026, 12, 31, 17, 30, tzinfo=timezone.utc))
    assert clock.today() == date(2027, 1, 1)
    assert clock.stamp() == "2027-01-01T01:30:00+08:00"
    assert local_day("2026-12-31T17:30:00+00:00", "Asia/Shanghai") == date(2027, 1, 1)
    assert local_day("2026-12-31T17:30:00", "Asia/Shanghai") == date(2026, 12, 31)  # no offset: office time


def test_item_ids_take_the_year_of_the_office_zone(tmp_path):
    from pipeline import api
    from wf_helpers import draft

    settings, _ = init_workspace(tmp_path)
    draft(settings.inbox / "新年.docx", "plain")
    with api.open_session(settings, clock=Clock(fixed=datetime(2026, 12, 31, 17, 30, tzinfo=timezone.utc))) as s:
        [outcome] = api.run_ingest(s)
        item = s.ledger.item(outcome.item_id)
    assert outcome.item_id == "GK-2027-0001"
    assert item.created == "2027-01-01T01:30:00+08:00"


def test_decision_dates_parse_in_the_office_zone():
    w = parse_when("2026-11-27 15:30")
    assert w.day == date(2026, 11, 27) and w.iso == "2026-11-27T15:30+08:00"
    assert parse_when("2026-11-27").iso == "2026-11-27"
    for bad in ("27/11/2026", "2026-02-30", "2026-11-27 25:00"):
        with pytest.raises(UsageError):
            parse_when(bad)


# --------------------------------------------------------------------------------- gongkai calendar
@pytest.mark.parametrize("args, out", [
    (("2025-09-30", "+5"), "2025-10-14"),
    (("2026-02-13", "+5"), "2026-02-27"),
    (("2026-02-27", "-5"), "2026-02-13"),
])
def test_the_calendar_command(tmp_path, args, out):
    settings, _ = init_workspace(tmp_path)
    r = WsCli(settings.root)("calendar", *args)
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == out
    assert r.stderr == ""


def test_the_calendar_command_warns_beyond_the_known_years_and_reads_the_overrides(tmp_path):
    settings, _ = init_workspace(tmp_path)
    r = WsCli(settings.root)("calendar", "2027-01-29", "+5")
    assert (r.exit_code, r.stdout.strip()) == (0, "2027-02-05")
    assert "2027 年" in r.stderr
    cfg = settings.root / "gongkai.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('holidays = []', 'holidays = ["2027-02-01"]'),
                   encoding="utf-8")
    r = WsCli(settings.root)("calendar", "2027-01-29", "+5")
    assert (r.exit_code, r.stdout.strip(), r.stderr) == (0, "2027-02-08", "")


@pytest.mark.parametrize("args", [("2026-02-30", "+5"), ("2026-02-13", "5天")])
def test_the_calendar_command_refuses_bad_input(tmp_path, args):
    settings, _ = init_workspace(tmp_path)
    r = WsCli(settings.root)("calendar", *args)
    assert r.exit_code == 2 and r.stderr.startswith("错误：")
