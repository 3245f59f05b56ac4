"""Budgets for reading one file: time (the file, and each PDF page) and PDF stream inflation.

- `reading(limits)` opens the budget of one file: from then on its time is counted by SIGPROF (in the
  main thread of the reading process, see worker.py) and every PDF stream pdfminer decodes is counted;
- time is the reading process's CPU time (ITIMER_PROF, time.process_time), not the wall clock: on a busy
  server (a watcher beside an ingest, a backup) a real page that needs 1.6 s of CPU took 6.6 s of wall
  time and was refused as too slow. What a hostile file costs is CPU; a read stuck without spending any is
  the parent's to kill (worker.py, on the wall clock, with a wide margin);
- `page()` around one PDF page: over `max_page_seconds` it raises PageOvertime inside the page (that page
  is reported as not checked, the rest is read); a second page over it fails the file (`Bound`);
- a file over `max_seconds`, or a stream past `max_part_bytes`, or all streams past `max_unzipped_bytes`,
  raises `Bound` — a BaseException, so no `except Exception` in a library can swallow it — which the
  reader turns into an InputError with a Chinese message.

pdfminer inflates a FlateDecode stream with one `zlib.decompress` call and an LZW one into one list: a
1.5 MB PDF whose stream inflates to 1.5 GiB took 3.2 GB. `install_pdf_caps()` replaces those two
decoders in pdfminer.pdftypes by streaming ones that count against the budget (same results otherwise).
"""
from __future__ import annotations

import signal
import threading
import time
import zlib
from contextlib import contextmanager
from io import BytesIO
from typing import Iterator

from ..errors import InputError
from .limits import Limits

CHUNK = 1 << 20
TIMER, SIGNAL = signal.ITIMER_PROF, signal.SIGPROF  # the process's CPU time (user + system, all threads)
_now = time.process_time  # the same clock, for the deadlines
MAX_SLOW_PAGES = 2  # the first page over its budget is reported as not checked; the second fails the file


class Bound(BaseException):
    """Reading went past a bound; `error` says which, in Chinese."""

    def __init__(self, error: InputError):
        super().__init__(error.message)
        self.error = error


class PageOvertime(BaseException):
    """One PDF page ran past its time budget."""


class _State:
    limits: Limits | None = None
    file_deadline: float | None = None
    page_deadline: float | None = None
    inflated = 0
    alarms = False
    slow_pages = 0


_S = _State()


def overtime_error(limits: Limits) -> InputError:
    return InputError(f"读取这个文件超过了 {limits.max_seconds:.0f} 秒的时间上限（内容过于复杂或疑似异常文件），未检查；"
                      "请确认来源，或另存、拆分后再放入。", "TIMEOUT")


def slow_pages_error(limits: Limits) -> InputError:
    return InputError(f"PDF 有 {MAX_SLOW_PAGES} 页各超过 {limits.max_page_seconds:g} 秒仍未读完（页面内容过于复杂或疑似异常文件），"
                      "未检查；请确认来源，或重新导出 PDF 后再放入。", "TIMEOUT")


@contextmanager
def reading(limits: Limits) -> Iterator[None]:
    """The budget of one file. Time is enforced by an alarm only in the main thread (the worker's)."""
    _S.limits, _S.inflated, _S.page_deadline, _S.slow_pages = limits, 0, None, 0
    _S.file_deadline = _now() + limits.max_seconds
    _S.alarms = threading.current_thread() is threading.main_thread()
    old = None
    if _S.alarms:
        old = signal.signal(SIGNAL, _on_alarm)
        signal.setitimer(TIMER, limits.max_seconds)
    try:
        yield
    finally:
        if _S.alarms:
            signal.setitimer(TIMER, 0)
            signal.signal(SIGNAL, old or signal.SIG_DFL)
        _S.limits = _S.file_deadline = _S.page_deadline = None
        _S.alarms = False


@contextmanager
def page() -> Iterator[None]:
    """One PDF page under max_page_seconds (and under what is left of the file's time)."""
    if _S.limits is None or _S.file_deadline is None:
        yield
        return
    now = _now()
    _S.page_deadline = now + _S.limits.max_page_seconds
    if _S.alarms:
        signal.setitimer(TIMER, max(0.001, min(_S.page_deadline, _S.file_deadline) - now))
    try:
        yield
    finally:
        _S.page_deadline = None
        left = _S.file_deadline - _now()
        if _S.alarms:
            signal.setitimer(TIMER, max(0.001, left))
    if _now() > _S.file_deadline:  # without alarms (a thread): checked between pages
        raise Bound(overtime_error(_S.limits))


def _on_alarm(signum, frame) -> None:
    now = _now()
    if _S.limits is None:
        return
    if _S.file_deadline is not None and now >= _S.file_deadline - 0.005:
        raise Bound(overtime_error(_S.limits))
    if _S.page_deadline is not None and now >= _S.page_deadline - 0.005:
        _S.page_deadline = None
        _S.slow_pages += 1
        if _S.slow_pages >= MAX_SLOW_PAGES:  # built to stall, page after page: the file is refused
            raise Bound(slow_pages_error(_S.limits))
        raise PageOvertime()
    deadline = min(d for d in (_S.file_deadline, _S.page_deadline) if d is not None)
    signal.setitimer(TIMER, max(0.001, deadline - now))  # early: wait for the rest


# ------------------------------------------------------------------ PDF stream inflation
def _spend(n: int) -> None:
    limits = _S.limits
    if limits is None:
        return
    _S.inflated += n
    if _S.inflated > limits.max_unzipped_bytes:
        raise Bound(InputError(
            f"PDF 内部的数据流解码后总计超过 {limits.max_unzipped_bytes / 1048576:.0f} MB，疑似异常文件（压缩炸弹），未检查；"
            "请确认来源，重新导出 PDF 后再放入。", "ZIP_BOMB"))


def _stream_cap(size: int) -> None:
    limits = _S.limits
    if limits is not None and size > limits.max_part_bytes:
        raise Bound(InputError(
            f"PDF 内部的一个数据流解码后超过 {limits.max_part_bytes / 1048576:.0f} MB，疑似异常文件（压缩炸弹），未检查；"
            "请确认来源，重新导出 PDF 后再放入。", "ZIP_BOMB"))


def inflate(data: bytes, strict: bool = True) -> bytes:
    """zlib.decompress, 1 MB of output at a time against the caps. strict: a truncated or damaged stream
    raises zlib.error as zlib.decompress would; otherwise what inflated before the damage is returned."""
    d = zlib.decompressobj()
    out = bytearray()
    buf = data
    try:
        while True:
            chunk = d.decompress(buf, CHUNK)
            out += chunk
            _stream_cap(len(out))
            _spend(len(chunk))
            buf = d.unconsumed_tail
            if d.eof or (not buf and len(chunk) < CHUNK):
                break
    except zlib.error:
        if strict:
            raise
        return bytes(out)
    if strict and not d.eof:
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    return bytes(out)


class _CappedZlib:
    """Stands for the zlib module inside pdfminer.pdftypes: decompress streams against the caps."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes, *args, **kwargs) -> bytes:
        return inflate(data)

    @staticmethod
    def decompressobj(*args, **kwargs):
        return zlib.decompressobj(*args, **kwargs)


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's fallback for a stream with a bad checksum (it went byte by byte, quadratic in the output)."""
    return inflate(data, strict=False)


def _lzwdecode(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    out = bytearray()
    for piece in LZWDecoder(BytesIO(data)).run():
        out += piece
        _stream_cap(len(out))
        _spend(len(piece))
    return bytes(out)


_installed = False


def install_pdf_caps() -> None:
    """Route pdfminer's FlateDecode and LZWDecode through the capped decoders (once per process)."""
    global _installed
    if _installed:
        return
    from pdfminer import pdftypes

    pdftypes.zlib = _CappedZlib  # type: ignore[assignment]  # only pdftypes' own references change
    pdftypes.decompress_corrupted = _decompress_corrupted
    pdftypes.lzwdecode = _lzwdecode
    original = pdftypes.PDFStream.decode

    def decode(self) -> None:  # the other filters (run-length, CCITT …): the result is sized afterwards
        original(self)
        if self.data is not None:
            _stream_cap(len(self.data))

    pdftypes.PDFStream.decode = decode
    _installed = True
