"""Helpers for the ledger / workflow / ingest tests (test_ingest.py, test_workflow.py, test_feedback.py).

Every draft is generated into the test's tmp_path with the factories of tests/fixtures.py; nothing here reads
../shared. A workspace is a real folder made by `init_workspace`, the ledger a real SQLite file in it.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from fixtures import gongkai_script, make_image_pdf, official_doc, resident_id

# A citizen ID (valid check character) and a mobile number that a PII draft carries.
PII_ID = resident_id("51010219800101123")
PII_PHONE = "13812345678"


# ----------------------------------------------------------------------------------------------- drafts
@dataclass(frozen=True)
class Kind:
    """What a generated draft is meant to trigger."""

    title: str
    docno: str
    body: tuple[str, ...]
    codes: frozenset[str]


KINDS: dict[str, Kind] = {
    "plain": Kind("关于加强机关食堂管理的通知", "青科党〔2023〕30号",
                  ("为加强机关食堂管理，现通知如下。", "一、就餐人员须刷卡就餐。"), frozenset()),
    "secret": Kind("关于一起违规问题查处情况的通报", "青科党〔2023〕31号",
                   ("经查，某同志违反规定收受礼品，现予通报。",), frozenset({"SECRET"})),
    "not_public": Kind("关于开展干部档案审核工作的通知", "青科党〔2023〕32号",
                       ("请各科室配合开展干部档案审核工作。",), frozenset({"NOT_PUBLIC"})),
    "pii": Kind("关于发放困难党员补助的通知", "青科党〔2023〕33号",
                (f"补助对象：王五，身份证号 {PII_ID}，联系电话 {PII_PHONE}。", "补助标准为每人两千元。"),
                frozenset({"PII_ID", "PII_PHONE"})),
    "inside_first": Kind("关于调整机关党支部设置的决定", "青科党〔2023〕34号",
                         ("经局党组研究决定，调整机关党支部设置。",), frozenset({"INSIDE_FIRST"})),
    "pre_disclose": Kind("关于机关考勤制度的征求意见稿", "青科党〔2023〕35号",
                         ("现将机关考勤制度征求意见稿印发，请提出意见。",), frozenset({"PRE_DISCLOSE"})),
    "escalate": Kind("关于科技园区建设的特别重大事项", "青科党〔2023〕36号",
                     ("本事项属于特别重大事项，报区党务公开领导小组审核。",), frozenset({"ESCALATE"})),
}


def draft(path: Path, kind: str = "plain", *, body: Sequence[str] | None = None, title: str | None = None,
          docno: str | None = None, fmt: str | None = None) -> Path:
    """A GB/T 9704 document of the given kind (see KINDS); override title / 发文字号 / body as needed."""
    k = KINDS[kind]
    fmt = fmt or ("pdf" if path.suffix.lower() == ".pdf" else "docx")
    return official_doc(
        path, fmt,
        secrecy="秘密★1年" if kind == "secret" else None,
        note="（此件不公开）" if kind == "not_public" else "（此件公开发布）",
        docno=docno or k.docno, title=title or k.title, body=list(body or k.body),
    )


def numbered_draft(path: Path, n: int) -> Path:
    """The n-th of many distinct good drafts (its own 发文字号 and title, no findings)."""
    return official_doc(path, docno=f"青科党〔2023〕{100 + n}号", title=f"关于做好第{n}号科技项目验收工作的通知",
                        body=[f"请承办科室在规定时间内完成第{n}号科技项目的验收材料整理工作。"])


def image_pdf(path: Path) -> Path:
    return make_image_pdf(path)


# ----------------------------------------------------------------------------------------------- files
def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(folder: Path, notes: bool = False) -> list[Path]:
    """Files below folder, recursively; the `.原因.txt` notes only when notes=True."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and (notes or not p.name.endswith(".原因.txt")))


def docx_text(path: Path) -> str:
    """The text of word/document.xml (all w:t nodes joined), read straight from the zip."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml))


def item_dir(root: Path, item_id: str) -> Path:
    found = [d for d in (root / "outbox").iterdir() if d.is_dir() and d.name.startswith(item_id + "_")]
    assert len(found) == 1, f"expected one outbox folder for {item_id}, got {found}"
    return found[0]


def one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, f"expected one {pattern} in {folder}, got {[p.name for p in found]}"
    return found[0]


# ----------------------------------------------------------------------------------------------- ledger
def db_rows(root: Path, sql: str, args: tuple = ()) -> list[tuple]:
    db = sqlite3.connect(str(root / "gongkai.db"))
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def snapshot(root: Path, item_id: str) -> dict:
    """Everything a refused action must leave alone: the item row, its events, versions, artifacts and
    feedback, and the bytes of every file in its outbox folder."""
    state = {
        "item": db_rows(root, "SELECT * FROM items WHERE id=?", (item_id,)),
        "events": db_rows(root, "SELECT * FROM events WHERE item_id=? ORDER BY id", (item_id,)),
        "versions": db_rows(root, "SELECT item_id, version, sha256 FROM versions WHERE item_id=?", (item_id,)),
        "artifacts": db_rows(root, "SELECT item_id, version, kind, path FROM artifacts WHERE item_id=? ORDER BY kind",
                             (item_id,)),
        "feedback": db_rows(root, "SELECT * FROM feedback ORDER BY id"),
        "all_events": db_rows(root, "SELECT COUNT(*) FROM events"),
    }
    folder = next((d for d in (root / "outbox").iterdir() if d.name.startswith(item_id + "_")), None)
    state["files"] = {p.name: sha256(p) for p in files_under(folder)} if folder else {}
    return state


def status_of(root: Path, item_id: str) -> str:
    return db_rows(root, "SELECT status FROM items WHERE id=?", (item_id,))[0][0]


def event_count(root: Path, item_id: str) -> int:
    return db_rows(root, "SELECT COUNT(*) FROM events WHERE item_id=?", (item_id,))[0][0]


# ----------------------------------------------------------------------------------------------- CLI
class WsCli:
    """`gongkai --workspace ROOT …` in-process through click's CliRunner."""

    def __init__(self, root: Path, clock=None) -> None:
        from click.testing import CliRunner

        self.root = root
        self.clock = clock  # a pipeline.workdays.Clock with a fixed 'now', handed to the CLI as its obj
        self.runner = CliRunner()

    def __call__(self, *args: str | Path):
        from cli import cli

        return self.runner.invoke(cli, ["--workspace", str(self.root), *[str(a) for a in args]],
                                  catch_exceptions=False, obj=self.clock)


def run_gongkai(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The installed console script as a real subprocess, in the workspace folder."""
    return subprocess.run([gongkai_script(), *args], cwd=root, capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout)


CJK = re.compile(r"[\u4e00-\u9fff]")


def is_chinese(text: str) -> bool:
    return len(CJK.findall(text)) >= 4
