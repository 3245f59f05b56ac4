"""Every file is read in a child process under resource limits, so one hostile file never stalls the
batch or the watcher, nor takes the machine: `read_bounded` is what read_draft calls.

- one persistent child per process (started on the first read, by `python -m pipeline.read.worker`, a
  fresh interpreter: nothing inherited from a parent's threads or locks), in its own session so that it
  and anything it starts (LibreOffice) is killed as one group;
- in the child: the file's CPU time under an alarm (read/budget.py), its memory under RLIMIT_AS (soft limit:
  what the child has mapped + max_memory_bytes, set anew for each file; a helper it starts may raise it
  back), PDF stream inflation capped;
- in the parent: an answer must come within WALL_FACTOR × max_seconds + GRACE of wall time (a read that
  hangs without spending CPU), else the child is killed; a child that
  dies (out of memory, a crash in C) is reaped; either way the file gets an InputError in Chinese and the
  next file gets a fresh child;
- a child that has grown (a large file leaves its heap large) retires after answering.

The child answers (("ok", Draft) | ("input", message, code) | ("crash", exception, traceback text), retiring).
"""
from __future__ import annotations

import atexit
import logging
import os
import pickle
import resource
import signal
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import InputError
from ..model import Draft
from .limits import MB, Limits

log = logging.getLogger("gongkai.read")
GRACE = 5.0  # seconds the parent waits past the child's own alarm before killing it
WALL_FACTOR = 3  # the child's budget is CPU time; on the wall clock a busy machine may take this many times as long
RETIRE_GROWTH = 300 * MB  # a child whose address space grew this much since it started retires
_IN_CHILD = False


class ReadWorker:
    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def read(self, path: Path, limits: Limits, sha256: str | None) -> Draft:
        with self._lock:
            answer = self._ask((str(path), limits, sha256), limits)
        kind = answer[0]
        if kind == "ok":
            return answer[1]
        if kind == "input":
            raise InputError(answer[1], answer[2])
        exc, trace = answer[1], answer[2]
        log.error("reading %s failed in the worker:\n%s", path, trace)
        raise exc

    def _ask(self, request: tuple, limits: Limits) -> tuple:
        for attempt in (1, 2):
            conn = self._ensure()
            try:
                conn.send(request)
                break
            except OSError:  # the child retired or died since the last file: start a new one
                self.stop()
                if attempt == 2:
                    raise InputError("读取进程无法启动；请稍后重试，或联系管理员。", "IO") from None
        if not conn.poll(WALL_FACTOR * limits.max_seconds + GRACE):
            self.stop()
            raise InputError(f"读取这个文件超过了 {limits.max_seconds:.0f} 秒的时间上限（读取进程无响应，已终止），未检查；"
                             "请确认来源，或另存、拆分后再放入。", "TIMEOUT")
        try:
            answer, retiring = conn.recv()
            if retiring:  # it exits after this answer: the next file starts a fresh one
                self.stop()
            return answer
        except (EOFError, OSError):
            status = self.stop()
            why = "内存不足" if status in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT) else f"退出码 {status}"
            raise InputError(f"读取这个文件时读取进程异常退出（{why}），可能是文件过于复杂或疑似异常文件，未检查；"
                             "请确认来源，或另存后再放入。", "TOO_COMPLEX") from None

    def _ensure(self) -> Connection:
        if self._proc is not None and self._proc.poll() is None and self._conn is not None:
            return self._conn
        self.stop()
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # the folder holding the pipeline package
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.read.worker", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        theirs.close()
        self._conn = Connection(ours.detach())
        return self._conn

    def stop(self) -> int | None:
        """Kill the child and its group (a no-op when there is none); its exit status."""
        proc, self._proc = self._proc, None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if proc is None:
            return None
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proc.kill()
        try:
            return proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            return None


_WORKER: ReadWorker | None = None
_WORKER_PID: int | None = None


def read_bounded(path: Path, limits: Limits, sha256: str | None = None) -> Draft:
    """Read one file in the bounded child (in the child itself: read it there)."""
    from . import read_here

    if _IN_CHILD:
        return read_here(path, limits, sha256)
    global _WORKER, _WORKER_PID
    if _WORKER is None or _WORKER_PID != os.getpid():  # a forked pool process gets its own child
        _WORKER, _WORKER_PID = ReadWorker(), os.getpid()
        atexit.register(stop_worker)  # (it would also leave on its own: its socket closes with us)
    return _WORKER.read(path, limits, sha256)


def stop_worker() -> None:
    if _WORKER is not None and _WORKER_PID == os.getpid():
        _WORKER.stop()


# ------------------------------------------------------------------ the child
def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def _peak_address_space() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmPeak:"):
                return int(line.split()[1]) * 1024
    return 0


def _limit_memory(extra: int) -> int:
    """Let the address space grow by `extra` from here; the soft limit set."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = _address_space() + extra
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    return soft


def release_memory_limit() -> None:
    """The soft RLIMIT_AS back to the hard one: for a helper program the reader starts (LibreOffice needs
    more address space than a file's budget), e.g. subprocess.Popen(..., preexec_fn=release_memory_limit)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _serve(fd: int) -> None:
    global _IN_CHILD
    _IN_CHILD = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    from . import budget, read_here

    _preload()  # imported before any file: the memory bound is for the file, not for python-docx's code
    budget.install_pdf_caps()
    conn = Connection(fd)
    start = _address_space()
    while True:
        try:
            path, limits, sha256 = conn.recv()
        except (EOFError, OSError):
            return
        answer = _read_one(Path(path), limits, sha256, read_here, budget)
        release_memory_limit()
        # after a file over the memory bound, or once the heap has grown large, a fresh child takes the next
        retiring = answer[0] == "input" and answer[2] == "TOO_COMPLEX" or _address_space() - start > RETIRE_GROWTH
        try:
            conn.send((answer, retiring))
        except (OSError, pickle.PicklingError):
            return
        if retiring:
            return


def _preload() -> None:
    import importlib

    for name in ("docx", "pdfplumber", "pipeline.read.docx", "pipeline.read.pdf"):
        try:
            importlib.import_module(name)
        except ImportError:  # a reader that cannot load fails on its first file, with its own message
            pass


def _read_one(path: Path, limits: Limits, sha256: str | None, read_here, budget) -> tuple:
    peak = _peak_address_space()
    soft = _limit_memory(limits.max_memory_bytes)
    try:
        with budget.reading(limits):
            draft = read_here(path, limits, sha256)
        if _near_limit(peak, soft, limits.max_memory_bytes):
            return _memory_answer(limits)  # a MemoryError some library swallowed may have dropped text
        return ("ok", draft)
    except InputError as e:
        if _out_of_memory(e, peak, soft, limits.max_memory_bytes):  # a parser out of memory says "damaged"
            return _memory_answer(limits)
        return ("input", e.message, e.code)
    except budget.Bound as e:
        return ("input", e.error.message, e.error.code)
    except MemoryError:
        return _memory_answer(limits)
    except Exception as e:  # noqa: BLE001 — an unexpected error goes back to the parent, as it would in-process
        import traceback

        trace = traceback.format_exc()
        try:
            pickle.dumps(e)
        except Exception:  # noqa: BLE001
            e = RuntimeError(f"{type(e).__name__}: {e}")
        return ("crash", e, trace)


def _memory_answer(limits: Limits) -> tuple:
    return ("input", f"读取这个文件需要的内存超过 {limits.max_memory_bytes / MB:.0f} MB 的上限（内容过于复杂或疑似异常文件），"
                     "未检查；请确认来源，或另存、拆分后再放入。", "TOO_COMPLEX")


def _out_of_memory(error: BaseException, peak_before: int, soft: int, budget: int) -> bool:
    """MemoryError in the chain of causes; or a parser error (libxml2 says "unknown error" when an
    allocation fails) while this file took the address space to a new peak within a quarter of the limit."""
    causes = []
    seen: BaseException | None = error
    while seen is not None and len(causes) < 10:
        causes.append(seen)
        seen = seen.__cause__ or seen.__context__
    if any(isinstance(c, MemoryError) for c in causes):
        return True
    parser = any(type(c).__module__.startswith("lxml") for c in causes)
    return parser and _near_limit(peak_before, soft, budget)


def _near_limit(peak_before: int, soft: int, budget: int) -> bool:
    """This file took the address space to a new peak within a quarter of its limit."""
    peak = _peak_address_space()
    return peak > peak_before and peak >= soft - budget // 4


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
