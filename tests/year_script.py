"""A scripted year of items for the report tests (test_reports.py): every draft received on a fixed day (the
ingest runs with a clock set to that day), every decision entered later with --date, so the quarterly report,
the monthly inspection and the annual catalogue can be asserted number by number.

Q3 2026 (July–September), by hand (2026 calendar: 09-25 中秋 off, 09-20 Sunday worked, 10-01..07 off,
10-10 Saturday worked):
  A plain        received 06-29 (Q2); approved 07-02; inside 07-03
  B pre_disclose received 07-06; approved 07-07; pre-disclosed 07-08 for 5 working days (ends 07-15);
                 inside 07-16, outside 07-17
  C inside_first received 07-10 (Fri); returned 07-13; never disclosed (due 07-17: overdue)
  D secret       received 07-20: blocked
  E plain        received 08-03; approved 08-04; never disclosed (due 08-10: overdue)
  H scan (PDF)   received 08-17: blocked (NO_TEXT), untitled; cleared by a manual check 08-18; inside 08-19
  I plain        received 08-25; never reviewed (due 09-01: overdue)
  F plain        received 09-28; approved 09-29; inside 10-09 (Q4; due 10-10: in time)
  G plain        received 10-12 (Q4)
Opinions: fb1 received 06-20 on A, answered 07-05; fb2 07-18 on B, answered 07-20; fb3 08-10 on B, answered
08-12 and again 10-15; fb4 09-15 on E, never answered; fb5 10-20 on G.
"""
from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from pipeline import api
from pipeline.api import open_session
from pipeline.workdays import Clock, When
from pipeline.workspace import init_workspace
from wf_helpers import draft, image_pdf

ENTERED = Clock(fixed=datetime(2026, 12, 1, 10, 0))  # everything after the receipts is entered on 2026-12-01

TITLES = {
    "A": ("关于开展七一主题党日活动的通知", "青科党〔2026〕11号"),
    "C": ("关于调整机关党支部设置的决定", "青科党〔2026〕12号"),
    "E": ("关于加强机关食堂管理的通知", "青科党〔2026〕14号"),
    "I": ("关于做好科技项目验收材料整理的通知", "青科党〔2026〕15号"),
    "F": ("关于开展国庆节前廉政提醒的通知", "青科党〔2026〕16号"),
    "G": ("关于做好年终述职述廉工作的通知", "青科党〔2026〕17号"),
}


def _ingest(settings, path_maker, day: date) -> str:
    with open_session(settings, clock=Clock(fixed=datetime(day.year, day.month, day.day, 9, 30))) as s:
        path_maker()
        [outcome] = api.run_ingest(s)
    return outcome.item_id


def build_year(root: Path) -> tuple[object, dict[str, str]]:
    settings, _ = init_workspace(root)
    inbox = settings.inbox
    ids: dict[str, str] = {}
    kinds = {"A": "plain", "C": "inside_first", "E": "plain", "I": "plain", "F": "plain", "G": "plain"}
    receipts = [("A", date(2026, 6, 29)), ("B", date(2026, 7, 6)), ("C", date(2026, 7, 10)), ("D", date(2026, 7, 20)),
                ("E", date(2026, 8, 3)), ("H", date(2026, 8, 17)), ("I", date(2026, 8, 25)), ("F", date(2026, 9, 28)),
                ("G", date(2026, 10, 12))]
    for key, day in receipts:
        if key == "B":
            make = lambda: draft(inbox / "B.docx", "pre_disclose", title="关于机关考勤制度的征求意见稿",  # noqa: E731
                                 docno="青科党〔2026〕13号")
        elif key == "D":
            make = lambda: draft(inbox / "D.docx", "secret", docno="青科党〔2026〕18号")  # noqa: E731
        elif key == "H":
            make = lambda: image_pdf(inbox / "扫描件.pdf")  # noqa: E731
        else:
            title, docno = TITLES[key]
            make = (lambda k=key, t=title, n=docno:
                    draft(inbox / f"{k}.docx", kinds[k], title=t, docno=n))
        ids[key] = _ingest(settings, make, day)

    def on(y: int, m: int, d: int) -> When:
        return When(date(y, m, d))

    with open_session(settings, clock=ENTERED) as s:
        api.review(s, ids["A"], True, "陈先荣", "bureau", None, on(2026, 7, 2))
        api.publish(s, ids["A"], "inside", "章晓鸣", on(2026, 7, 3))
        api.review(s, ids["B"], True, "陈先荣", "bureau", None, on(2026, 7, 7))
        api.predisclose(s, ids["B"], 5, "章晓鸣", on(2026, 7, 8))
        api.publish(s, ids["B"], "inside", "章晓鸣", on(2026, 7, 16))
        api.publish(s, ids["B"], "outside", "章晓鸣", on(2026, 7, 17))
        api.review(s, ids["C"], False, "陈先荣", "bureau", "请补充支部设置依据", on(2026, 7, 13))
        api.review(s, ids["E"], True, "陈先荣", "bureau", None, on(2026, 8, 4))
        api.review(s, ids["H"], True, "陈先荣", "bureau", "已人工核对纸质原件，无涉密内容", on(2026, 8, 18),
                   title="关于机关党支部换届选举结果的公告", summary="机关第一党支部已完成换届选举。")
        api.publish(s, ids["H"], "inside", "章晓鸣", on(2026, 8, 19))
        api.review(s, ids["F"], True, "陈先荣", "bureau", None, on(2026, 9, 29))
        api.publish(s, ids["F"], "inside", "章晓鸣", on(2026, 10, 9))

        register = root / "意见登记表.csv"
        with register.open("w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["编号", "收到日期", "渠道", "反映人", "涉及事项", "意见内容"])
            out.writerow(["YJ2026-001", "2026-06-20", "意见箱", "王芳", "青科党〔2026〕11号", "建议主题党日增加参观学习。"])
            out.writerow(["YJ2026-002", "2026-07-18", "监督电话", "张明", "青科党〔2026〕13号", "弹性考勤能否放宽到半小时？"])
            out.writerow(["YJ2026-003", "2026-08-10", "网络", "李强", "青科党〔2026〕13号", "考勤打卡点能否增加一处？"])
            out.writerow(["YJ2026-004", "2026-09-15", "党务公开监督员", "陈一平", "青科党〔2026〕14号", "食堂晚餐供应时间偏短。"])
            out.writerow(["YJ2026-005", "2026-10-20", "意见箱", "赵敏", "青科党〔2026〕17号", "述职述廉报告建议在党员大会上公开。"])
        api.import_feedback(s, register)
        api.answer_feedback(s, "YJ2026-001", "已采纳，七月下旬组织参观学习。", "章晓鸣", on(2026, 7, 5))
        api.answer_feedback(s, "YJ2026-002", "已采纳，弹性时间调整为三十分钟。", "章晓鸣", on(2026, 7, 20))
        api.answer_feedback(s, "YJ2026-003", "将在东门增设打卡点。", "章晓鸣", on(2026, 8, 12))
        api.answer_feedback(s, "YJ2026-003", "东门打卡点已于十月启用。", "陈先荣", on(2026, 10, 15))
    return settings, ids
