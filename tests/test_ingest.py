"""`gongkai ingest`: drafts dropped into a real workspace become ledger items, originals go to archive/ unchanged,
bad files to failed/ with a Chinese note, and the documents of each item to outbox/<id>_<title>/. Includes a
crash test: the ingest process is SIGKILLed mid-run and run again; nothing is lost and nothing is doubled."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from fixtures import empty_file, encrypted_pdf, gongkai_script, lock_file, official_doc, truncated_docx
from pipeline.workspace import init_workspace
from wf_helpers import (PII_ID, PII_PHONE, WsCli, db_rows, docx_text, draft, files_under, image_pdf, is_chinese,
                        item_dir, numbered_draft, one, run_gongkai, sha256)

GOOD = {  # name in the inbox -> kind; all become items with status received
    "01_食堂管理通知.docx": "plain",
    "02_党支部设置决定.pdf": "inside_first",
    "03_困难党员补助.docx": "pii",
    "子文件夹/04_项目验收通知.docx": None,  # numbered_draft(1), inside a dropped folder
}
BLOCKED = {"05_查处通报_秘密.docx": "secret", "06_档案审核_不公开.docx": "not_public", "07_扫描件.pdf": None}
BAD = ("08_加密.pdf", "09_截断.docx", "10_空文件.pdf")
LOCK = "~$食堂管理通知.docx"


def make_drop(src: Path) -> dict[str, Path]:
    """Every file of the drop, generated into src/ (the 'office PC'); returns inbox-relative name -> file."""
    out: dict[str, Path] = {}
    for name, kind in {**GOOD, **BLOCKED}.items():
        p = src / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if name.startswith("子文件夹/"):
            out[name] = numbered_draft(p, 1)
        elif name == "07_扫描件.pdf":
            out[name] = image_pdf(p)
        else:
            out[name] = draft(p, kind)
    out[BAD[0]] = encrypted_pdf(src / BAD[0])
    out[BAD[1]] = truncated_docx(src / BAD[1])
    out[BAD[2]] = empty_file(src / BAD[2])
    out[LOCK] = lock_file(src / LOCK)
    return out


def drop(files: dict[str, Path], inbox: Path) -> None:
    for name, p in files.items():
        target = inbox / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, target)


@pytest.fixture
def ws(tmp_path: Path):
    settings, created = init_workspace(tmp_path / "ws")
    assert created
    files = make_drop(tmp_path / "src")
    drop(files, settings.inbox)
    return settings, files


def items_json(root: Path) -> list[dict]:
    r = WsCli(root)("list", "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


# ------------------------------------------------------------------------------------------------ the drop
@pytest.mark.parametrize("how", ["clirunner", "subprocess", "subprocess-workers"])
def test_ingest_a_mixed_drop(ws, how: str) -> None:
    settings, files = ws
    root = settings.root
    if how == "clirunner":
        r = WsCli(root)("ingest")
        assert r.exit_code == 0, r.output
        out = r.stdout
    else:
        p = run_gongkai(root, "ingest", *(["--workers", "3"] if how.endswith("workers") else []))
        assert p.returncode == 0, p.stderr
        out = p.stdout
    assert "失败 3" in out and "登记 7" in out and "拦截不得公开 3" in out

    items = items_json(root)
    by_file = {i["file"]: i for i in items}
    assert len(items) == 7
    assert set(by_file) == {str(Path(n)) for n in [*GOOD, *BLOCKED]}
    for name in GOOD:
        assert by_file[str(Path(name))]["status"] == "received", name
    for name in BLOCKED:
        assert by_file[str(Path(name))]["status"] == "blocked", name
    for name, item in by_file.items():
        assert set(item) >= {"id", "status", "title", "file", "sha256", "due"}
        assert item["sha256"] == sha256(files[Path(name).as_posix()])
        assert item["id"].startswith("GK-")
        # a deadline for what will be disclosed; none for a draft that never can be
        assert bool(item["due"]) == (item["status"] != "blocked"), name
    assert by_file["01_食堂管理通知.docx"]["title"] == "关于加强机关食堂管理的通知"

    # bad files: in failed/, each with a Chinese note
    failed = {p.name for p in files_under(settings.failed)}
    assert failed == set(BAD)
    for name in BAD:
        note = settings.failed / f"{name}.原因.txt"
        assert note.is_file(), name
        assert is_chinese(note.read_text(encoding="utf-8"))
        assert sha256(settings.failed / name) == sha256(files[name])

    # the inbox keeps only the lock file; the dropped folder is gone with its draft
    assert [p.name for p in settings.inbox.rglob("*")] == [LOCK]
    assert (settings.inbox / LOCK).read_bytes() == files[LOCK].read_bytes()

    # originals archived byte for byte, one per recorded draft
    archived = files_under(settings.archive)
    assert Counter(sha256(p) for p in archived) == Counter(sha256(files[n]) for n in [*GOOD, *BLOCKED])
    for row in db_rows(root, "SELECT archived, sha256 FROM versions"):
        assert sha256(root / row[0]) == row[1]

    # documents of every item
    for item in items:
        folder = item_dir(root, item["id"])
        form = one(folder, "*审批表*.docx")
        assert item["id"] in docx_text(form)
        report = json.loads(one(folder, "*检查报告.json").read_text(encoding="utf-8"))
        assert report["sha256"] == item["sha256"]
        assert report["disclosable"] is (item["status"] == "received")

    pii = by_file["03_困难党员补助.docx"]
    public = one(item_dir(root, pii["id"]), "*公开稿*.docx")
    text = docx_text(public)
    assert PII_ID not in text and PII_PHONE not in text
    assert "王五" in text and "补助标准为每人两千元" in text  # only the numbers are masked
    for item in items:  # every item that may be published has its 公开稿; a blocked one never
        copies = list(item_dir(root, item["id"]).glob("*公开稿*"))
        assert len(copies) == (0 if item["status"] == "blocked" else 1), item["file"]

    # show --json: the registration event
    r = WsCli(root)("show", pii["id"], "--json")
    assert r.exit_code == 0
    shown = json.loads(r.stdout)
    assert shown["id"] == pii["id"] and shown["status"] == "received"
    assert [e["action"] for e in shown["events"]] == ["登记"]
    assert shown["events"][0]["to_state"] == "received"


def test_ingest_empty_inbox_says_so(tmp_path: Path) -> None:
    settings, _ = init_workspace(tmp_path / "ws")
    r = WsCli(settings.root)("ingest")
    assert r.exit_code == 0
    assert "没有待处理的文稿" in r.stdout
    assert items_json(settings.root) == []


def test_byte_identical_copy_is_a_duplicate(ws) -> None:
    settings, files = ws
    root = settings.root
    assert WsCli(root)("ingest").exit_code == 0
    before = db_rows(root, "SELECT * FROM versions ORDER BY item_id")
    events = db_rows(root, "SELECT COUNT(*) FROM events")

    shutil.copyfile(files["01_食堂管理通知.docx"], settings.inbox / "食堂管理通知（再次报送）.docx")
    r = WsCli(root)("ingest")
    assert r.exit_code == 0
    assert "重复 1" in r.stdout and "内容完全相同" in r.stdout
    assert db_rows(root, "SELECT * FROM versions ORDER BY item_id") == before
    assert db_rows(root, "SELECT COUNT(*) FROM events") == events
    assert len(items_json(root)) == 7
    assert not [p for p in settings.inbox.rglob("*") if p.name != LOCK]
    dup = settings.archive / "重复件" / "食堂管理通知（再次报送）.docx"  # kept, never deleted
    assert sha256(dup) == sha256(files["01_食堂管理通知.docx"])
    assert is_chinese((dup.parent / (dup.name + ".原因.txt")).read_text(encoding="utf-8"))


@pytest.mark.parametrize("same", ["docno", "title"])
def test_corrected_draft_becomes_version_2(ws, tmp_path: Path, same: str) -> None:
    settings, files = ws
    root = settings.root
    assert WsCli(root)("ingest").exit_code == 0
    original = next(i for i in items_json(root) if i["file"] == "01_食堂管理通知.docx")

    body = ["为加强机关食堂管理，现通知如下。", "一、就餐人员须刷卡就餐。", "二、外来人员就餐须登记。"]
    if same == "docno":
        fixed = draft(tmp_path / "fix.docx", "plain", body=body, title="关于进一步加强机关食堂管理的通知")
    else:  # same title, and the corrected draft carries no 发文字号 that would contradict the original's
        fixed = official_doc(tmp_path / "fix.docx", docno=None, banner=None, body=body,
                             title="关于加强机关食堂管理的通知")
    shutil.copyfile(fixed, settings.inbox / "01_食堂管理通知（修改稿）.docx")
    r = WsCli(root)("ingest")
    assert r.exit_code == 0
    assert "新版本 1" in r.stdout and "第2版" in r.stdout

    items = items_json(root)
    assert len(items) == 7
    item = next(i for i in items if i["id"] == original["id"])
    assert item["version"] == 2 and item["status"] == "received"
    assert item["sha256"] == sha256(fixed) and item["file"] == "01_食堂管理通知（修改稿）.docx"
    versions = db_rows(root, "SELECT version, sha256 FROM versions WHERE item_id=? ORDER BY version", (item["id"],))
    assert versions == [(1, original["sha256"]), (2, sha256(fixed))]
    for v, sha in versions:  # both originals kept in the archive
        assert sha256(root / db_rows(root, "SELECT archived FROM versions WHERE item_id=? AND version=?",
                                     (item["id"], v))[0][0]) == sha
    shown = json.loads(WsCli(root)("show", item["id"], "--json").stdout)
    assert [e["action"] for e in shown["events"]] == ["登记", "收到修改稿（第2版）"]
    # the documents follow the new version, in the item's same folder
    assert len([d for d in settings.outbox.iterdir() if d.name.startswith(item["id"] + "_")]) == 1
    assert db_rows(root, "SELECT COUNT(*) FROM artifacts WHERE item_id=? AND version=2 AND kind='form'",
                   (item["id"],)) == [(1,)]


def test_corrected_draft_of_a_returned_item(ws, tmp_path: Path) -> None:
    settings, _ = ws
    root = settings.root
    cli = WsCli(root)
    assert cli("ingest").exit_code == 0
    item = next(i for i in items_json(root) if i["file"] == "01_食堂管理通知.docx")
    r = cli("review", item["id"], "--reject", "--by", "陈先荣", "--comment", "请补充外来人员就餐规定")
    assert r.exit_code == 0, r.output
    assert next(i for i in items_json(root) if i["id"] == item["id"])["status"] == "returned"

    fixed = draft(tmp_path / "fix.docx", "plain", body=["为加强机关食堂管理，现通知如下。", "二、外来人员就餐须登记。"])
    shutil.copyfile(fixed, settings.inbox / "食堂管理通知_修改.docx")
    assert cli("ingest").exit_code == 0
    after = next(i for i in items_json(root) if i["id"] == item["id"])
    assert (after["version"], after["status"]) == (2, "received")
    shown = json.loads(cli("show", item["id"], "--json").stdout)
    last = shown["events"][-1]
    assert (last["from_state"], last["to_state"]) == ("returned", "received")


# ------------------------------------------------------------------------------------------------ half-done runs
def test_recorded_but_not_archived_is_finished_by_the_next_run(tmp_path: Path) -> None:
    """The state a run killed right after the ledger commit leaves: recorded, original still in the inbox."""
    from pipeline.api import open_session
    from pipeline.check import check_file
    from pipeline.intake import archive_path

    settings, _ = init_workspace(tmp_path / "ws")
    src = draft(settings.inbox / "食堂.docx", "plain")
    sha = sha256(src)
    with open_session(settings) as s:
        report = check_file(src, s.rules, sha)
        archived = archive_path(settings, sha, src.name)
        s.ledger.record(report, "食堂.docx", str(archived.relative_to(settings.root)), "2099-01-01", "received")
    assert src.exists() and not archived.exists()

    r = WsCli(settings.root)("ingest")
    assert r.exit_code == 0, r.output
    assert "补完上次中断的归档" in r.stdout
    assert not src.exists() and sha256(archived) == sha
    assert db_rows(settings.root, "SELECT COUNT(*) FROM versions") == [(1,)]
    assert db_rows(settings.root, "SELECT COUNT(*) FROM events") == [(1,)]
    (item_id,) = db_rows(settings.root, "SELECT id FROM items")[0]
    one(item_dir(settings.root, item_id), "*审批表*.docx")


def _ingested_then_unrendered(tmp_path: Path, kind: str = "plain", keep: tuple[str, ...] = ()) -> tuple:
    """A workspace in the state a run killed after archiving leaves: the item recorded and archived, its documents
    (and their artifact rows) gone except the kinds in `keep`."""
    settings, _ = init_workspace(tmp_path / "ws")
    draft(settings.inbox / "补助.docx", kind)
    assert WsCli(settings.root)("ingest").exit_code == 0
    (item_id,) = db_rows(settings.root, "SELECT id FROM items")[0]
    folder = item_dir(settings.root, item_id)
    kept = {k: p for k, p in db_rows(settings.root, "SELECT kind, path FROM artifacts WHERE item_id=?", (item_id,))
            if k in keep}
    for f in folder.iterdir():
        if f.relative_to(settings.root).as_posix() not in {Path(p).as_posix() for p in kept.values()}:
            f.unlink()
    db = sqlite3.connect(str(settings.db))
    db.execute(f"DELETE FROM artifacts WHERE kind NOT IN ({','.join('?' * len(keep))})", keep)
    db.commit()
    db.close()
    return settings, item_id, folder


def test_archived_but_not_rendered_is_finished_by_the_next_run(tmp_path: Path) -> None:
    settings, item_id, folder = _ingested_then_unrendered(tmp_path)
    assert not list(folder.glob("*审批表*"))
    numbered_draft(settings.inbox / "下一件.docx", 1)
    r = WsCli(settings.root)("ingest")
    assert r.exit_code == 0, r.output
    one(folder, "*审批表*.docx")
    report = json.loads(one(folder, "*检查报告.json").read_text(encoding="utf-8"))
    assert report["sha256"] == db_rows(settings.root, "SELECT sha256 FROM versions WHERE item_id=?", (item_id,))[0][0]
    assert db_rows(settings.root, "SELECT COUNT(*) FROM versions") == [(2,)]


def test_archived_but_not_rendered_is_finished_by_ingest_on_an_empty_inbox(tmp_path: Path) -> None:
    settings, item_id, folder = _ingested_then_unrendered(tmp_path)
    assert WsCli(settings.root)("ingest").exit_code == 0
    one(folder, "*审批表*.docx")
    one(folder, "*检查报告.json")


def test_redacted_copy_missing_after_a_stop_is_finished_by_the_next_run(tmp_path: Path) -> None:
    settings, item_id, folder = _ingested_then_unrendered(tmp_path, "pii", keep=("form",))
    assert not list(folder.glob("*公开稿*")) and list(folder.glob("*审批表*"))
    numbered_draft(settings.inbox / "下一件.docx", 1)
    assert WsCli(settings.root)("ingest").exit_code == 0
    one(folder, "*公开稿*.docx")


# ------------------------------------------------------------------------------------------------ crash test
N_GOOD = 35


def make_crash_drop(src: Path) -> tuple[dict[str, Path], set[str], set[str]]:
    """~40 drafts: good ones, two blocked, two bad, a byte-identical copy in a subfolder, and a lock file.
    Returns (inbox name -> file, shas that must become versions, shas that must end in failed/)."""
    files: dict[str, Path] = {}
    for n in range(1, N_GOOD + 1):
        files[f"{n:02d}_验收通知.docx"] = numbered_draft(src / f"{n:02d}_验收通知.docx", n)
    files["90_秘密.docx"] = draft(src / "90_秘密.docx", "secret")
    files["91_扫描件.pdf"] = image_pdf(src / "91_扫描件.pdf")
    files["92_截断.docx"] = truncated_docx(src / "92_截断.docx")
    files["93_空文件.pdf"] = empty_file(src / "93_空文件.pdf")
    (src / "再次报送").mkdir()
    files["再次报送/05_验收通知.docx"] = Path(shutil.copyfile(files["05_验收通知.docx"], src / "再次报送" / "05_验收通知.docx"))
    recorded = {sha256(p) for n, p in files.items() if not n.startswith(("92_", "93_"))}
    failed = {sha256(files["92_截断.docx"]), sha256(files["93_空文件.pdf"])}
    files[LOCK] = lock_file(src / LOCK)
    return files, recorded, failed


def pending(inbox: Path) -> int:
    return sum(1 for p in inbox.rglob("*") if p.is_file() and not p.name.startswith("~$"))


def start_and_kill(root: Path, log: Path, at_least: int) -> int:
    """Start `gongkai ingest`, SIGKILL it once `at_least` more drafts have left the inbox; returns how many
    are still waiting."""
    waiting = pending(root / "inbox")
    with log.open("ab") as out:
        proc = subprocess.Popen([gongkai_script(), "ingest"], cwd=root, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while pending(root / "inbox") > waiting - at_least and proc.poll() is None:
            assert time.monotonic() < deadline, "ingest made no progress"
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "ingest finished before it could be killed"
    return pending(root / "inbox")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_ingest_killed_midway_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    settings, _ = init_workspace(tmp_path / "ws")
    root = settings.root
    files, recorded, failed = make_crash_drop(tmp_path / "src")
    drop(files, settings.inbox)
    dropped = [sha256(p) for n, p in files.items() if n != LOCK]
    assert len(dropped) == 40

    log = tmp_path / "ingest.log"
    left = start_and_kill(root, log, 3)
    assert 0 < left <= 37
    left = start_and_kill(root, log, 3)  # and once more, from the half-done state
    assert 0 < left

    p = run_gongkai(root, "ingest")
    assert p.returncode == 0, p.stderr
    assert pending(settings.inbox) == 0 and (settings.inbox / LOCK).is_file()

    # nothing lost: every dropped file is in archive/ or failed/, byte for byte
    kept = files_under(settings.archive) + files_under(settings.failed)
    assert not [k for k in kept if k.name.endswith(".part")]
    assert len(kept) == len(dropped)
    assert Counter(sha256(k) for k in kept) == Counter(dropped)
    assert {sha256(k) for k in files_under(settings.failed)} == failed

    # nothing doubled: one version per distinct recorded draft, one item each, one registration each
    assert db_rows(root, "SELECT COUNT(*), COUNT(DISTINCT sha256) FROM versions") == [(len(recorded), len(recorded))]
    assert {r[0] for r in db_rows(root, "SELECT sha256 FROM versions")} == recorded
    assert db_rows(root, "SELECT COUNT(*) FROM items") == [(len(recorded),)]
    assert db_rows(root, "SELECT COUNT(*) FROM events WHERE action='登记'") == [(len(recorded),)]
    assert db_rows(root, "SELECT item_id FROM events WHERE action='登记' GROUP BY item_id HAVING COUNT(*) > 1") == []
    for archived, sha in db_rows(root, "SELECT archived, sha256 FROM versions"):
        assert sha256(root / archived) == sha
    ids = [r[0] for r in db_rows(root, "SELECT id FROM items ORDER BY seq")]
    assert len(set(ids)) == len(ids)
    statuses = Counter(r[0] for r in db_rows(root, "SELECT status FROM items"))
    assert statuses == {"received": N_GOOD, "blocked": 2}

    # the documents of items a killed run had recorded but not yet rendered are finished by the next run
    for item_id in ids:
        folder = item_dir(root, item_id)
        one(folder, "*审批表*.docx")
        one(folder, "*检查报告.json")


# ------------------------------------------------------------------------------------------------ the 公开稿 leaks nothing
def _pii_leaks(public: Path, *numbers: str) -> list[str]:
    """Parts of the .docx package that still contain one of the numbers."""
    with zipfile.ZipFile(public) as z:
        return [n for n in z.namelist() if any(x.encode() in z.read(n) for x in numbers)]


def _ingest_one(tmp_path: Path, make) -> tuple[Path, str]:
    settings, _ = init_workspace(tmp_path / "ws")
    make(settings.inbox / "补助.docx")
    r = WsCli(settings.root)("ingest")
    assert r.exit_code == 0, r.output
    (item_id,) = db_rows(settings.root, "SELECT id FROM items")[0]
    return one(item_dir(settings.root, item_id), "*公开稿*.docx"), item_id


@pytest.mark.parametrize("where", ["body", "table", "header", "footer", "textbox", "split_runs"])
def test_redacted_copy_package_has_no_pii(tmp_path: Path, where: str) -> None:
    """Not only the visible text: no part of the 公开稿 package may carry the numbers."""
    import docx

    from fixtures import TextBox, make_docx

    line = f"联系电话 {PII_PHONE}，身份证号 {PII_ID}"
    base = ["关于发放困难党员补助的通知", "补助标准为每人两千元。"]

    def make(path: Path) -> Path:
        if where == "split_runs":
            d = docx.Document()
            d.add_paragraph(base[0])
            p = d.add_paragraph("联系电话 ")
            for part in (PII_PHONE[:4], PII_PHONE[4:9], PII_PHONE[9:]):
                p.add_run(part)
            p.add_run(f"，身份证号 {PII_ID[:9]}").bold = True
            p.add_run(PII_ID[9:])
            d.save(str(path))
            return path
        kw = {"body": dict(paragraphs=base + [line]), "table": dict(paragraphs=base, tables=[[["联系方式"], [line]]]),
              "header": dict(paragraphs=base, header=[line]), "footer": dict(paragraphs=base, footer=[line]),
              "textbox": dict(paragraphs=base + [TextBox([line], vml_only=False)])}[where]
        return make_docx(path, **kw)

    public, _ = _ingest_one(tmp_path, make)
    assert _pii_leaks(public, PII_PHONE, PII_ID) == []
    assert "补助" in docx_text(public)


def test_redacted_copy_masks_the_document_properties(tmp_path: Path) -> None:
    from fixtures import make_docx

    public, _ = _ingest_one(tmp_path, lambda p: make_docx(
        p, ["关于发放困难党员补助的通知", f"补助对象王五，联系电话 {PII_PHONE}。"], core_title=f"补助名单（王五 {PII_PHONE}）"))
    assert _pii_leaks(public, PII_PHONE) == []


def test_redacted_copy_masks_comments(tmp_path: Path) -> None:
    import docx

    def make(path: Path) -> Path:
        d = docx.Document()
        d.add_paragraph("关于发放困难党员补助的通知")
        p = d.add_paragraph(f"补助对象王五，身份证号 {PII_ID}。")
        d.add_comment(p.runs, text="另一联系人电话 13900001111", author="章晓鸣")
        d.save(str(path))
        return path

    public, _ = _ingest_one(tmp_path, make)
    assert _pii_leaks(public, PII_ID, "13900001111") == []


def test_same_title_but_another_doc_number_is_a_new_item(ws, tmp_path: Path) -> None:
    """Offices reuse generic titles (关于召开…的通知): a different 发文字号 means a different document."""
    settings, files = ws
    root = settings.root
    assert WsCli(root)("ingest").exit_code == 0
    before = len(items_json(root))
    other = official_doc(tmp_path / "other.docx", docno="青科党〔2023〕90号", title="关于加强机关食堂管理的通知",
                         body=["为加强机关食堂管理，现就有关事项通知如下。"])
    shutil.copyfile(other, settings.inbox / "另一份食堂通知.docx")
    r = WsCli(root)("ingest")
    assert r.exit_code == 0 and "新版本 0" in r.stdout
    assert len(items_json(root)) == before + 1


def test_note_beside_a_failed_file_gives_the_office_time(tmp_path: Path) -> None:
    """The note's time is the ledger clock's, in the office's zone: 23:30 in Beijing on 2 November,
    whatever the server's own zone says (UTC: 15:30)."""
    from datetime import datetime

    from pipeline import api
    from pipeline.workdays import Clock

    settings, _ = init_workspace(tmp_path / "ws")
    truncated_docx(settings.inbox / "截断.docx")
    with api.open_session(settings, clock=Clock(fixed=datetime(2026, 11, 2, 23, 30))) as s:
        [outcome] = api.run_ingest(s)
    assert outcome.kind == "failed"
    note = (settings.failed / "截断.docx.原因.txt").read_text(encoding="utf-8-sig")
    assert "时间：2026-11-02 23:30\n" in note
