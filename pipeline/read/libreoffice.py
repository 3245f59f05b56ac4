"""Legacy and other word-processor files (.doc, .wps, .rtf, .odt, .docm, .dotx) become a plain .docx
through LibreOffice, which is then read and checked like any draft.

One long-lived converter per run: soffice on a private UNO pipe with its own profile folder, driven by
uno_bridge.py under a Python that has LibreOffice's `uno` module (Debian: python3-uno). It is started on
the first file that needs it and stopped when the run ends (`session()`, or at process exit). Every
conversion is bounded in time; a hung LibreOffice is killed, the file gets a Chinese error, and the
next file starts a fresh one. Without the UNO module, each file is converted by a fresh
`soffice --convert-to` (slower, same result). Without LibreOffice, a Chinese message names the package.
"""
from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import InputError

CONVERTED_KINDS = ("doc", "wps", "rtf", "odt", "docm", "dotx")
KIND_NAMES = {"doc": "旧版 Word（.doc）", "wps": "WPS 文字（.wps）", "rtf": "RTF", "odt": "OpenDocument 文本（.odt）",
              "docm": "启用宏的 Word 文档（.docm）", "dotx": "Word 模板（.dotx）"}
PACKAGE = "libreoffice-writer-nogui"
# LibreOffice's import filter per kind; the zip-based kinds are detected reliably by LibreOffice itself, but
# an OLE or RTF file must not fall back to the plain-text import (junk would "convert" into garbage text).
IMPORT_FILTERS = {"doc": "MS Word 97", "wps": "MS Word 97", "rtf": "Rich Text Format"}
BRIDGE = Path(__file__).with_name("uno_bridge.py")


@dataclass(frozen=True)
class ConvertSettings:
    soffice: str | None = None  # [convert] soffice = "…" in gongkai.toml; else found on PATH
    python: str | None = None  # a Python that can `import uno`; else found (python3-uno)
    timeout: float = 60.0  # seconds for one conversion


def no_libreoffice() -> InputError:
    return InputError(
        "这是需要转换的文稿格式，但本机没有安装 LibreOffice，无法转换；请安装 LibreOffice"
        f"（Debian/Ubuntu：sudo apt-get install {PACKAGE}），或在 gongkai.toml 的 [convert] 中写明 soffice 的位置，"
        "也可以在 Word/WPS 中“另存为” .docx 后重新放入。", "NO_CONVERTER")


def find_soffice(cfg: ConvertSettings) -> str:
    if cfg.soffice:
        path = shutil.which(cfg.soffice) or (cfg.soffice if Path(cfg.soffice).is_file() else None)
        if path:
            return path
        raise InputError(f"gongkai.toml 中 [convert] soffice = “{cfg.soffice}” 找不到；请改为 soffice 的正确位置，"
                         f"或安装 {PACKAGE}。", "NO_CONVERTER")
    for name in ("soffice", "libreoffice"):
        if path := shutil.which(name):
            return path
    raise no_libreoffice()


_UNO_PYTHON: dict[str, str | None] = {}


def find_uno_python(soffice: str, cfg: ConvertSettings) -> str | None:
    """A Python interpreter that can import LibreOffice's `uno`, or None (then one soffice per file)."""
    key = f"{soffice}|{cfg.python}"
    if key not in _UNO_PYTHON:
        program = Path(os.path.realpath(soffice)).parent
        candidates = [cfg.python] if cfg.python else [sys.executable, "/usr/bin/python3", str(program / "python")]
        _UNO_PYTHON[key] = next((c for c in candidates if c and _imports_uno(c)), None)
    return _UNO_PYTHON[key]


def _imports_uno(python: str) -> bool:
    try:
        return subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _timeout_error(seconds: float) -> InputError:
    return InputError(f"LibreOffice 转换这个文件超过 {seconds:.0f} 秒仍未完成，已中止（文件可能损坏或过于复杂）；"
                      "请在 Word/WPS 中打开并“另存为” .docx 后重新放入。", "CONVERT_TIMEOUT")


def _failed_error(detail: str) -> InputError:
    hint = "（文件设置了密码？）" if "password" in detail.lower() else ""
    return InputError(f"LibreOffice 无法打开这个文件{hint}，转换失败；请确认文件能在 Word/WPS 中正常打开，"
                      "另存为 .docx 后重新放入。", "CONVERT_FAILED")


class UnoConverter:
    """soffice + uno_bridge.py, kept running between files; restarted after a hang or a crash."""

    def __init__(self, soffice: str, python: str, timeout: float):
        self.soffice, self.python, self.timeout = soffice, python, timeout
        self.proc: subprocess.Popen | None = None
        self.profile: str | None = None
        self.lock = threading.Lock()
        self.starts = 0

    def _start(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="gongkai-lo-")
        pipe = f"gongkai-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.proc = subprocess.Popen(
            [self.python, str(BRIDGE), self.soffice, Path(self.profile).as_uri(), pipe],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
            env={**os.environ, "PYTHONPATH": ""})
        self.starts += 1
        if self._answer(self.timeout + 30) is None:
            self.stop()
            raise InputError("LibreOffice 未能启动，无法转换这个文件；请确认 LibreOffice 安装完整"
                             f"（sudo apt-get install {PACKAGE} python3-uno）后重试。", "NO_CONVERTER")

    def _answer(self, seconds: float) -> dict | None:
        assert self.proc and self.proc.stdout
        ready, _, _ = select.select([self.proc.stdout], [], [], seconds)
        line = self.proc.stdout.readline() if ready else b""
        try:
            return json.loads(line) if line else None
        except ValueError:
            return None

    def convert(self, src: Path, dst: Path, kind: str = "") -> None:
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self.stop()
                self._start()
            assert self.proc and self.proc.stdin
            try:
                self.proc.stdin.write((json.dumps({"src": str(src.resolve()), "dst": str(dst.resolve()),
                                                "filter": IMPORT_FILTERS.get(kind, "")}) + "\n").encode())
                self.proc.stdin.flush()
            except OSError:
                self.stop()
                raise _failed_error("bridge gone") from None
            answer = self._answer(self.timeout)
            if answer is None:  # hung (or crashed): kill it; the next file starts a fresh LibreOffice
                self.stop()
                raise _timeout_error(self.timeout)
            if not answer.get("ok"):
                raise _failed_error(str(answer.get("error", "")))

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                try:
                    assert proc.stdin
                    proc.stdin.close()  # the bridge closes LibreOffice and exits
                    proc.wait(15)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            _kill_group(proc)
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None


class OneShotConverter:
    """A fresh `soffice --convert-to docx` per file: the fallback without python3-uno, and the benchmark's baseline."""

    def __init__(self, soffice: str, timeout: float):
        self.soffice, self.timeout = soffice, timeout
        self.starts = 0

    def convert(self, src: Path, dst: Path, kind: str = "") -> None:
        with tempfile.TemporaryDirectory(prefix="gongkai-lo1-") as tmp:
            profile, outdir = Path(tmp) / "profile", Path(tmp) / "out"
            infilter = [f"--infilter={IMPORT_FILTERS[kind]}"] if kind in IMPORT_FILTERS else []
            cmd = [self.soffice, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile.as_uri()}",
                   *infilter, "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(src.resolve())]
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            self.starts += 1
            try:
                proc.wait(self.timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                raise _timeout_error(self.timeout) from None
            made = list(outdir.glob("*.docx")) if outdir.is_dir() else []
            if not made:
                raise _failed_error("no output")
            shutil.move(str(made[0]), dst)

    def stop(self) -> None:
        pass


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        pass


# ------------------------------------------------------------------ the run's converter
class _Run:
    def __init__(self, cfg: ConvertSettings):
        self.cfg = cfg
        self.converter: UnoConverter | OneShotConverter | None = None
        self.dir = Path(tempfile.mkdtemp(prefix="gongkai-conv-"))

    def get(self) -> UnoConverter | OneShotConverter:
        if self.converter is None:
            soffice = find_soffice(self.cfg)
            python = find_uno_python(soffice, self.cfg)
            self.converter = (UnoConverter(soffice, python, self.cfg.timeout) if python
                              else OneShotConverter(soffice, self.cfg.timeout))
        return self.converter

    def close(self) -> None:
        if self.converter is not None:
            self.converter.stop()
            self.converter = None
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


def _current() -> _Run:
    global _RUN
    if _RUN is None:
        _RUN = _Run(_CFG)
        _register_exit()
    return _RUN


_EXIT_REGISTERED = False


def _register_exit() -> None:
    """A converter started outside a session (a worker process, a library call) stops with the process."""
    global _EXIT_REGISTERED
    if not _EXIT_REGISTERED:
        from multiprocessing import util

        atexit.register(_close_current)
        util.Finalize(None, _close_current, exitpriority=20)  # pool workers skip atexit
        _EXIT_REGISTERED = True


def _close_current() -> None:
    if _RUN is not None:
        _RUN.close()


def to_docx(path: Path, sha256: str, kind: str = "") -> Path:
    """The plain .docx LibreOffice makes of `path` (converted once per run and file content)."""
    run = _current()
    out = run.dir / f"{sha256}.docx"
    if out.is_file():
        return out
    converter = run.get()
    tmp = run.dir / f"{sha256}.part.docx"
    src = run.dir / f"{sha256}{path.suffix.lower()}"  # LibreOffice picks its import filter by content, not name
    shutil.copyfile(path, src)
    try:
        converter.convert(src, tmp, kind)
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise _failed_error("empty output")
        os.replace(tmp, out)
    finally:
        src.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return out


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
