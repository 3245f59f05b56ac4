"""The disclosure workflow (spec/workflow.md) through pipeline.api and through the CLI: every refusal has a
Chinese message (exit code 4) and changes nothing; the happy path writes the right documents at each step;
the audit log is append-only in the database itself."""
from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from pipeline import api, workflow
from pipeline.api import open_session
from pipeline.errors import WorkflowError
from pipeline.workdays import Clock, When
from pipeline.workspace import init_workspace, load_workspace
from wf_helpers import (PII_ID, PII_PHONE, WsCli, db_rows, docx_text, draft, event_count, image_pdf, is_chinese,
                        item_dir, one, snapshot, status_of)

KINDS = ("plain", "secret", "not_public", "pii", "inside_first", "pre_disclose", "escalate", "no_text")
REVIEWER = "陈先荣"
DISTRICT = "李立"
# fixed clocks: the drafts arrive on Monday 2026-11-02, the actions are entered on Monday 2026-11-30
INGESTED = Clock(fixed=datetime(2026, 11, 2, 9, 0))
NOW = Clock(fixed=datetime(2026, 11, 30, 10, 0))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """One workspace with a draft of each kind ingested, built once; tests work on copies."""
    base = tmp_path_factory.mktemp("wf")
    settings, _ = init_workspace(base / "ws")
    for kind in KINDS:
        if kind == "no_text":
            image_pdf(settings.inbox / "扫描件.pdf")
        else:
            draft(settings.inbox / f"{kind}.docx", kind)
    with open_session(settings, clock=INGESTED) as s:
        outcomes = api.run_ingest(s)
    ids = {Path(o.file).stem if o.file != "扫描件.pdf" else "no_text": o.item_id for o in outcomes}
    assert set(ids) == set(KINDS) and all(ids.values())
    return settings.root, ids


@pytest.fixture
def ws(template, tmp_path: Path):
    root, ids = template
    copy = tmp_path / "ws"
    shutil.copytree(root, copy)
    return load_workspace(copy), ids


@pytest.fixture(params=["api", "cli"])
def mode(request) -> str:
    return request.param


def do(settings, fn, *args, **kw):
    with open_session(settings, clock=NOW) as s:
        return fn(s, *args, **kw)


def refused(settings, mode: str, item_id: str, call, cli_args: list[str]) -> str:
    """Run one forbidden action (api or CLI); it must be refused in Chinese and leave everything as it was."""
    before = snapshot(settings.root, item_id)
    if mode == "api":
        with pytest.raises(WorkflowError) as e:
            do(settings, call)
        msg = e.value.message
    else:
        r = WsCli(settings.root, NOW)(*cli_args)
        assert r.exit_code == 4, (r.exit_code, r.output)
        assert r.stderr.startswith("错误："), r.stderr
        msg = r.stderr
    assert is_chinese(msg), msg
    assert snapshot(settings.root, item_id) == before
    return msg


def approve(settings, item_id: str, level: str = "bureau", comment: str | None = None, by: str = REVIEWER,
            day: date = date(2026, 11, 3)):
    """Approved at a meeting on Tuesday 2026-11-03 (entered on NOW)."""
    return do(settings, api.review, item_id, True, by, level, comment, When(day))


def publish(settings, item_id: str, scope: str, day: date | None = None):
    return do(settings, api.publish, item_id, scope, "章晓鸣", When(day) if day else None)


def add_feedback(settings, item_id: str, content: str) -> str:
    with open_session(settings) as s:
        return s.ledger.add_feedback(f"key-{content}", {"content": content, "channel": "意见箱", "person": "张明",
                                                         "received": "2023-10-09"}, "手工登记", 1, item_id)


# ------------------------------------------------------------------------------------------------ refusals
@pytest.mark.parametrize("kind", ["not_public", "secret", "no_text"])
@pytest.mark.parametrize("scope", ["inside", "outside"])
def test_blocked_item_is_never_published(ws, mode, kind, scope) -> None:
    settings, ids = ws
    item = ids[kind]
    assert status_of(settings.root, item) == "blocked"
    msg = refused(settings, mode, item, lambda s: api.publish(s, item, scope, "章晓鸣"),
                  ["publish", item, "--scope", scope])
    assert "不能公开" in msg


@pytest.mark.parametrize("kind", ["secret", "not_public"])
@pytest.mark.parametrize("comment", [None, "已人工核对原件，同意公开"])
def test_secret_or_not_public_item_cannot_be_approved(ws, mode, kind, comment) -> None:
    settings, ids = ws
    item = ids[kind]
    args = ["review", item, "--approve", "--by", REVIEWER] + (["--comment", comment] if comment else [])
    msg = refused(settings, mode, item, lambda s: api.review(s, item, True, REVIEWER, "bureau", comment), args)
    assert {"secret": "密级标志", "not_public": "“不公开”标注"}[kind] in msg and "不能审核通过" in msg
    assert kind.upper() not in msg  # a refusal names the problem in words, never by its rule code


def test_no_text_item_needs_a_manual_check_note(ws, mode) -> None:
    settings, ids = ws
    item = ids["no_text"]
    msg = refused(settings, mode, item, lambda s: api.review(s, item, True, REVIEWER, "bureau", None),
                  ["review", item, "--approve", "--by", REVIEWER])
    assert "--comment" in msg and "人工核对" in msg
    refused(settings, mode, item, lambda s: api.review(s, item, True, REVIEWER, "bureau", "   "),
            ["review", item, "--approve", "--by", REVIEWER, "--comment", "   "])

    note = "已人工核对纸质原件，无涉密和个人信息"
    # a scan: public documents need a title and a summary the reviewer gives
    msg = refused(settings, mode, item, lambda s: api.review(s, item, True, REVIEWER, "bureau", note),
                  ["review", item, "--approve", "--by", REVIEWER, "--comment", note])
    assert "--title" in msg and "--summary" in msg
    title, summary = "关于机关党支部换届选举结果的公告", "机关第一党支部已于十月完成换届选举。"
    if mode == "api":
        assert do(settings, api.review, item, True, REVIEWER, "bureau", note, title=title, summary=summary).status == "approved"
    else:
        r = WsCli(settings.root, NOW)("review", item, "--approve", "--by", REVIEWER, "--comment", note,
                                      "--title", title, "--summary", summary)
        assert r.exit_code == 0, r.output
    assert status_of(settings.root, item) == "approved"
    last = db_rows(settings.root, "SELECT actor, from_state, to_state, comment FROM events WHERE item_id=? "
                   "ORDER BY id DESC LIMIT 1", (item,))[0]
    assert last == (REVIEWER, "blocked", "approved", note)
    # blocked, it had no deadline; cleared by the manual check, it gets one
    assert db_rows(settings.root, "SELECT due FROM items WHERE id=?", (item,))[0][0]
    form = docx_text(one(item_dir(settings.root, item), "*审批表*.docx"))
    assert note in form and REVIEWER in form


def test_inside_first_item_goes_inside_before_outside(ws, mode) -> None:
    settings, ids = ws
    item = ids["inside_first"]
    approve(settings, item)
    msg = refused(settings, mode, item, lambda s: api.publish(s, item, "outside", "章晓鸣"),
                  ["publish", item, "--scope", "outside"])
    assert "先党内" in msg
    assert publish(settings, item, "inside").status == "disclosed_inside"
    assert publish(settings, item, "outside").status == "disclosed"


def test_pre_disclose_item_must_be_predisclosed_first(ws, mode) -> None:
    settings, ids = ws
    item = ids["pre_disclose"]
    approve(settings, item)
    for scope in ("inside", "outside"):
        msg = refused(settings, mode, item, lambda s: api.publish(s, item, scope, "章晓鸣", When(date(2026, 11, 27))),
                      ["publish", item, "--scope", scope])
        assert "预公开" in msg


def test_no_publication_during_the_predisclosure_period(ws, mode) -> None:
    settings, ids = ws
    item = ids["pre_disclose"]
    approve(settings, item)
    # decided on Tuesday 2026-11-03: three working days are 11-04, 11-05, 11-06
    assert do(settings, api.predisclose, item, 3, "章晓鸣", When(date(2026, 11, 3))).status == "predisclosed"
    period = json.loads(db_rows(settings.root, "SELECT data FROM events WHERE item_id=? AND action LIKE '预公开%'",
                                (item,))[0][0])
    assert (period["start"], period["end"], period["days"]) == ("2026-11-03", "2026-11-06", 3)
    start, end = date(2026, 11, 3), date(2026, 11, 6)

    if mode == "api":
        for day in (start, end):  # the last day still belongs to the period
            msg = refused(settings, mode, item, lambda s: api.publish(s, item, "inside", "章晓鸣", When(day)), [])
            assert end.isoformat() in msg
    else:
        msg = refused(settings, mode, item, None, ["publish", item, "--scope", "inside", "--date", "2026-11-06"])
        assert end.isoformat() in msg
    assert publish(settings, item, "inside", date(2026, 11, 9)).status == "disclosed_inside"


def test_escalate_item_needs_the_district_group(ws, mode) -> None:
    settings, ids = ws
    item = ids["escalate"]
    # the district group reviews only after the bureau group
    refused(settings, mode, item, lambda s: api.review(s, item, True, DISTRICT, "district", None),
            ["review", item, "--approve", "--by", DISTRICT, "--level", "district"])
    approve(settings, item)
    msg = refused(settings, mode, item, lambda s: api.publish(s, item, "inside", "章晓鸣"),
                  ["publish", item, "--scope", "inside"])
    assert "区党务公开领导小组" in msg

    if mode == "api":
        approve(settings, item, "district", by=DISTRICT)
    else:
        r = WsCli(settings.root, NOW)("review", item, "--level", "district", "--approve", "--by", DISTRICT)
        assert r.exit_code == 0, r.output
    assert status_of(settings.root, item) == "approved"
    form = docx_text(one(item_dir(settings.root, item), "*审批表*.docx"))
    assert "区党务公开领导小组审核意见" in form and DISTRICT in form and REVIEWER in form
    assert publish(settings, item, "inside").status == "disclosed_inside"


def test_district_rejection_does_not_count_as_approval(ws) -> None:
    settings, ids = ws
    item = ids["escalate"]
    approve(settings, item)
    do(settings, api.review, item, False, DISTRICT, "district", "请补充论证材料")
    assert status_of(settings.root, item) == "returned"
    refused(settings, "api", item, lambda s: api.publish(s, item, "inside", "章晓鸣"), [])


def forget_copy(root: Path, item: str) -> None:
    """The ledger loses the record of the current 公开稿 (as if it was never made for this version)."""
    with sqlite3.connect(root / "gongkai.db") as db:
        db.execute("DELETE FROM artifacts WHERE item_id=? AND kind='redacted'", (item,))


def test_pii_item_goes_outside_only_from_the_redacted_copy(ws, mode) -> None:
    settings, ids = ws
    item = ids["pii"]
    approve(settings, item)
    forget_copy(settings.root, item)  # the file is still in the folder: the gate reads the ledger
    assert one(item_dir(settings.root, item), "*公开稿*.docx").is_file()
    msg = refused(settings, mode, item, lambda s: api.publish(s, item, "outside", "章晓鸣"),
                  ["publish", item, "--scope", "outside"])
    assert "公开稿" in msg and "第1版" in msg


def test_pii_item_published_outside_with_its_redacted_copy(ws) -> None:
    settings, ids = ws
    item = ids["pii"]
    approve(settings, item)
    assert publish(settings, item, "outside").status == "disclosed"
    notice = docx_text(one(item_dir(settings.root, item), "*公告（党外）*.docx"))
    assert "公开稿" in notice
    assert PII_ID not in notice and PII_PHONE not in notice
    data = db_rows(settings.root, "SELECT data FROM events WHERE item_id=? AND action LIKE '%公开'", (item,))
    assert json.loads(data[-1][0])["redacted"].endswith("公开稿.docx")


def test_pii_refusal_advice_restores_the_redacted_copy(ws) -> None:
    """The refusal names the command that regenerates the 公开稿; following it makes publication possible."""
    settings, ids = ws
    item = ids["pii"]
    approve(settings, item)
    forget_copy(settings.root, item)
    with pytest.raises(WorkflowError) as e:
        publish(settings, item, "outside")
    assert f"gongkai generate forms --item {item}" in e.value.message
    r = WsCli(settings.root, NOW)("generate", "forms", "--item", item)
    assert r.exit_code == 0, r.output
    one(item_dir(settings.root, item), "*公开稿*.docx")
    assert publish(settings, item, "outside").status == "disclosed"


def test_close_refused_while_feedback_is_unanswered(ws, mode) -> None:
    settings, ids = ws
    item = ids["plain"]
    approve(settings, item)
    publish(settings, item, "inside")
    fid = add_feedback(settings, item, "就餐时间能否延长到十三点")
    msg = refused(settings, mode, item, lambda s: api.close(s, item, "章晓鸣"), ["close", item])
    assert fid in msg and "未答复" in msg
    do(settings, api.answer_feedback, fid, "自下月起就餐时间延长至十三点。", "章晓鸣")
    assert do(settings, api.close, item, "章晓鸣").status == "closed"


def test_other_refusals(ws, mode) -> None:
    """Publishing what was never approved, approving twice, closing what was never published, acting on a
    returned item."""
    settings, ids = ws
    item = ids["plain"]
    refused(settings, mode, item, lambda s: api.publish(s, item, "inside", "章晓鸣"), ["publish", item, "--scope", "inside"])
    refused(settings, mode, item, lambda s: api.close(s, item, "章晓鸣"), ["close", item])
    refused(settings, mode, item, lambda s: api.predisclose(s, item, 3, "章晓鸣"), ["predisclose", item, "--days", "3"])
    approve(settings, item)
    refused(settings, mode, item, lambda s: api.review(s, item, True, REVIEWER, "bureau", None),
            ["review", item, "--approve", "--by", REVIEWER])
    publish(settings, item, "inside")
    refused(settings, mode, item, lambda s: api.publish(s, item, "inside", "章晓鸣"), ["publish", item, "--scope", "inside"])
    publish(settings, item, "outside")
    refused(settings, mode, item, lambda s: api.publish(s, item, "outside", "章晓鸣"), ["publish", item, "--scope", "outside"])

    other = ids["inside_first"]
    do(settings, api.review, other, False, REVIEWER, "bureau", "请补充依据")
    assert status_of(settings.root, other) == "returned"
    for call, args in ((lambda s: api.publish(s, other, "inside", "章晓鸣"), ["publish", other, "--scope", "inside"]),
                       (lambda s: api.review(s, other, True, REVIEWER, "bureau", None),
                        ["review", other, "--approve", "--by", REVIEWER])):
        refused(settings, mode, other, call, args)


def test_stale_transition_is_refused(ws) -> None:
    """Two clerks act on the same item: the second transition starts from a state that is gone."""
    settings, ids = ws
    item = ids["plain"]
    with open_session(settings) as s:
        s.ledger.transition(item, "received", "approved", REVIEWER, "局党务公开领导小组审核通过")
        n = event_count(settings.root, item)
        with pytest.raises(WorkflowError) as e:
            s.ledger.transition(item, "received", "returned", "另一人", "局党务公开领导小组审核退回")
    assert is_chinese(e.value.message)
    assert status_of(settings.root, item) == "approved" and event_count(settings.root, item) == n


# ------------------------------------------------------------------------------------------------ happy path
def cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def test_happy_path_through_the_api(ws, tmp_path: Path) -> None:
    settings, ids = ws
    root = settings.root
    item = ids["pre_disclose"]
    folder = item_dir(root, item)
    form = one(folder, "*审批表*.docx")
    assert REVIEWER not in docx_text(form)

    # review: the approval form is regenerated with the reviewer's name and opinion
    assert approve(settings, item, comment="同意预公开").status == "approved"
    text = docx_text(form)
    reviewed = json.loads(db_rows(root, "SELECT data FROM events WHERE item_id=? AND action LIKE '%审核通过%'",
                                  (item,))[0][0])
    assert REVIEWER in text and "同意。同意预公开" in text and cn(date.fromisoformat(reviewed["date"])) in text

    # pre-disclosure notice with the period and the feedback channels
    assert do(settings, api.predisclose, item, 5, "章晓鸣", When(date(2026, 11, 10))).status == "predisclosed"
    period = json.loads(db_rows(root, "SELECT data FROM events WHERE item_id=? AND action LIKE '预公开%'",
                                (item,))[0][0])
    start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])
    assert (start, end) == (date(2026, 11, 10), date(2026, 11, 17))
    notice = docx_text(one(folder, "*预公开公示*.docx"))
    assert "关于机关考勤制度的征求意见稿" in notice
    assert cn(start) in notice and cn(end) in notice
    assert "85820611" in notice and "陈一平、章晓鸣" in notice and settings.opinion_box in notice

    # publication inside, then outside, after the period
    after = end + timedelta(days=1)
    assert publish(settings, item, "inside", after).status == "disclosed_inside"
    inside = docx_text(one(folder, "*公告（党内）*.docx"))
    assert "党内公开" in inside and "全体党员" in inside and "青科党〔2023〕35号" in inside and item in inside
    assert publish(settings, item, "outside", after).status == "disclosed"
    outside = docx_text(one(folder, "*公告（党外）*.docx"))
    assert "党外公开" in outside and "社会公众" in outside

    # feedback: registered, answered (a response form), then the item closes with the results published
    register = tmp_path / "意见登记表.csv"
    register.write_text("收到日期,渠道,反映人,联系方式,涉及事项,意见内容\n"
                        "2023-10-09,监督电话,张明,13600001111,青科党〔2023〕35号,建议弹性考勤时间放宽到半小时。\n",
                        encoding="utf-8-sig")
    result = do(settings, api.import_feedback, register)
    (fb,) = result.added
    assert fb.item_id == item and not result.unmatched
    with pytest.raises(WorkflowError):
        do(settings, api.close, item, "章晓鸣")
    answer = "已采纳，弹性考勤时间调整为三十分钟。"
    done = do(settings, api.answer_feedback, fb.id, answer, "章晓鸣")
    fb, response = done.feedback, done.path
    assert response.parent == folder and "意见反馈答复单" in response.name
    rtext = docx_text(response)
    assert answer in rtext and "建议弹性考勤时间放宽到半小时" in rtext and "张明" in rtext and fb.id in rtext
    assert do(settings, api.close, item, "章晓鸣").status == "closed"
    results = docx_text(one(folder, "*处理结果公开*.docx"))
    assert answer in results and "建议弹性考勤时间放宽到半小时" in results
    assert "13600001111" not in results  # the reporter's phone is never published

    # the whole story is in the audit log, in order
    events = db_rows(root, "SELECT actor, from_state, to_state FROM events WHERE item_id=? AND to_state IS NOT NULL "
                     "ORDER BY id", (item,))
    assert [(f, t) for _, f, t in events] == [
        (None, "received"), ("received", "approved"), ("approved", "predisclosed"),
        ("predisclosed", "disclosed_inside"), ("disclosed_inside", "disclosed"), ("disclosed", "closed")]
    assert events[1][0] == REVIEWER
    actions = [r[0] for r in db_rows(root, "SELECT action FROM events WHERE item_id=? ORDER BY id", (item,))]
    assert f"收到意见 {fb.id}" in actions and f"答复意见 {fb.id}" in actions
    kinds = {r[0] for r in db_rows(root, "SELECT kind FROM artifacts WHERE item_id=?", (item,))}
    assert kinds >= {"form", "predisclosure", "notice_inside", "notice_outside", f"response_{fb.id}", "results"}


def test_happy_path_through_the_cli(ws, tmp_path: Path) -> None:
    settings, ids = ws
    cli = WsCli(settings.root, NOW)
    item = ids["inside_first"]
    folder = item_dir(settings.root, item)

    r = cli("review", item, "--approve", "--by", REVIEWER, "--comment", "同意先党内后党外公开")
    assert r.exit_code == 0 and "审核通过" in r.stdout
    assert REVIEWER in docx_text(one(folder, "*审批表*.docx"))
    assert cli("publish", item, "--scope", "inside").exit_code == 0
    one(folder, "*公告（党内）*.docx")
    assert cli("publish", item, "--scope", "outside").exit_code == 0
    one(folder, "*公告（党外）*.docx")

    register = tmp_path / "登记.csv"
    register.write_text("渠道,反映人,涉及事项,意见内容\n意见箱,王芳,关于调整机关党支部设置的决定,建议公布各支部委员名单。\n",
                        encoding="utf-8-sig")
    r = cli("feedback", "import", register)
    assert r.exit_code == 0 and "新增 1 条" in r.stdout and item in r.stdout
    fid = json.loads(cli("feedback", "list", "--json").stdout)[0]["id"]
    assert cli("close", item).exit_code == 4
    r = cli("feedback", "answer", fid, "--text", "各支部委员名单已在局域网公布。", "--by", "章晓鸣")
    assert r.exit_code == 0, r.output
    r = cli("close", item)
    assert r.exit_code == 0 and "已办结" in r.stdout
    assert "各支部委员名单已在局域网公布" in docx_text(one(folder, "*处理结果公开*.docx"))

    shown = json.loads(cli("show", item, "--json").stdout)
    assert shown["status"] == "closed"
    assert [e["to_state"] for e in shown["events"] if e["to_state"]] == [
        "received", "approved", "disclosed_inside", "disclosed", "closed"]
    assert shown["feedback"][0]["answer"] == "各支部委员名单已在局域网公布。"


def test_close_without_feedback_writes_no_results(ws) -> None:
    settings, ids = ws
    item = ids["plain"]
    approve(settings, item)
    publish(settings, item, "inside")
    assert do(settings, api.close, item, "章晓鸣").status == "closed"
    assert not list(item_dir(settings.root, item).glob("*处理结果公开*"))


# ------------------------------------------------------------------------------------------------ audit log
def test_events_are_append_only(ws) -> None:
    settings, ids = ws
    item = ids["plain"]
    approve(settings, item)
    before = db_rows(settings.root, "SELECT * FROM events ORDER BY id")
    assert len(before) >= 2
    db = sqlite3.connect(str(settings.db))
    try:
        for sql in ("UPDATE events SET actor='某人' WHERE item_id=?", "UPDATE events SET to_state='closed' WHERE item_id=?",
                    "DELETE FROM events WHERE item_id=?"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(sql, (item,))
            db.rollback()
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM events")
        db.rollback()
    finally:
        db.close()
    assert db_rows(settings.root, "SELECT * FROM events ORDER BY id") == before


def test_ledger_reopens_with_migrations_recorded_once(ws) -> None:
    from pipeline.ledger import MIGRATIONS

    settings, ids = ws
    for _ in range(2):
        with open_session(settings) as s:
            assert s.ledger.item(ids["plain"]).status == "received"
    assert db_rows(settings.root, "SELECT version FROM schema_migrations ORDER BY version") == \
        [(n,) for n in range(1, len(MIGRATIONS) + 1)]
    assert db_rows(settings.root, "PRAGMA journal_mode") == [("wal",)]


def test_ledger_of_the_first_release_is_upgraded_in_place(ws, tmp_path: Path) -> None:
    """A gongkai.db written with only the first two migrations opens, gets the later ones, keeps its items and
    still refuses to rewrite its events."""
    from pipeline.ledger import MIGRATIONS, Ledger, _statements

    settings, ids = ws
    item = ids["plain"]
    cols = {t: [r[1] for r in db_rows(settings.root, f"PRAGMA table_info({t})")] for t in ("items", "versions", "events")}
    rows = {t: db_rows(settings.root, f"SELECT * FROM {t} WHERE {'id' if t == 'items' else 'item_id'}=?", (item,))
            for t in cols}

    old = tmp_path / "old.db"
    db = sqlite3.connect(str(old), isolation_level=None)
    db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied TEXT)")
    for n, sql in enumerate(MIGRATIONS[:2], start=1):
        for stmt in _statements(sql):
            db.execute(stmt)
        db.execute("INSERT INTO schema_migrations VALUES (?, '2023-01-01T00:00:00')", (n,))
    for t, rs in rows.items():
        have = [r[1] for r in db.execute(f"PRAGMA table_info({t})")]
        for r in rs:
            values = [v for c, v in zip(cols[t], r) if c in have]
            db.execute(f"INSERT INTO {t} ({','.join(c for c in cols[t] if c in have)}) VALUES "
                       f"({','.join('?' * len(values))})", values)
    db.close()

    with Ledger(old) as ledger:
        got = ledger.item(item)
        assert (got.status, got.title, got.version) == ("received", "关于加强机关食堂管理的通知", 1)
        assert [e.action for e in got.events] == ["登记"]
        assert [r[0] for r in ledger.db.execute("SELECT version FROM schema_migrations ORDER BY version")] == \
            list(range(1, len(MIGRATIONS) + 1))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            ledger.db.execute("DELETE FROM events")


def test_unknown_item_is_not_found(ws, mode) -> None:
    settings, _ = ws
    if mode == "api":
        from pipeline.errors import NotFoundError

        with pytest.raises(NotFoundError):
            do(settings, api.publish, "GK-1999-0001", "inside", "章晓鸣")
    else:
        r = WsCli(settings.root, NOW)("publish", "GK-1999-0001", "--scope", "inside")
        assert r.exit_code == 5 and "GK-1999-0001" in r.stderr


def test_withdrawn_district_approval_of_an_earlier_version_does_not_count(ws, tmp_path: Path) -> None:
    settings, ids = ws
    item = ids["escalate"]
    approve(settings, item)
    approve(settings, item, "district", by=DISTRICT)
    do(settings, api.review, item, False, DISTRICT, "district", "撤回同意，须补充论证")
    assert status_of(settings.root, item) == "returned"

    draft(settings.inbox / "修改稿.docx", "escalate",
          body=["本事项属于特别重大事项，报区党务公开领导小组审核。", "已按区党务公开领导小组意见补充论证。"])
    (outcome,) = do(settings, api.run_ingest)
    assert (outcome.kind, outcome.item_id) == ("version", item)
    approve(settings, item, day=date(2026, 11, 30))  # the revised draft came in on NOW's day
    refused(settings, "api", item, lambda s: api.publish(s, item, "inside", "章晓鸣"), [])


# ------------------------------------------------------------------------------------------------ corrections, returns
def test_a_corrected_draft_of_a_published_item_is_a_correction_with_its_own_review(ws) -> None:
    settings, ids = ws
    item = ids["plain"]
    approve(settings, item)
    publish(settings, item, "inside")
    assert status_of(settings.root, item) == "disclosed_inside"

    draft(settings.inbox / "更正稿.docx", "plain", body=["为加强机关食堂管理，现通知如下。", "一、就餐人员须刷卡就餐，访客须登记。"])
    (outcome,) = do(settings, api.run_ingest)
    assert (outcome.kind, outcome.item_id) == ("version", item)  # never a silent new item
    assert "更正已公开的事项" in outcome.message
    assert status_of(settings.root, item) == "received"  # its own review
    assert db_rows(settings.root, "SELECT COUNT(*) FROM items") == [(len(KINDS),)]
    action = db_rows(settings.root, "SELECT action FROM events WHERE item_id=? ORDER BY id DESC LIMIT 1", (item,))[0][0]
    assert action == "收到更正稿（第2版，更正已公开的第1版，须重新审核后公开）"
    assert "（更正）" in docx_text(one(item_dir(settings.root, item), "*审批表*.docx"))
    refused(settings, "api", item, lambda s: api.publish(s, item, "inside", "章晓鸣"), [])  # not yet reviewed
    assert approve(settings, item, day=date(2026, 11, 30)).status == "approved"
    assert publish(settings, item, "inside").status == "disclosed_inside"
    assert "（更正）" in docx_text(one(item_dir(settings.root, item), "*公告（党内）*.docx"))


def test_a_returned_item_tells_the_liaison_how_to_resubmit(ws) -> None:
    settings, ids = ws
    item = ids["plain"]
    cli = WsCli(settings.root, NOW)
    r = cli("review", item, "--reject", "--by", REVIEWER, "--comment", "请补充就餐时间")
    assert r.exit_code == 0, r.output
    assert "放入收件箱" in r.stdout and str(settings.inbox) in r.stdout and "青科党〔2023〕30号" in r.stdout
    assert "新版本" in r.stdout
    assert "放入收件箱" in cli("show", item).stdout
    draft(settings.inbox / "修改稿.docx", "plain", body=["为加强机关食堂管理，现通知如下。", "一、就餐时间为十一点半至十三点。"])
    (outcome,) = do(settings, api.run_ingest)
    assert (outcome.kind, outcome.item_id) == ("version", item)
    assert status_of(settings.root, item) == "received"
