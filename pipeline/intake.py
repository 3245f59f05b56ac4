"""Ingest: one code path for `gongkai ingest` and the watcher. A file in the inbox is
detect → check → record → archive → render, in an order that survives a crash at any point:

  1. sha256 known already? It was recorded before (maybe by a run that died before moving it):
     finish the move to the archive and report a duplicate. Nothing is recorded twice.
  2. check it; an unreadable file is moved to failed/ with a note in Chinese.
  3. record it in the ledger (one transaction), THEN move the original to archive/ (never changed),
     THEN write its documents to outbox/. A run killed between steps redoes only what is missing.

Many processes may work on one inbox at once (the watcher, several ingests): each file is claimed
(an flock on it, see inbox.py) before it is read, and a file another process holds is left to it.
`ingest` waits, as the watcher does, for a file still being written; one still changing after a while
is left in the inbox for the next run — never filed as broken.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from .check import check_with_summary
from .errors import GongkaiError, WorkflowError
from .inbox import (Claim, list_inbox, place, printable, readable, refusal, special_kind, temp_beside,
                    wait_written, write_note, written_now, _move_no_replace)
from .ledger import Ledger
from .model import Report
from .read import is_ignorable, sha256_of
from .read.libreoffice import CONVERTED_KINDS, keep_beside
from .rules import Rules
from .workflow import due_date
from .workspace import Settings

if TYPE_CHECKING:
    from .signed import FormScan

log = logging.getLogger("gongkai.intake")
NAMED_ITEM = re.compile(r"^(GK-\d{4}-\d{4})[_ -]", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    file: str  # the original name in the inbox
    kind: str  # recorded | version | duplicate | failed | skipped | busy (another process has it)
    item_id: str | None = None
    status: str | None = None
    message: str = ""
    report: Report | None = None
    warning: str = ""  # recorded, but something after it failed (its documents could not be written)


def inbox_files(inbox: Path) -> list[Path]:
    """What waits in the inbox (recursively: a dropped folder counts), lock/temp/hidden files left alone;
    symlinks and special files are listed (to be refused), never followed or opened."""
    return list_inbox(inbox)


UNFINISHED = "文件尚未写完（大小或修改时间仍在变化），这次没有处理；写完后会自动重试（下次 ingest 或监视程序）。"
BUSY = "另一个进程（监视程序或另一个 gongkai ingest）正在处理或已处理这个文件"


def patience(settings: Settings) -> float:
    """How long `ingest` waits for a file still being written."""
    return max(3 * settings.stable_seconds, 6.0)


def written(settings: Settings, files: list[Path]) -> tuple[list[Path], list[Outcome]]:
    """The files nobody is writing any more (waiting a while for those still changing), and an outcome
    for each one still being written: it stays in the inbox, to be retried."""
    ready = [f for f in files if written_now(f, settings.stable_seconds)]
    young = [f for f in files if f not in set(ready)]
    if not young:
        return files, []
    done, unfinished = wait_written(young, settings.stable_seconds, patience(settings))
    order = {f: i for i, f in enumerate(files)}
    return (sorted(ready + done, key=order.__getitem__),
            [Outcome(display_name(settings, f), "skipped", message=UNFINISHED) for f in unfinished])


def ingest(settings: Settings, rules: Rules, ledger: Ledger, files: Iterable[Path] | None = None,
           render: Callable[[Settings, Ledger, str], None] | None = None,
           on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    ready, outcomes = written(settings, inbox_files(settings.inbox) if files is None else list(files))
    for path in ready:
        outcome = process_file(settings, rules, ledger, path, render)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    prune_empty_dirs(settings.inbox)
    return outcomes


def process_file(settings: Settings, rules: Rules, ledger: Ledger, path: Path,
                 render: Callable[[Settings, Ledger, str], None] | None = None) -> Outcome:
    """One inbox entry, claimed for the whole of its processing; refused, left to another process, or
    detect → read → check → record → archive → render."""
    name = display_name(settings, path)
    if is_ignorable(path.name):
        return Outcome(name, "skipped", message="临时/锁文件，已忽略")
    kind = special_kind(path)
    if kind is not None:
        return refuse(settings, ledger, path, kind)
    with Claim(path) as claim:
        if not claim.acquire():
            return Outcome(name, "busy", message=BUSY)
        try:
            sha = sha256_of(path)
        except OSError as e:
            return Outcome(name, "skipped", message=f"暂时无法读取（{e.strerror}），稍后重试")
        known = ledger.version_by_sha(sha)
        if known is not None:
            return _duplicate(settings, ledger, path, name, known, render)
        return settle_read(settings, ledger, path, read_inbox_file(path, rules, sha), render)


def refuse(settings: Settings, ledger: Ledger, path: Path, kind: str) -> Outcome:
    """A symlink, FIFO, socket or device in the inbox: moved aside with a note, never opened or followed."""
    name = display_name(settings, path)
    note = refusal(kind)
    try:
        moved = move_aside(path, settings.failed, note, ledger.clock.now())
    except FileNotFoundError:
        return Outcome(name, "busy", message=BUSY)
    return Outcome(name, "failed", message=f"{note}（已移至 {moved.relative_to(settings.root)}）")


@dataclass(frozen=True)
class Read:
    """What the detect and read stages made of one inbox file (picklable: a worker process makes it)."""

    scan: "FormScan | None"  # the approval-form codes found on a scan (signed forms), if it could be one
    report: Report | None = None  # the draft's check, when it is not a signed form
    summary: str | None = None


def read_inbox_file(path: Path, rules: Rules, sha: str | None = None) -> Read:
    """Detect, then read and check: a scan carrying approval-form codes is a signed form, not a draft."""
    from .signed import detect

    scan = detect(path, rules.limits)
    if scan is not None and scan.groups:
        return Read(scan)
    report, summary = check_with_summary(path, rules, sha)
    return Read(scan, report, summary)


def settle_read(settings: Settings, ledger: Ledger, path: Path, read: Read,
                render: Callable[[Settings, Ledger, str], None] | None = None) -> Outcome:
    from . import signed  # signed forms use this module's moves and outcomes

    if read.report is None:
        assert read.scan is not None
        return signed.take(settings, ledger, path, read.scan)
    return signed.noted(settle(settings, ledger, path, read.report, read.summary, render), read.scan)


def display_name(settings: Settings, path: Path) -> str:
    """The name shown and recorded: relative to the inbox, readable even when the bytes are not UTF-8."""
    return readable(str(path.relative_to(settings.inbox)) if path.is_relative_to(settings.inbox) else path.name)


def settle(settings: Settings, ledger: Ledger, path: Path, report: Report, summary: str | None,
           render: Callable[[Settings, Ledger, str], None] | None = None) -> Outcome:
    """After the check (done here or in a worker process): duplicate?, failed/, or record + archive + render."""
    name = display_name(settings, path)
    known = ledger.version_by_sha(report.sha256) if report.sha256 else None
    if known is not None:
        return _duplicate(settings, ledger, path, name, known, render)
    if report.status != "ok":
        note = printable(report.error.message) if report.error else "无法检查"
        moved = move_aside(path, settings.failed, note, ledger.clock.now())
        return Outcome(name, "failed", message=f"{note}（已移至 {moved.relative_to(settings.root)}）", report=report)
    return _record(settings, ledger, path, name, report, summary, render)


def _record(settings: Settings, ledger: Ledger, path: Path, name: str, report: Report, summary: str | None,
            render: Callable[[Settings, Ledger, str], None] | None) -> Outcome:
    md, t = report.metadata, report.timing
    report = replace(report, file=name)  # the ledger keeps the original name, not a path that will move
    status = "received" if report.disclosable else "blocked"
    # a blocked draft is never disclosed, so it has no disclosure deadline
    due = None if status == "blocked" else due_date(t.kind if t else None, t.due if t else None, ledger.clock.today(),
                                                    settings.temporary_days, settings.phase_days, settings.calendar)
    archived = archive_path(settings, report.sha256 or "", readable(path.name))
    try:
        named = NAMED_ITEM.match(path.name)  # GK-2026-0012_录入稿.docx: a new version of that item
        rec = ledger.record(report, name, str(archived.relative_to(settings.root)), due, status, summary=summary,
                            for_item=named[1] if named else None)
    except WorkflowError:  # another process recorded the same bytes a moment ago
        known = ledger.version_by_sha(report.sha256 or "")
        return _duplicate(settings, ledger, path, name, known, render)
    final = _archive(settings, ledger, path, rec.item_id, rec.version)
    if md and md.format in CONVERTED_KINDS:  # the .docx LibreOffice made, checked and used for the documents
        keep_beside(final, report.sha256 or "")
    problem = _render_safely(render, settings, ledger, rec.item_id)
    kind = "recorded" if rec.new_item else "version"
    title = md.title if md else None
    msg = f"{rec.item_id} 第{rec.version}版 {title or ''}".strip()
    if rec.correction:
        msg += "（更正已公开的事项：须重新审核，审核通过后公开更正）"
    log.debug("登记 %s → %s（%s）原件已归档到 %s", name, rec.item_id, rec.status, final.relative_to(settings.root))
    return Outcome(name, kind, rec.item_id, rec.status, msg, report, problem)


def _duplicate(settings: Settings, ledger: Ledger, path: Path, name: str, known,
               render: Callable[[Settings, Ledger, str], None] | None) -> Outcome:
    archived = settings.root / known["archived"]
    if archived.exists() and archived.resolve() != path.resolve():
        dup = move_aside(path, settings.archive / "重复件",
                         f"与 {known['item_id']} 第{known['version']}版内容完全相同，未重复登记。", ledger.clock.now())
        where = dup.relative_to(settings.root)
        kind, msg = "duplicate", f"与 {known['item_id']} 第{known['version']}版内容完全相同，未重复登记（已移至 {where}）"
    else:  # recorded by a run that stopped before archiving: finish its work
        _archive(settings, ledger, path, known["item_id"], known["version"])
        problem = _render_safely(render, settings, ledger, known["item_id"])
        kind, msg = "recorded", f"{known['item_id']} 第{known['version']}版（补完上次中断的归档）"
        return Outcome(name, kind, known["item_id"], None, msg, warning=problem)
    return Outcome(name, kind, known["item_id"], None, msg)


def _render_safely(render: Callable[[Settings, Ledger, str], None] | None, settings: Settings, ledger: Ledger,
                   item_id: str) -> str:
    """Write the item's documents; a failure (a broken workspace template …) is reported, never fatal:
    the item is recorded and archived, and the next ingest or watcher start writes what is missing."""
    if render is None:
        return ""
    try:
        render(settings, ledger, item_id)
        return ""
    except GongkaiError as e:
        log.warning("%s 的文书未能生成：%s", item_id, e.message)
        return f"{item_id} 已登记归档，但文书未能生成：{e.message}"
    except Exception as e:  # noqa: BLE001 — a draft already recorded must not be lost to a rendering bug
        log.exception("rendering %s failed", item_id)
        return f"{item_id} 已登记归档，但文书未能生成（{type(e).__name__}）；请运行 gongkai generate forms --item {item_id} 重试"


def archive_path(settings: Settings, sha: str, name: str) -> Path:
    return settings.archive / sha[:12] / name


def _archive(settings: Settings, ledger: Ledger, path: Path, item_id: str, version: int) -> Path:
    """Move the original to its archive place; never over a file already there (the same bytes, filed
    by another process from an identical copy): then this copy goes to 重复件/."""
    target = settings.root / ledger.archived_path(item_id, version)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        _move_no_replace(path, target)
    except FileExistsError:
        return place(path, settings.archive / "重复件", readable(path.name))
    return target


def safe_move(src: Path, dst: Path) -> None:
    """Move without ever losing the file: rename where possible, else copy + fsync + rename + unlink."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, dst)
        return
    except OSError:
        pass
    tmp = temp_beside(dst)
    with src.open("rb") as fi, tmp.open("wb") as fo:
        shutil.copyfileobj(fi, fo, 1 << 20)
        fo.flush()
        os.fsync(fo.fileno())
    os.replace(tmp, dst)
    src.unlink()


def move_aside(path: Path, folder: Path, note: str, when: datetime) -> Path:
    """Move a file into folder under a free name (never over another), with `<name>.原因.txt` beside it
    saying why in Chinese (UTF-8 with BOM; the note's name shortened where the file's is already long).
    `when` is the office's time (the ledger's clock), never the server's own zone."""
    original = readable(path.name)
    target = place(path, folder, original)
    write_note(note_path(target), f"文件：{original}\n现存为：{target.name}\n时间：{when:%Y-%m-%d %H:%M}\n"
                                  f"原因：{printable(note)}\n")
    return target


def note_path(target: Path) -> Path:
    """`<name>.原因.txt`; where that is too long for the file system, the name is shortened and given a
    tag of its own (two long names that differ only at the end never share a note)."""
    import hashlib

    from .inbox import NAME_MAX, fit_name

    full = target.name + ".原因.txt"
    if len(os.fsencode(full)) <= NAME_MAX:
        return target.with_name(full)
    tag = hashlib.sha1(os.fsencode(target.name)).hexdigest()[:8]
    return target.with_name(fit_name(target.name, f".{tag}.原因.txt"))


def prune_empty_dirs(inbox: Path, idle_seconds: float = 0) -> None:
    """Remove the empty folders a dropped folder leaves behind; with idle_seconds, only folders untouched
    for that long (the watcher must not pull a folder from under a copy that is still creating it)."""
    now = time.time()
    for d in sorted((p for p in inbox.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        try:
            if idle_seconds and now - d.stat().st_mtime < idle_seconds:
                continue
            d.rmdir()
        except OSError:
            pass
