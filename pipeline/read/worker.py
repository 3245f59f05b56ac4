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

Besides reading a file, the child runs the other work that decodes a file's pixels: OCR of scanned pages
(read/scanread.py, within `read`), a scan's 公开稿 (scan_redact.py) and the form-code scan of the detect
stage (formscan.py), each under the same bounds: `run_bounded("pipeline.module:function", args, limits)`
calls function(limits, *args) in the child. The OCR models are loaded once per child, outside the file's
memory bound (`outside_memory_bound`): onnxruntime maps ~700 MB of address space for its code, threads
and models, which is the program's cost, not the file's.

The child answers (("ok", result) | ("input", message, code) | ("crash", exception, traceback text) |
("fresh",): ask a fresh child, retiring).
"""
from __future__ import annotations

import atexit
import logging
import os
import pickle
import re
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
        return self.run(READ_JOB, (str(path), sha256), limits)

    def run(self, job: str, args: tuple, limits: Limits):
        with self._lock:
            answer = self._ask((job, args, limits), limits)
            if answer[0] == "fresh":  # this child could not tell the file's memory from its own past peak
                answer = self._ask((job, args, limits), limits)
        kind = answer[0]
        if kind == "ok":
            return answer[1]
        if kind == "input":
            raise InputError(answer[1], answer[2])
        exc, trace = answer[1], answer[2]
        log.error("%s%r failed in the worker:\n%s", job, args, trace)
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
        env.setdefault("MALLOC_ARENA_MAX", "2")  # glibc: not one 64 MB arena per onnxruntime thread
        # glibc raises its mmap threshold each time a large block is freed, after which onnxruntime's tensors
        # come from the heap and stay resident when freed (an OCR page peaked at 400–530 MB, varying from run
        # to run); a fixed threshold keeps it from rising: ~290 MB. (1 MiB: as small, but 10× the system time)
        env.setdefault("MALLOC_MMAP_THRESHOLD_", str(32 << 20))
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


READ_JOB = "pipeline.read:read_job"


def read_bounded(path: Path, limits: Limits, sha256: str | None = None) -> Draft:
    """Read one file in the bounded child (in the child itself: read it there)."""
    return run_bounded(READ_JOB, (str(path), sha256), limits)


def run_bounded(job: str, args: tuple, limits: Limits):
    """function(limits, *args) for job "pipeline.module:function", in the bounded child (in the child
    itself: called there). Raises the InputError of a file over a bound, in Chinese."""
    if _IN_CHILD:
        return _function(job)(limits, *args)
    global _WORKER, _WORKER_PID
    if _WORKER is None or _WORKER_PID != os.getpid():  # a forked pool process gets its own child
        _WORKER, _WORKER_PID = ReadWorker(), os.getpid()
        atexit.register(stop_worker)  # (it would also leave on its own: its socket closes with us)
    return _WORKER.run(job, args, limits)


def _function(job: str):
    import importlib

    module, _, name = job.partition(":")
    if not module.startswith("pipeline."):
        raise ValueError(f"not a gongkai job: {job}")
    return getattr(importlib.import_module(module), name)


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


_FIXED = 0  # address space the program itself took while serving (the OCR models): not a file's growth
_LOADED_PEAK = 0  # the peak address space right after such a load (its own transient peak is not the file's)


def outside_memory_bound(load):
    """load() with the file's memory bound lifted (in the child; elsewhere just load()): for the program's
    own one-time costs, such as the OCR models. The file keeps the room it had left."""
    global _FIXED, _LOADED_PEAK
    if not _IN_CHILD:
        return load()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    before = _address_space()
    release_memory_limit()
    try:
        return load()
    finally:
        grown = max(0, _address_space() - before)
        _FIXED += grown
        _LOADED_PEAK = _peak_address_space()
        if soft != resource.RLIM_INFINITY:
            resource.setrlimit(resource.RLIMIT_AS, (min(soft + grown, hard) if hard != resource.RLIM_INFINITY
                                                    else soft + grown, hard))


def release_memory_limit() -> None:
    """The soft RLIMIT_AS back to the hard one: for a helper program the reader starts (LibreOffice needs
    more address space than a file's budget), e.g. subprocess.Popen(..., preexec_fn=release_memory_limit)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _serve(fd: int) -> None:
    global _IN_CHILD
    _IN_CHILD = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    from . import budget

    _preload()  # imported before any file: the memory bound is for the file, not for python-docx's code
    budget.install_pdf_caps()
    conn = Connection(fd)
    start = _address_space()
    while True:
        try:
            job, args, limits = conn.recv()
        except (EOFError, OSError):
            return
        if _peak_address_space() - _address_space() > limits.max_memory_bytes // 4:
            # an earlier file (or the OCR models) left a peak this file's bound cannot reach: a file out of
            # memory would not be recognised as such (_near_limit). A fresh child takes it.
            answer, retiring = ("fresh",), True
        else:
            answer = _run_one(job, args, limits, budget)
            release_memory_limit()
            # after a file over the memory bound, or once the heap has grown large, a fresh child takes the next
            retiring = (answer[0] == "input" and answer[2] == "TOO_COMPLEX"
                        or _address_space() - start - _FIXED > RETIRE_GROWTH)
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


def _run_one(job: str, args: tuple, limits: Limits, budget) -> tuple:
    global _LOADED_PEAK
    _LOADED_PEAK = 0  # set again if this job loads the OCR models
    peak = _peak_address_space()
    _limit_memory(limits.max_memory_bytes)
    try:
        with budget.reading(limits):
            result = _function(job)(limits, *args)
        if _near_limit(peak, _soft(), limits.max_memory_bytes):
            return _memory_answer(limits)  # a MemoryError some library swallowed may have dropped text
        return ("ok", result)
    except InputError as e:
        if _out_of_memory(e, peak, _soft(), limits.max_memory_bytes):  # a parser out of memory says "damaged"
            return _memory_answer(limits)
        return ("input", e.message, e.code)
    except budget.Bound as e:
        return ("input", e.error.message, e.error.code)
    except MemoryError:
        return _memory_answer(limits)
    except Exception as e:  # noqa: BLE001 — an unexpected error goes back to the parent, as it would in-process
        if _near_limit(peak, _soft(), limits.max_memory_bytes) or _ALLOCATION_FAILED.search(str(e)):
            return _memory_answer(limits)  # a native allocation failed at the bound, whatever the library calls it
        import traceback

        trace = traceback.format_exc()
        try:
            pickle.dumps(e)
        except Exception:  # noqa: BLE001
            e = RuntimeError(f"{type(e).__name__}: {e}")
        return ("crash", e, trace)


# onnxruntime's std::bad_alloc ("bad allocation", "Failed to allocate memory"), OpenCV's "Insufficient memory",
# numpy's "Unable to allocate": one large request refused by RLIMIT_AS leaves the peak far below the limit
_ALLOCATION_FAILED = re.compile(r"bad[ _]alloc|bad allocation|failed to allocate|insufficient memory|unable to "
                                r"allocate|out of memory|cannot allocate memory", re.IGNORECASE)


def _soft() -> int:
    return resource.getrlimit(resource.RLIMIT_AS)[0]


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
    return peak > max(peak_before, _LOADED_PEAK) and peak >= soft - budget // 4


if __name__ == "__main__":  # served by the module under its package name, not this __main__ copy: the
    from pipeline.read import worker as _served  # readers' `from .worker import …` must see _IN_CHILD set

    _served._serve(int(sys.argv[1]))
