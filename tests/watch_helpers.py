"""Helpers for tests/test_watch.py: a workspace with fast [watch] settings, a watcher run in a thread or as a
real `gongkai watch` subprocess, polling with a deadline, and read-only looks at the ledger and folders.

Nothing here reads ../shared: every draft is made on the spot by tests/fixtures.py."""
from __future__ import annotations

import hashlib
import logging
import os
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable

from fixtures import gongkai_script, official_doc

DEADLINE = 20.0  # seconds any single condition may take before a test gives up

LOCK_NAMES = ("~$a.docx", ".~lock.a.docx#", "~WRL0001.tmp", "x.tmp", "Thumbs.db", ".DS_Store")


# ----------------------------------------------------------------------------------------------- waiting
def wait_until(cond: Callable[[], object], what: str, timeout: float = DEADLINE, every: float = 0.1):
    """Poll cond() until it is truthy (and return it) or fail after timeout seconds, saying what was awaited."""
    end = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for: {what}")
        time.sleep(every)


# ----------------------------------------------------------------------------------------------- workspace
def make_workspace(root: Path, stable: float = 0.5, rescan: float = 2.0):
    """init_workspace(root), then its [watch] section rewritten with small values; returns fresh Settings.
    polling = "false" in the file: polling mode comes only from the --polling flag / polling=True, so a
    test in polling mode also shows that the flag wins over the file."""
    from pipeline.workspace import CONFIG_NAME, init_workspace, load_workspace

    init_workspace(root)
    cfg = root / CONFIG_NAME
    head = cfg.read_text(encoding="utf-8").split("[watch]")[0]
    cfg.write_text(head + "[watch]\n"
                   f"stable_seconds = {stable}\n"
                   f"rescan_seconds = {rescan}\n"
                   'polling = "false"\n', encoding="utf-8")
    settings = load_workspace(root)
    assert (settings.stable_seconds, settings.rescan_seconds) == (stable, rescan)
    return settings


def sha256(data: bytes | Path) -> str:
    return hashlib.sha256(data.read_bytes() if isinstance(data, Path) else data).hexdigest()


class Drafts:
    """Distinct official documents (own title and 发文字号 each, so each is its own item), made once per
    test session and handed out as bytes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.cache: dict[int, bytes] = {}

    def __call__(self, n: int) -> bytes:
        if n not in self.cache:
            path = official_doc(self.folder / f"draft{n}.docx", title=f"关于第{n}项党务公开事项的通知",
                                docno=f"青科党〔2023〕{100 + n}号")
            self.cache[n] = path.read_bytes()
        return self.cache[n]


def drop(data: bytes, dest: Path) -> Path:
    """Put a file in the inbox the ordinary way (create, write, close — not atomic)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("wb") as f:
        f.write(data)
    return dest


def drop_lock_files(folder: Path) -> dict[str, bytes]:
    """The lock/temp/system files Word, WPS, LibreOffice, Windows and macOS leave beside drafts."""
    from fixtures import lock_file

    folder.mkdir(parents=True, exist_ok=True)
    lock_file(folder / "~$a.docx")
    (folder / ".~lock.a.docx#").write_text(",zhangxm,PC-01,30.11.2026 09:12,file:///home/zhangxm/.config/libreoffice/4;",
                                           encoding="utf-8")
    (folder / "~WRL0001.tmp").write_bytes(b"PK\x03\x04" + os.urandom(300))
    (folder / "x.tmp").write_bytes(b"half a temporary copy")
    (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200)
    (folder / ".DS_Store").write_bytes(b"\0\0\0\x01Bud1" + b"\0" * 100)
    return {name: (folder / name).read_bytes() for name in LOCK_NAMES}


# ----------------------------------------------------------------------------------------------- looking
def versions(settings) -> list[dict]:
    """All rows of the ledger's versions table (read in a short connection of our own)."""
    if not settings.db.exists():
        return []
    db = sqlite3.connect(str(settings.db), timeout=30)
    try:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT item_id, version, sha256, file, archived FROM versions")]
    finally:
        db.close()


def item_count(settings) -> int:
    db = sqlite3.connect(str(settings.db), timeout=30)
    try:
        return db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    finally:
        db.close()


def failed_files(settings) -> list[Path]:
    """Files moved to failed/ (not their .原因.txt notes)."""
    if not settings.failed.exists():
        return []
    return sorted(p for p in settings.failed.rglob("*") if p.is_file() and not p.name.endswith(".原因.txt"))


def inbox_files(settings) -> list[str]:
    """Every file left anywhere under the inbox, as relative paths."""
    return sorted(str(p.relative_to(settings.inbox)) for p in settings.inbox.rglob("*") if p.is_file())


def stray_parts(settings) -> list[Path]:
    return sorted(p for p in settings.root.rglob("*.part"))


# ----------------------------------------------------------------------------------------------- watchers
class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class ThreadWatcher:
    """pipeline.api.run_watch in a thread (no signal handlers), stopped by a threading.Event; every Outcome
    lands in .outcomes, every log message of gongkai.watch in .log."""

    def __init__(self, settings, polling: bool):
        self.settings = settings
        self.polling = polling
        self.stop = threading.Event()
        self.outcomes: list = []
        self.error: BaseException | None = None
        self.handler = _ListHandler()
        self.thread = threading.Thread(target=self._run, name="gongkai-watch-test", daemon=True)

    def _run(self) -> None:
        from pipeline.api import run_watch

        try:
            run_watch(self.settings, polling=self.polling, stop=self.stop, signals=False,
                      on_outcome=self.outcomes.append)
        except BaseException as e:  # surfaced by stop_and_join
            self.error = e

    def __enter__(self) -> "ThreadWatcher":
        logger = logging.getLogger("gongkai.watch")
        logger.addHandler(self.handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
        self.thread.start()
        wait_until(lambda: self.error or self._start_line(), "the watcher to start")
        self.check_alive()
        mode = "轮询 模式" if self.polling else "inotify 模式"
        assert mode in self._start_line(), self._start_line()
        return self

    def _start_line(self) -> str:
        """This watcher's own start line (other watchers of the same process log to the same logger)."""
        own = f"开始监视 {self.settings.inbox}（"
        return next((m for m in list(self.handler.lines) if m.startswith(own)), "")

    def check_alive(self) -> None:
        if self.error is not None:
            raise AssertionError(f"the watcher thread died: {self.error!r}") from self.error
        assert self.thread.is_alive(), "the watcher thread stopped on its own"

    def __exit__(self, *exc: object) -> None:
        if self.stop.is_set():
            return  # stopped already
        self.stop.set()
        self.thread.join(timeout=30)
        logging.getLogger("gongkai.watch").removeHandler(self.handler)
        assert not self.thread.is_alive(), "the watcher did not stop within 30 s of stop.set()"
        if self.error is not None and exc[0] is None:
            raise AssertionError(f"the watcher thread raised {self.error!r}") from self.error

    # what it did
    def outcome_for(self, name: str):
        return [o for o in self.outcomes if o.file == name]

    def wait_outcomes(self, n: int, what: str = "", timeout: float = DEADLINE) -> list:
        def enough():
            self.check_alive()
            return len(self.outcomes) >= n

        wait_until(enough, what or f"{n} outcome(s), have {[(o.file, o.kind) for o in self.outcomes]}", timeout)
        return list(self.outcomes)


class ProcessWatcher:
    """A real `gongkai --workspace ROOT watch [--polling]` process, output to files beside the workspace."""

    def __init__(self, settings, polling: bool, out_dir: Path, tag: str = "w"):
        self.settings = settings
        self.polling = polling
        self.out = out_dir / f"{tag}.stdout"
        self.err = out_dir / f"{tag}.stderr"
        self.proc: subprocess.Popen | None = None

    def argv(self) -> list[str]:
        return [gongkai_script(), "--workspace", str(self.settings.root), "watch"] + (["--polling"] if self.polling else [])

    def start(self, wait: bool = True) -> "ProcessWatcher":
        self.starts_before = self.log_text().count("开始监视")
        with self.out.open("wb") as o, self.err.open("wb") as e:
            self.proc = subprocess.Popen(self.argv(), stdout=o, stderr=e, stdin=subprocess.DEVNULL)
        if wait:
            self.wait_started()
        return self

    def log_text(self) -> str:
        f = self.settings.log_file
        return f.read_text(encoding="utf-8") if f.exists() else ""

    def wait_started(self) -> None:
        """Its own "开始监视" line in gongkai.log, written after the flock and the signal handlers are in place."""
        def started():
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"watcher exited early ({self.proc.returncode}): {self.stderr()}")
            return self.log_text().count("开始监视") > self.starts_before

        wait_until(started, "the watcher's 开始监视 line in gongkai.log")
        last_start = [ln for ln in self.log_text().splitlines() if "开始监视" in ln][-1]
        assert ("轮询 模式" if self.polling else "inotify 模式") in last_start, last_start

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace") if self.err.exists() else ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def wait(self, timeout: float = 30) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout=timeout)

    def cleanup(self) -> None:
        """Kill this watcher (by its own pid) if a failed test left it running."""
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
