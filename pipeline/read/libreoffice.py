"""Legacy and other word-processor files (.doc, .wps, .rtf, .odt, .docm, .dotx) become a plain .docx
through LibreOffice, which is then read and checked like any draft.

One long-lived converter per run (lo_convert.UnoConverter: soffice on a private UNO pipe). It is started on
the first file that needs it and stopped when the run ends (`session()`, or at process exit). Without the
UNO module, each file is converted by a fresh `soffice --convert-to` (slower, same result). Without
LibreOffice, a Chinese message names the package.

The run keeps what it converted (and each conversion's error) by the file's sha256 in one folder. With
`--workers N` the main process converts each file before a worker takes it (`shared()` / `adopt()` give
the workers that folder), so a run has one LibreOffice however many workers it has: LibreOffice converts
one document at a time anyway, and N of them would cost N × 200–300 MB for no gain on a small machine.
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from .lo_convert import (PACKAGE, ConvertSettings, OneShotConverter, UnoConverter, failed_error, find_soffice,
                         find_uno_python, no_libreoffice)

__all__ = ["CONVERTED_KINDS", "KIND_NAMES", "PACKAGE", "ConvertSettings", "OneShotConverter", "UnoConverter",
           "find_soffice", "find_uno_python", "no_libreoffice", "session", "to_docx", "keep_beside", "readable_copy",
           "shared", "adopt"]

CONVERTED_KINDS = ("doc", "wps", "rtf", "odt", "docm", "dotx")
KIND_NAMES = {"doc": "旧版 Word（.doc）", "wps": "WPS 文字（.wps）", "rtf": "RTF", "odt": "OpenDocument 文本（.odt）",
              "docm": "启用宏的 Word 文档（.docm）", "dotx": "Word 模板（.dotx）"}


# ------------------------------------------------------------------ the run's converter
class _Run:
    """This process's converter and the run's folder of conversions (owned by the process that made it)."""

    def __init__(self, cfg: ConvertSettings, folder: Path | None = None):
        self.cfg = cfg
        self.pid = os.getpid()
        self.owns_dir = folder is None
        self.converter: UnoConverter | OneShotConverter | None = None
        self.dir = folder or Path(tempfile.mkdtemp(prefix="gongkai-conv-"))

    def get(self) -> UnoConverter | OneShotConverter:
        if self.converter is None:
            soffice = find_soffice(self.cfg)
            python = find_uno_python(soffice, self.cfg)
            self.converter = (UnoConverter(soffice, python, self.cfg.timeout, self.cfg.max_rss_mb) if python
                              else OneShotConverter(soffice, self.cfg.timeout))
        return self.converter

    def close(self) -> None:
        if self.pid != os.getpid():  # a forked copy of the parent's run: the parent's to stop
            return
        if self.converter is not None:
            self.converter.stop()
            self.converter = None
        if self.owns_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


_RUN: _Run | None = None
_CFG = ConvertSettings()


@contextmanager
def session(cfg: ConvertSettings | None = None) -> Iterator[None]:
    """One converter for everything converted inside the block (an ingest, watch or check run)."""
    global _RUN, _CFG
    previous, previous_cfg = _RUN, _CFG
    _CFG = cfg or previous_cfg
    _RUN = None
    try:
        yield
    finally:
        if _RUN is not None:
            _RUN.close()
        _RUN, _CFG = previous, previous_cfg


def shared() -> tuple[str, ConvertSettings]:
    """What a worker process needs to use this run's conversions (its folder is made now if need be)."""
    run = _current()
    return str(run.dir), run.cfg


def adopt(state: tuple[str, ConvertSettings] | None) -> None:
    """In a worker process: use the run's folder of conversions (a file not found there is converted here)."""
    global _RUN, _CFG
    if state is not None:
        folder, _CFG = Path(state[0]), state[1]
        _RUN = _Run(_CFG, folder)
        _register_exit()


def _current() -> _Run:
    global _RUN
    if _RUN is None or _RUN.pid != os.getpid():  # a forked process keeps the folder, never the converter
        _RUN = _Run(_CFG, _RUN.dir if _RUN is not None else None)
        _register_exit()
    return _RUN


_EXIT_REGISTERED: int | None = None


def _register_exit() -> None:
    """A converter started outside a session (a worker process, a library call) stops with the process."""
    global _EXIT_REGISTERED
    if _EXIT_REGISTERED != os.getpid():
        from multiprocessing import util

        atexit.register(_close_current)
        util.Finalize(None, _close_current, exitpriority=20)  # pool workers skip atexit
        _EXIT_REGISTERED = os.getpid()


def _close_current() -> None:
    if _RUN is not None:
        _RUN.close()


def to_docx(path: Path, sha256: str, kind: str = "") -> Path:
    """The plain .docx LibreOffice makes of `path` (converted once per run and file content; a file that
    failed to convert fails again with the same error, without another try)."""
    run = _current()
    out, failed = run.dir / f"{sha256}.docx", run.dir / f"{sha256}.error.json"
    if out.is_file():
        return out
    if failed.is_file():
        try:
            error = json.loads(failed.read_text(encoding="utf-8"))
            raise InputError(error["message"], error["code"])
        except (OSError, ValueError, KeyError):
            pass
    converter = run.get()
    tmp = run.dir / f"{sha256}.{os.getpid()}.part.docx"
    src = run.dir / f"{sha256}.{os.getpid()}{path.suffix.lower()}"  # LibreOffice picks its filter by content
    shutil.copyfile(path, src)
    try:
        converter.convert(src, tmp, kind)
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise failed_error("empty output")
        os.replace(tmp, out)
    except InputError as e:
        if e.code != "NO_CONVERTER":
            _write_atomic(failed, json.dumps({"code": e.code, "message": e.message}, ensure_ascii=False))
        raise
    finally:
        src.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return out


def _write_atomic(target: Path, text: str) -> None:
    tmp = target.with_name(f"{target.name}.{os.getpid()}.part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)


def converted_name(original_name: str) -> str:
    """通知.doc → 通知（转换稿）.docx: kept in archive/ beside the original."""
    return f"{Path(original_name).stem}（转换稿）.docx"


def keep_beside(archived: Path, sha256: str) -> Path | None:
    """Copy the converted .docx next to the archived original (atomically); None if it was not converted."""
    target = archived.with_name(converted_name(archived.name))
    if target.is_file():
        return target
    source = _current().dir / f"{sha256}.docx"
    if not source.is_file():
        try:
            from .sniff import Limits, sniff

            source = to_docx(archived, sha256, sniff(archived, Limits()))
        except InputError:
            return None
    tmp = target.with_name(target.name + ".part")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return target


def readable_copy(archived: Path) -> Path:
    """What the 公开稿 is made from: the converted .docx kept beside a converted original, else the original."""
    converted = archived.with_name(converted_name(archived.name))
    return converted if archived.suffix.lower() not in (".docx", ".pdf") and converted.is_file() else archived
