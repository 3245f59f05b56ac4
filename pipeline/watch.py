"""`gongkai watch`: the inbox watched by watchdog, every draft ingested exactly once, only after it
is fully written. The same `process_file` as `gongkai ingest` does the work.

- inotify by default; polling with --polling, and automatically on network filesystems (cifs, nfs,
  fuse), where inotify sees nothing written from other machines;
- created / moved-in / closed / modified events only *nominate* a file; it is processed when its size
  and mtime have been stable for `stable_seconds` and it opens completely;
- a scan at start (drafts dropped while it was down) and every `rescan_seconds` (missed events);
- one watcher per workspace (an flock); SIGINT / SIGTERM finish the current draft, then exit;
- `gongkai ingest` may run at the same time: each file is claimed by one process (inbox.Claim), and a
  file another process holds is left to it (the rescan finds it again if that process dies);
- symlinks, FIFOs, sockets and devices are moved aside at once, never opened or followed.
"""
from __future__ import annotations

import fcntl
import logging
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from .errors import BusyError
from .inbox import list_inbox, opens_completely, readable, special_kind
from .present import outcome_label
from .intake import Outcome, inbox_files, move_aside, process_file, prune_empty_dirs
from .ledger import Ledger
from .workdays import Clock
from .read import is_ignorable
from .workspace import Settings

log = logging.getLogger("gongkai.watch")
NETWORK_FS = ("cifs", "smb", "smb2", "smb3", "smbfs", "nfs", "nfs4", "fuse", "9p", "sshfs", "afs", "ceph")


@dataclass
class _Pending:
    size: int
    mtime: float
    since: float  # when size/mtime were last seen to change
    first: float  # when first nominated


def filesystem_type(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str:
    """The fstype of the mount that holds path (the longest matching mount point), or "" where unknown."""
    try:
        mounts = mounts_file.read_text().splitlines()
    except OSError:
        return ""
    best, kind = "", ""
    target = str(path.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3:
            mnt = parts[1].replace("\\040", " ")
            if (target == mnt or target.startswith(mnt.rstrip("/") + "/")) and len(mnt) > len(best):
                best, kind = mnt, parts[2]
    return kind


def use_polling(settings: Settings, forced: bool, mounts_file: Path = Path("/proc/mounts")) -> bool:
    if forced or settings.polling in ("true", "yes", "1"):
        return True
    if settings.polling in ("false", "no", "0"):
        return False
    return filesystem_type(settings.inbox, mounts_file).split(".")[0] in NETWORK_FS


class _Nominate(FileSystemEventHandler):
    def __init__(self, q: "queue.Queue[Path]"):
        self.q = q

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("created", "modified", "closed", "moved"):
            raw = event.dest_path if event.event_type == "moved" else event.src_path
            path = Path(os.fsdecode(raw))
            if path.is_dir() and not path.is_symlink():
                for f in list_inbox(path):  # never through a symlink
                    self.q.put(f)
            else:
                self.q.put(path)


class WatchLock:
    """One watcher per workspace: an exclusive flock held for the watcher's life."""

    def __init__(self, settings: Settings):
        self.path = settings.root / ".gongkai-watch.lock"
        self.fd: int | None = None

    def __enter__(self) -> "WatchLock":
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise BusyError(f"这个工作区已有监视程序在运行（进程号 {other}）；同一个收件箱只能运行一个 gongkai watch。") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self.fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)


class Watcher:
    def __init__(self, settings: Settings, process: Callable[[Path], Outcome], polling: bool,
                 on_outcome: Callable[[Outcome], None] | None = None, clock: Clock | None = None):
        self.settings = settings
        self.clock = clock or Clock(settings.calendar.zone)  # the office's time, for the notes beside failed files
        self.process = process
        self.polling = polling
        self.on_outcome = on_outcome
        self.q: "queue.Queue[Path]" = queue.Queue()
        self.pending: dict[Path, _Pending] = {}
        self.stop = threading.Event()
        self.attempts: dict[Path, int] = {}

    def run(self) -> None:
        inbox = self.settings.inbox
        inbox.mkdir(parents=True, exist_ok=True)
        observer = PollingObserver(timeout=1) if self.polling else Observer()
        observer.schedule(_Nominate(self.q), str(inbox), recursive=True)
        observer.start()
        mode = "轮询" if self.polling else "inotify"
        log.info("开始监视 %s（%s 模式，文件稳定 %.1f 秒后处理）", inbox, mode, self.settings.stable_seconds)
        try:
            self._loop()
        finally:
            observer.stop()
            observer.join(timeout=5)
            log.info("监视已停止")

    def _loop(self) -> None:
        next_scan = 0.0
        while not self.stop.is_set():
            now = time.monotonic()
            if now >= next_scan:
                prune_empty_dirs(self.settings.inbox, idle_seconds=max(10.0, self.settings.rescan_seconds))
                for f in inbox_files(self.settings.inbox):
                    self.q.put(f)
                next_scan = now + self.settings.rescan_seconds
            self._drain()
            for path in self._ready():
                if self.stop.is_set():
                    break
                self._handle(path)
            self.stop.wait(0.2)

    def _drain(self) -> None:
        while True:
            try:
                path = self.q.get_nowait()
            except queue.Empty:
                return
            if path in self.pending or not self._candidate(path):
                continue
            try:
                st = os.lstat(path)
            except OSError:
                continue
            now = time.monotonic()
            self.pending[path] = _Pending(st.st_size, st.st_mtime, now, now)

    def _candidate(self, path: Path) -> bool:
        try:
            rel = path.relative_to(self.settings.inbox).parts
        except ValueError:
            return False
        if any(is_ignorable(p) for p in rel):
            return False
        return path.is_symlink() or not path.is_dir()  # a file, or an odd entry to be moved aside

    def _ready(self) -> list[Path]:
        """Files whose size and mtime held still for stable_seconds and that open completely (or have
        been stable for a long time: a broken file must still reach failed/ with its note)."""
        ready, now, stable = [], time.monotonic(), self.settings.stable_seconds
        for path, p in list(self.pending.items()):
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                del self.pending[path]  # moved away or deleted before it settled
                continue
            if special_kind(path) is not None:  # never opened: refused at once
                ready.append(path)
                continue
            if (st.st_size, st.st_mtime) != (p.size, p.mtime):
                p.size, p.mtime, p.since = st.st_size, st.st_mtime, now
                continue
            settled = now - p.since >= stable
            if settled and (opens_completely(path, unknown=True) or now - p.since >= max(5 * stable, 10)):
                ready.append(path)
        return ready

    def _gave_up(self, path: Path, error: Exception) -> Outcome | None:
        """An unexpected error: retried at the next rescans, moved aside with a note after MAX_ATTEMPTS."""
        log.exception("处理 %s 时出错", readable(path.name))
        self.attempts[path] = self.attempts.get(path, 0) + 1
        if self.attempts[path] < MAX_ATTEMPTS or not path.exists():
            return None
        note = f"处理时连续 {MAX_ATTEMPTS} 次出错（{type(error).__name__}: {error}）；请确认文件能正常打开，或联系管理员。"
        moved = move_aside(path, self.settings.failed, note, self.clock.now())
        return Outcome(readable(path.name), "failed", message=f"{note}（已移至 {moved.relative_to(self.settings.root)}）")

    def _handle(self, path: Path) -> None:
        self.pending.pop(path, None)
        if not os.path.lexists(path):
            return
        started = time.monotonic()
        try:
            outcome = self.process(path)
        except Exception as e:  # noqa: BLE001 — the watcher outlives any one file
            outcome = self._gave_up(path, e)
            if outcome is None:
                return
        if outcome.kind == "busy":  # another process (an ingest) has it; the rescan sees it again if it dies
            log.debug("%s：%s", outcome.file, outcome.message)
            return
        took = time.monotonic() - started
        line = f"{outcome.file}：{outcome_label(outcome)} {outcome.message}（用时 {took:.2f} 秒）"
        if outcome.warning:
            line += f"；注意：{outcome.warning}"
        (log.warning if outcome.kind == "failed" or outcome.warning else log.info)(line)
        if self.on_outcome:
            self.on_outcome(outcome)


MAX_ATTEMPTS = 3


def setup_logging(settings: Settings, console: bool = True) -> None:
    root = logging.getLogger("gongkai")
    root.setLevel(logging.INFO)
    fmt = logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S")
    fh = logging.FileHandler(settings.log_file, encoding="utf-8")
    fh.setFormatter(fmt)
    root.addHandler(fh)
    if console:
        ch = logging.StreamHandler()
        ch.setFormatter(fmt)
        root.addHandler(ch)


def install_signal_handlers(watcher: Watcher) -> None:
    def stop(signum: int, frame: object) -> None:
        log.info("收到停止信号，处理完当前文稿后退出……")
        watcher.stop.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def make_processor(settings: Settings, rules, ledger: Ledger,
                   render: Callable[[Settings, Ledger, str], None] | None) -> Callable[[Path], Outcome]:
    return lambda path: process_file(settings, rules, ledger, path, render)
