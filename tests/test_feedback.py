"""Feedback (意见) end to end: an office register (.xlsx, .csv in UTF-8 with BOM or GBK) imported into a real
workspace, each row linked to the generated item it refers to (by 发文字号, by title, by a keyword), unmatched rows
listed, re-imports adding nothing; `feedback link` and `feedback answer` (which writes an 意见反馈答复单)."""
from __future__ import annotations

import csv
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from pipeline import api
from pipeline.api import open_session
from pipeline.workdays import Clock, When
from pipeline.workspace import init_workspace, load_workspace
from wf_helpers import WsCli, db_rows, docx_text, draft, item_dir, one, snapshot, status_of

# three items, told apart by 发文字号, by title, and by a phrase of the title
DRAFTS = {
    "by_number": dict(kind="inside_first", title="关于调整机关党支部设置的决定", docno="青科党〔2023〕34号"),
    "by_title": dict(kind="pre_disclose", title="关于机关考勤制度的征求意见稿", docno="青科党〔2023〕35号"),
    "by_keyword": dict(kind="plain", title="关于加强机关食堂管理的通知", docno="青科党〔2023〕30号"),
}
NOW = Clock(fixed=datetime(2026, 11, 30, 10, 0))
HEADER = ["编号", "收到日期", "渠道", "反映人", "联系方式", "涉及事项", "意见内容"]
ROWS = [  # (编号, 收到日期, 渠道, 反映人, 联系方式, 涉及事项, 意见内容, which item)
    ("1", datetime(2023, 10, 9), "意见箱", "王芳", None, "青科党〔2023〕34号", "建议公布各支部委员名单。", "by_number"),
    ("2", datetime(2023, 10, 11), "监督电话", "张明", "13600001111", "《关于机关考勤制度的征求意见稿》",
     "弹性考勤时间能否放宽到半小时？", "by_title"),
    ("3", datetime(2023, 10, 12), "网络", None, None, None, "机关食堂管理的就餐时间能否延长到十三点。", "by_keyword"),
    ("4", datetime(2023, 11, 2), "党务公开监督员", "陈一平", None, "无", "希望多组织党员志愿服务活动。", None),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("fb")
    settings, _ = init_workspace(base / "ws")
    for key, d in DRAFTS.items():
        draft(settings.inbox / f"{key}.docx", d["kind"], title=d["title"], docno=d["docno"])
    with open_session(settings, clock=Clock(fixed=datetime(2026, 11, 2, 9, 0))) as s:
        outcomes = api.run_ingest(s)
    ids = {Path(o.file).stem: o.item_id for o in outcomes}
    assert set(ids) == set(DRAFTS)
    return settings.root, ids


@pytest.fixture
def ws(template, tmp_path: Path):
    root, ids = template
    shutil.copytree(root, tmp_path / "ws")
    return load_workspace(tmp_path / "ws"), ids


def write_xlsx(path: Path, rows=ROWS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "意见登记"
    ws.append(["青川区科学技术局党务公开意见登记表"])
    ws.append(HEADER)
    for r in rows:
        ws.append([r[0], r[1], r[2], r[3], int(r[4]) if r[4] else None, r[5], r[6]])
    wb.save(path)
    return path


def write_csv(path: Path, encoding: str, rows=ROWS) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for r in rows:
            out.writerow([r[0], f"{r[1].year}/{r[1].month}/{r[1].day}", r[2], r[3] or "", r[4] or "", r[5] or "", r[6]])
    return path


REGISTERS = {
    "xlsx": lambda d: write_xlsx(d / "意见登记表.xlsx"),
    "csv-utf8-sig": lambda d: write_csv(d / "意见登记表.csv", "utf-8-sig"),
    "csv-gbk": lambda d: write_csv(d / "意见登记表_gbk.csv", "gbk"),
}


def feedback_rows(root: Path) -> dict[str, tuple]:
    """content -> (id, item_id, answer)"""
    return {r[0]: r[1:] for r in db_rows(root, "SELECT content, id, item_id, answer FROM feedback ORDER BY id")}


@pytest.mark.parametrize("fmt", list(REGISTERS))
def test_import_links_each_row_and_lists_the_unmatched(ws, tmp_path: Path, fmt: str) -> None:
    settings, ids = ws
    cli = WsCli(settings.root)
    register = REGISTERS[fmt](tmp_path)
    events_before = db_rows(settings.root, "SELECT COUNT(*) FROM events")[0][0]

    r = cli("feedback", "import", register)
    assert r.exit_code == 0, r.output
    assert "新增 4 条意见" in r.stdout and "跳过已导入的 0 条" in r.stdout
    assert "有 1 条意见无法自动关联" in r.stdout and "gongkai feedback link" in r.stdout

    got = feedback_rows(settings.root)
    assert len(got) == 4
    for row in ROWS:
        fid, item_id, answer = got[row[6]]
        assert item_id == (ids[row[7]] if row[7] else None), row
        assert answer is None
        line = next(ln for ln in r.stdout.splitlines() if ln.strip().startswith(fid))
        assert (item_id or "未关联") in line
    # the register's fields are kept
    rec = db_rows(settings.root, "SELECT received, channel, person, contact, ref, source FROM feedback "
                  "WHERE content=?", (ROWS[1][6],))[0]
    assert rec == ("2023-10-11", "监督电话", "张明", "13600001111", "《关于机关考勤制度的征求意见稿》", register.name)
    # each linked row is in its item's audit log; nothing else happened to the items
    assert db_rows(settings.root, "SELECT COUNT(*) FROM events")[0][0] == events_before + 3
    for key, item_id in ids.items():
        fid = next(v[0] for v in got.values() if v[1] == item_id)
        shown = json.loads(cli("show", item_id, "--json").stdout)
        assert shown["status"] in ("received", "blocked")
        assert f"收到意见 {fid}" in [e["action"] for e in shown["events"]]
        assert [f["id"] for f in shown["feedback"]] == [fid]

    # importing the same register again adds nothing
    before = db_rows(settings.root, "SELECT * FROM feedback ORDER BY id")
    r = cli("feedback", "import", register)
    assert r.exit_code == 0
    assert "新增 0 条意见" in r.stdout and "跳过已导入的 4 条" in r.stdout
    assert db_rows(settings.root, "SELECT * FROM feedback ORDER BY id") == before
    assert db_rows(settings.root, "SELECT COUNT(*) FROM events")[0][0] == events_before + 3


def test_same_register_as_xlsx_then_csv_is_imported_once(ws, tmp_path: Path) -> None:
    settings, _ = ws
    with open_session(settings) as s:
        first = api.import_feedback(s, write_xlsx(tmp_path / "a.xlsx"))
        second = api.import_feedback(s, write_csv(tmp_path / "b.csv", "gbk"))
    assert (len(first.added), first.skipped, len(first.unmatched)) == (4, 0, 1)
    assert (len(second.added), second.skipped) == (0, 4)
    assert db_rows(settings.root, "SELECT COUNT(*) FROM feedback") == [(4,)]


def test_a_new_row_in_a_grown_register_is_the_only_one_added(ws, tmp_path: Path) -> None:
    settings, ids = ws
    with open_session(settings) as s:
        api.import_feedback(s, write_xlsx(tmp_path / "r.xlsx", ROWS[:2]))
        result = api.import_feedback(s, write_xlsx(tmp_path / "r.xlsx", ROWS))
    assert result.skipped == 2
    assert [f.content for f in result.added] == [ROWS[2][6], ROWS[3][6]]
    assert [f.item_id for f in result.added] == [ids["by_keyword"], None]
    assert [f.id for f in result.unmatched] == [result.added[1].id]
    assert sorted(r[0] for r in db_rows(settings.root, "SELECT id FROM feedback")) == \
        ["YJ-0001", "YJ-0002", "YJ-0003", "YJ-0004"]


def test_link_then_answer_writes_a_response_form(ws, tmp_path: Path) -> None:
    settings, ids = ws
    cli = WsCli(settings.root)
    assert cli("feedback", "import", write_xlsx(tmp_path / "r.xlsx")).exit_code == 0
    fid = feedback_rows(settings.root)[ROWS[3][6]][0]
    target = ids["by_keyword"]

    # an unlinked opinion cannot be answered yet — usage error, nothing written
    before = snapshot(settings.root, target)
    r = cli("feedback", "answer", fid, "--text", "已安排。", "--by", "章晓鸣")
    assert r.exit_code == 2 and "feedback link" in r.stderr
    assert snapshot(settings.root, target) == before

    # link to an unknown item or an unknown opinion: not found, nothing changed
    r = cli("feedback", "link", fid, "GK-1999-0001")
    assert r.exit_code == 5 and "GK-1999-0001" in r.stderr
    r = cli("feedback", "link", "YJ-9999", target)
    assert r.exit_code == 5 and "YJ-9999" in r.stderr
    assert snapshot(settings.root, target) == before

    r = cli("feedback", "link", fid, target.lower(), "--by", "章晓鸣")
    assert r.exit_code == 0, r.output
    assert f"已关联到 {target}" in r.stdout
    assert feedback_rows(settings.root)[ROWS[3][6]][1] == target
    log = db_rows(settings.root, "SELECT actor, action FROM events WHERE item_id=? ORDER BY id DESC LIMIT 1", (target,))
    assert log == [("章晓鸣", f"关联意见 {fid}")]

    answer = "局机关党委将于下月组织党员到社区开展志愿服务。"
    r = cli("feedback", "answer", fid, "--text", answer, "--by", "章晓鸣")
    assert r.exit_code == 0, r.output
    response = one(item_dir(settings.root, target), f"{fid}_意见反馈答复单.docx")
    assert str(response) in r.stdout
    text = docx_text(response)
    for want in (fid, target, DRAFTS["by_keyword"]["title"], "陈一平", "2023年11月2日", "党务公开监督员",
                 ROWS[3][6], answer, "章晓鸣"):
        assert want in text, want

    listed = {f["id"]: f for f in json.loads(cli("feedback", "list", "--json").stdout)}
    assert listed[fid]["answer"] == answer and listed[fid]["answered_by"] == "章晓鸣"
    assert listed[fid]["answered_at"]
    assert f"答复意见 {fid}" in [e["action"] for e in json.loads(cli("show", target, "--json").stdout)["events"]]


def test_a_second_answer_supersedes_the_first_and_both_stay_in_the_history(ws, tmp_path: Path) -> None:
    settings, ids = ws
    with open_session(settings, clock=NOW) as s:
        (fb, *_), = [api.import_feedback(s, write_xlsx(tmp_path / "r.xlsx", ROWS[:1])).added]
        first = api.answer_feedback(s, fb.id, "初步答复。", "章晓鸣", When(date(2026, 11, 20)))
        second = api.answer_feedback(s, fb.id, "正式答复：委员名单已公布。", "陈先荣", When(date(2026, 11, 27)))
    assert (first.round, second.round) == (1, 2)
    path = second.path
    assert len(list(path.parent.glob(f"{fb.id}_*答复单*.docx"))) == 1
    text = docx_text(path)
    assert "正式答复：委员名单已公布。" in text and "陈先荣" in text and "初步答复。" not in text
    assert "第2次答复（取代2026年11月20日章晓鸣的第1次答复）" in text
    assert "2026年11月27日" in text  # the answer's own date
    actions = [r[0] for r in db_rows(settings.root, "SELECT action FROM events WHERE item_id=? ORDER BY id",
                                     (ids["by_number"],))]
    assert f"答复意见 {fb.id}" in actions and f"答复意见 {fb.id}（第2次答复，取代第1次）" in actions
    history = [json.loads(d) for (d,) in db_rows(settings.root, "SELECT data FROM events WHERE action LIKE '答复意见%'"
                                                 " ORDER BY id")]
    assert [(h["round"], h["text"], h["by"], h["date"]) for h in history] == [
        (1, "初步答复。", "章晓鸣", "2026-11-20"), (2, "正式答复：委员名单已公布。", "陈先荣", "2026-11-27")]
    assert all(h["entered"] == "2026-11-30T10:00:00+08:00" for h in history)


def test_answer_dates_are_checked(ws, tmp_path: Path) -> None:
    settings, ids = ws
    cli = WsCli(settings.root, NOW)
    assert cli("feedback", "import", write_xlsx(tmp_path / "r.xlsx", ROWS[:1])).exit_code == 0
    before = snapshot(settings.root, ids["by_number"])
    for day, word in (("2026-12-01", "晚于现在"), ("2023-10-08", "早于意见")):
        r = cli("feedback", "answer", "YJ-0001", "--text", "答复。", "--by", "章晓鸣", "--date", day)
        assert r.exit_code == 4 and word in r.stderr, r.output
    assert snapshot(settings.root, ids["by_number"]) == before


def close_with_answered(settings, ids, tmp_path: Path) -> str:
    """The by_number item published, its opinion answered, then closed; returns the opinion's id."""
    with open_session(settings, clock=NOW) as s:
        item = ids["by_number"]
        api.review(s, item, True, "陈先荣", "bureau", None)
        api.publish(s, item, "inside", "章晓鸣")
        (fb, *_), = [api.import_feedback(s, write_xlsx(tmp_path / "r.xlsx", ROWS[:1])).added]
        api.answer_feedback(s, fb.id, "委员名单已公布。", "章晓鸣")
        api.close(s, item, "章晓鸣")
    return fb.id


def test_closed_items_are_protected_without_reopen(ws, tmp_path: Path) -> None:
    settings, ids = ws
    fid = close_with_answered(settings, ids, tmp_path)
    closed, other = ids["by_number"], ids["by_keyword"]
    cli = WsCli(settings.root, NOW)
    with open_session(settings, clock=NOW) as s:
        s.ledger.add_feedback("k-new", {"content": "新意见。", "channel": "意见箱"}, "手工登记", 1, None)
    before = (snapshot(settings.root, closed), snapshot(settings.root, other))
    r = cli("feedback", "link", fid, other)  # taking an answered opinion away from a closed item
    assert r.exit_code == 4 and "已办结" in r.stderr and "--reopen" in r.stderr
    r = cli("feedback", "answer", fid, "--text", "补充答复。", "--by", "章晓鸣")
    assert r.exit_code == 4 and "已办结" in r.stderr
    r = cli("feedback", "link", "YJ-0002", closed)  # linking to a closed item
    assert r.exit_code == 4 and "已办结" in r.stderr
    assert (snapshot(settings.root, closed), snapshot(settings.root, other)) == before
    assert status_of(settings.root, closed) == "closed"

    r = cli("feedback", "link", fid, other, "--reopen")
    assert r.exit_code == 0, r.output
    assert f"已重新打开已办结的事项 {closed}" in r.stdout
    assert status_of(settings.root, closed) == "disclosed_inside"
    assert db_rows(settings.root, "SELECT item_id FROM feedback WHERE id=?", (fid,)) == [(other,)]
    actions = [a for (a,) in db_rows(settings.root, "SELECT action FROM events WHERE item_id=? ORDER BY id", (closed,))]
    assert actions[-2:] == ["重新打开", f"意见 {fid} 改关联到 {other}"]


def test_answering_on_a_closed_item_with_reopen(ws, tmp_path: Path) -> None:
    settings, ids = ws
    fid = close_with_answered(settings, ids, tmp_path)
    r = WsCli(settings.root, NOW)("feedback", "answer", fid, "--text", "补充答复。", "--by", "章晓鸣", "--reopen")
    assert r.exit_code == 0, r.output
    assert "已重新打开" in r.stdout and "第2次答复" in r.stdout
    assert status_of(settings.root, ids["by_number"]) == "disclosed_inside"


def test_the_registers_own_numbers_are_kept_and_accepted(ws, tmp_path: Path) -> None:
    settings, ids = ws
    rows = [("YJ2023-001", *ROWS[0][1:]), ("YJ2023-002", *ROWS[3][1:])]
    cli = WsCli(settings.root, NOW)
    assert cli("feedback", "import", write_xlsx(tmp_path / "r.xlsx", rows)).exit_code == 0
    assert db_rows(settings.root, "SELECT id, number FROM feedback ORDER BY id") == [
        ("YJ-0001", "YJ2023-001"), ("YJ-0002", "YJ2023-002")]
    r = cli("feedback", "link", "yj2023-002", ids["by_keyword"])
    assert r.exit_code == 0 and "意见 YJ-0002 已关联到" in r.stdout, r.output
    r = cli("feedback", "answer", "YJ2023-002", "--text", "已安排志愿服务。", "--by", "章晓鸣")
    assert r.exit_code == 0, r.output
    response = one(item_dir(settings.root, ids["by_keyword"]), "YJ-0002_意见反馈答复单.docx")
    assert "登记表编号 YJ2023-002" in docx_text(response)


def test_feedback_list_has_a_header_and_filters(ws, tmp_path: Path) -> None:
    settings, ids = ws
    cli = WsCli(settings.root, NOW)
    assert cli("feedback", "import", write_xlsx(tmp_path / "r.xlsx")).exit_code == 0
    assert cli("feedback", "answer", "YJ-0001", "--text", "已公布。", "--by", "章晓鸣").exit_code == 0

    def listed(*args: str) -> list[str]:
        out = cli("feedback", "list", *args).stdout.splitlines()
        return out

    lines = listed()
    assert lines[0].split() == ["编号", "登记表编号", "收到日期", "渠道", "事项", "状态", "意见内容"]
    assert [ln.split()[0] for ln in lines[1:-1]] == ["YJ-0001", "YJ-0002", "YJ-0003", "YJ-0004"]
    assert lines[-1] == "共 4 条，其中未答复 3 条。"
    assert [ln.split()[0] for ln in listed("--unanswered")[1:-1]] == ["YJ-0002", "YJ-0003", "YJ-0004"]
    assert [ln.split()[0] for ln in listed("--item", ids["by_title"])[1:-1]] == ["YJ-0002"]
    assert [ln.split()[0] for ln in listed("--channel", "意见箱")[1:-1]] == ["YJ-0001"]
    assert listed("--channel", "微信") == ["没有符合条件的意见。"]


def test_answer_needs_text(ws, tmp_path: Path) -> None:
    settings, ids = ws
    cli = WsCli(settings.root)
    assert cli("feedback", "import", write_xlsx(tmp_path / "r.xlsx", ROWS[:1])).exit_code == 0
    before = snapshot(settings.root, ids["by_number"])
    r = cli("feedback", "answer", "YJ-0001", "--text", "  ", "--by", "章晓鸣")
    assert r.exit_code == 2 and "--text" in r.stderr
    assert snapshot(settings.root, ids["by_number"]) == before


def test_unreadable_register_is_a_chinese_error(ws, tmp_path: Path) -> None:
    settings, _ = ws
    cli = WsCli(settings.root)
    bad = tmp_path / "登记.csv"
    bad.write_text("甲,乙\n1,2\n", encoding="utf-8")
    r = cli("feedback", "import", bad)
    assert r.exit_code == 3 and "表头" in r.stderr
    r = cli("feedback", "import", tmp_path / "不存在.xlsx")
    assert r.exit_code == 2 and "找不到" in r.stderr
    assert db_rows(settings.root, "SELECT COUNT(*) FROM feedback") == [(0,)]


def test_pdf_item_is_linked_by_its_doc_number(tmp_path: Path) -> None:
    settings, _ = init_workspace(tmp_path / "ws")
    draft(settings.inbox / "志愿服务.pdf", "plain", title="关于组织党员志愿服务活动的通知", docno="青科党〔2023〕37号",
          body=["定于本月组织党员志愿服务活动。"])
    with open_session(settings) as s:
        (outcome,) = api.run_ingest(s)
        assert s.ledger.item(outcome.item_id).report.metadata.doc_number == "青科党〔2023〕37号"
        register = tmp_path / "r.csv"
        register.write_text("渠道,涉及事项,意见内容\n意见箱,青科党〔2023〕37号,建议活动安排在周末。\n", encoding="utf-8-sig")
        (fb,) = api.import_feedback(s, register).added
    assert fb.item_id == outcome.item_id
