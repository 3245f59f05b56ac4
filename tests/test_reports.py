"""Reports that add up (issue 13 §5), from the scripted year of tests/year_script.py: the quarterly report
counts what happened in the quarter by the decision dates, blocked drafts apart, categories 1–7 then 类别待定,
no untitled rows, the same report for a past quarter every time; the monthly inspection (六.3) and the annual
党务公开目录 (.docx + .xlsx). Every expected number is counted by hand in year_script.py's docstring."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import docx
import openpyxl
import pytest

from pipeline.api import open_session
from pipeline.reports import quarterly_context
from pipeline.workdays import Clock, Quarter
from wf_helpers import WsCli
from year_script import ENTERED, build_year

LATER = Clock(fixed=datetime(2027, 3, 15, 16, 0))


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    return build_year(tmp_path_factory.mktemp("year") / "ws")


def tables(path: Path) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(str(path)).tables]


def text(path: Path) -> str:
    d = docx.Document(str(path))
    return "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])


def test_the_q3_counts_number_by_number(year) -> None:
    settings, _ = year
    with open_session(settings, clock=ENTERED) as s:
        _, _, c = quarterly_context(settings, s.ledger, Quarter(2026, 3), s.rules.categories)
    assert c.received == 7           # B C D E H I F (A came in Q2, G in Q4)
    assert c.total == 5              # B C E I F
    assert c.blocked == 2            # D (秘密) and H (scan, blocked on receipt though later cleared)
    assert c.approved == 5           # A 07-02, B 07-07, E 08-04, H 08-18, F 09-29
    assert c.returned == 1           # C 07-13
    assert c.predisclosed == 1       # B 07-08
    assert c.inside == 3             # A 07-03, B 07-16, H 08-19 (F went inside on 10-09: Q4)
    assert c.outside == 1            # B 07-17
    assert c.feedback_received == 3  # fb2 07-18, fb3 08-10, fb4 09-15
    assert c.feedback_answered == 3  # fb1 07-05 (received in Q2), fb2 07-20, fb3 08-12
    assert c.feedback_open == 1      # fb4
    assert c.overdue == 3            # C (due 07-17), E (08-10), I (09-01)


def test_the_q3_report_document(year) -> None:
    settings, ids = year
    r = WsCli(settings.root, ENTERED)("generate", "report", "--quarter", "2026Q3")
    assert r.exit_code == 0, r.output
    path = settings.outbox / "季度汇报" / "2026Q3_季度党务公开情况汇报.docx"
    summary, by_category, by_scope, by_form, disclosed, overdue = tables(path)
    assert summary == [["项目", "数量"], ["收到文稿（件）", "7"], ["其中：党务公开事项（项）", "5"],
                       ["　　　不得公开、已拦截（件）", "2"], ["审核通过（项次）", "5"], ["审核退回（项次）", "1"],
                       ["预公开（项）", "1"], ["党内公开（项）", "3"], ["党外公开（项）", "1"],
                       ["收到意见建议（件）", "3"], ["答复意见建议（件）", "3"], ["逾期未公开（项）", "3"]]
    assert [row[0] for row in by_category[1:]] == [
        "第1类 党组织基本情况及工作运行情况", "第2类 思想建设", "第3类 组织建设", "第4类 作风建设", "第5类 制度建设",
        "第6类 解决企业、群众关心热点难点问题", "第7类 其它党务工作事项", "类别待定"]
    assert sum(int(row[1]) for row in by_category[1:]) == 5  # the 党务公开事项, blocked drafts not among them
    assert by_scope[1:] == [["党内", "3"], ["党外（社会）", "1"]]
    assert disclosed[1:] == [
        [ids["A"], "关于开展七一主题党日活动的通知", "2026-07-03", "党内"],
        [ids["B"], "关于机关考勤制度的征求意见稿", "2026-07-16", "党内"],
        [ids["B"], "关于机关考勤制度的征求意见稿", "2026-07-17", "党外（社会）"],
        [ids["H"], "扫描件.pdf（无标题）", "2026-08-19", "党内"]]
    assert [row[0] for row in overdue[1:]] == [ids["C"], ids["E"], ids["I"]]
    body = text(path)
    assert "共收到文稿7件，其中党务公开事项5项" in body and "已拦截不予公开的2件" in body
    assert "本季度共收到党员、干部和群众意见建议3件，答复3件" in body and "尚未答复1件" in body
    assert "2026年9月30日" in body  # a past quarter is dated its last day


def test_a_past_quarter_gives_the_same_report_every_time(year, tmp_path: Path) -> None:
    settings, _ = year
    path = settings.outbox / "季度汇报" / "2026Q3_季度党务公开情况汇报.docx"
    assert WsCli(settings.root, ENTERED)("generate", "report", "--quarter", "2026Q3").exit_code == 0
    first = (text(path), tables(path))
    assert WsCli(settings.root, LATER)("generate", "report", "--quarter", "2026Q3").exit_code == 0
    assert (text(path), tables(path)) == first


def test_the_monthly_inspection(year) -> None:
    settings, ids = year
    r = WsCli(settings.root, ENTERED)("generate", "inspection", "--month", "2026-09")
    assert r.exit_code == 0, r.output
    path = settings.outbox / "月度检查" / "2026-09_党务公开工作检查督办.docx"
    waiting, overdue, due_soon, periods, opinions = tables(path)
    # I waited from 08-25: 4 working days in August, 22 in September (09-20 worked, 09-25 off)
    assert waiting[1:] == [[ids["I"], "关于做好科技项目验收材料整理的通知", "待局党务公开领导小组审核", "26", "陈先荣"]]
    assert overdue[1:] == [[ids["C"], "关于调整机关党支部设置的决定", "2026-07-17", "53", "章晓鸣"],
                           [ids["E"], "关于加强机关食堂管理的通知", "2026-08-10", "37", "章晓鸣"],
                           [ids["I"], "关于做好科技项目验收材料整理的通知", "2026-09-01", "21", "章晓鸣"]]
    # F is due 10-10 (a Saturday worked): 3 working days after 09-30 (10-08, 10-09, 10-10)
    assert due_soon[1:] == [[ids["F"], "关于开展国庆节前廉政提醒的通知", "2026-10-10", "3", "章晓鸣"]]
    assert periods[1:] == [["—", "无", "—", "—", "—"]]
    assert opinions[1:] == [["YJ-0004", "YJ2026-004", "食堂晚餐供应时间偏短。", ids["E"], "11", "章晓鸣"]]
    body = text(path)
    assert "截至2026年9月30日" in body and "待审核、待签字1项，逾期未公开3项，10个工作日内到期1项" in body


def test_the_inspection_lists_a_predisclosure_period_ending(year, tmp_path: Path) -> None:
    settings, ids = year
    r = WsCli(settings.root, ENTERED)("generate", "inspection", "--month", "2026-07")
    assert r.exit_code == 0, r.output
    # as of 07-31 B is disclosed, so nothing is pending; on 07-10 its period (07-08 to 07-15) was running
    with open_session(settings, clock=Clock(fixed=datetime(2026, 7, 10, 18, 0))) as s:
        from pipeline.inspection import inspect
        from pipeline.workdays import Month

        found = inspect(settings, s.ledger, Month(2026, 7))
    assert [(p["id"], p["period"], p["state"]) for p in found.periods] == [(ids["B"], "2026-07-08 至 2026-07-15", "即将期满")]


def test_the_annual_catalogue(year) -> None:
    settings, ids = year
    r = WsCli(settings.root, ENTERED)("generate", "catalogue", "--year", "2026")
    assert r.exit_code == 0, r.output
    folder = settings.outbox / "党务公开目录"
    (rows,) = tables(folder / "2026年度党务公开目录.docx")
    assert rows[0] == ["序号", "公开事项", "内容类别", "公开范围", "公开形式", "公开时间"]
    assert [r[1] for r in rows[1:]] == ["关于开展国庆节前廉政提醒的通知", "关于机关考勤制度的征求意见稿",
                                        "关于开展七一主题党日活动的通知", "扫描件.pdf（无标题）"]
    assert [r[2] for r in rows[1:]] == ["第4类 作风建设", "第5类 制度建设", "第7类 其它党务工作事项", "类别待定"]
    assert rows[2][3] == "党内、党外（社会）" and rows[2][5] == "2026-07-16（党内）；2026-07-17（党外）"
    assert "本目录收录2026年度已公开的党务公开事项4项（党内公开4项，党外公开1项）" in text(folder / "2026年度党务公开目录.docx")
    sheet = openpyxl.load_workbook(folder / "2026年度党务公开目录.xlsx").active
    got = [[c.value for c in row] for row in sheet.iter_rows()]
    assert got[0] == ["序号", "事项编号", "公开事项", "发文字号", "内容类别", "公开范围", "公开形式", "公开时间"]
    assert [(r[0], r[1]) for r in got[1:]] == [(1, ids["F"]), (2, ids["B"]), (3, ids["A"]), (4, ids["H"])]


@pytest.mark.parametrize("args, word", [(("inspection", "--month", "2026-13"), "月份"),
                                        (("catalogue", "--year", "二〇二六"), "年份")])
def test_bad_month_or_year(year, args, word) -> None:
    settings, _ = year
    r = WsCli(settings.root, ENTERED)("generate", *args)
    assert r.exit_code == 2 and word in r.stderr
