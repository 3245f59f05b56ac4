"""A workspace for the intranet-column tests (test_site_*.py): real drafts made by tests/fixtures.py, ingested,
reviewed, pre-disclosed and published through the workflow with fixed dates, and feedback answered.

Items (key → what it shows):
  plain        published outside 2026-11-02
  pii          PII draft published outside from its 公开稿 2026-11-03 (ID and mobile in the body)
  party        （此件党内公开）, published inside 2026-11-03 — must never appear in public/
  hostile      a title with <script> and quotes, published outside 2026-11-04
  consult      pre-disclosed 2026-11-05 for 5 working days (open on TODAY)
  inside_first published inside only 2026-11-04
  waiting      registered, not yet reviewed
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from fixtures import official_doc
from pipeline import api
from pipeline.api import open_session
from pipeline.workdays import Clock, When
from pipeline.workspace import Settings, init_workspace, load_workspace
from wf_helpers import PII_ID, PII_PHONE, draft

TODAY = date(2026, 11, 9)
INGESTED = Clock(fixed=datetime(2026, 11, 2, 8, 30))  # the drafts arrive on Monday 2026-11-02
NOW = Clock(fixed=datetime(2026, 11, 9, 10, 0))  # the decisions are entered a week later, with their dates
HOSTILE = '<script>alert("x")</script>关于"食堂"&<b>加固</b>的通知\'onload=1'
PARTY_TITLE = "关于党费收缴使用情况的通报"
ANSWER = "已采纳，就餐时间延长到十三点。"


def make_site_workspace(base: Path) -> tuple[Settings, dict[str, str]]:
    settings, _ = init_workspace(base / "ws")
    cfg = settings.root / "gongkai.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("rate_limit = 5", "rate_limit = 3"), encoding="utf-8")
    settings = load_workspace(settings.root)
    inbox = settings.inbox
    draft(inbox / "plain.docx", "plain")
    draft(inbox / "pii.docx", "pii")
    official_doc(inbox / "party.docx", docno="青科党〔2023〕40号", title=PARTY_TITLE,
                 body=["2023年第三季度共收缴党费一万二千元，使用情况如下。"], note="（此件党内公开）")
    draft(inbox / "hostile.docx", "plain", title=HOSTILE, docno="青科党〔2023〕41号")
    draft(inbox / "consult.docx", "pre_disclose")
    draft(inbox / "inside_first.docx", "inside_first")
    draft(inbox / "waiting.docx", "plain", title="关于做好年度考核工作的通知", docno="青科党〔2023〕42号")
    with open_session(settings, clock=INGESTED) as s:
        ids = {Path(o.file).stem: o.item_id for o in api.run_ingest(s)}
    with open_session(settings, clock=NOW) as s:
        for key in ("plain", "pii", "party", "hostile", "consult", "inside_first"):
            api.review(s, ids[key], True, "陈先荣", "bureau", None, When(date(2026, 11, 2)))
        api.publish(s, ids["plain"], "outside", "章晓鸣", When(date(2026, 11, 2)))
        api.publish(s, ids["pii"], "outside", "章晓鸣", When(date(2026, 11, 3)))
        api.publish(s, ids["party"], "inside", "章晓鸣", When(date(2026, 11, 3)))
        api.publish(s, ids["hostile"], "outside", "章晓鸣", When(date(2026, 11, 4)))
        api.publish(s, ids["inside_first"], "inside", "章晓鸣", When(date(2026, 11, 4)))
        api.predisclose(s, ids["consult"], 5, "章晓鸣", When(date(2026, 11, 5)))
        fid = s.ledger.add_feedback("t:1", {"received": "2026-11-05", "channel": "意见箱",
                                            "content": f"就餐时间能否延长？联系电话{PII_PHONE}"}, "t", 1, ids["plain"])
        api.answer_feedback(s, fid, ANSWER, "章晓鸣")
    return settings, ids


__all__ = ["ANSWER", "HOSTILE", "INGESTED", "NOW", "PARTY_TITLE", "PII_ID", "PII_PHONE", "TODAY", "make_site_workspace"]
