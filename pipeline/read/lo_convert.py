"""The two ways of driving LibreOffice (used by libreoffice.py, which owns the run's one converter):

- UnoConverter: soffice on a private UNO pipe with its own profile folder, driven by uno_bridge.py under a
  Python that has LibreOffice's `uno` module (Debian: python3-uno), kept running between files. Every
  conversion is bounded in time: a hung LibreOffice is killed with its whole process group and the file
  gets a Chinese error. A LibreOffice found dead before a file (crashed, killed) is restarted and the file
  sent again; one that dies while converting a file gives that file a Chinese error, and the next file
  starts a fresh one. Its memory is bounded too: above `max_rss` (resident, the whole process group) it is
  restarted before the next file (LibreOffice keeps memory from the documents it has opened).
- OneShotConverter: a fresh `soffice --convert-to docx` per file — the fallback without python3-uno, and
  the benchmark's baseline.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

PACKAGE = "libreoffice-writer-nogui"
# LibreOffice's import filter per kind; the zip-based kinds are detected reliably by LibreOffice itself, but
# an OLE or RTF file must not fall back to the plain-text import (junk would "convert" into garbage text).
IMPORT_FILTERS = {"doc": "MS Word 97", "wps": "MS Word 97", "rtf": "Rich Text Format"}
BRIDGE = Path(__file__).with_name("uno_bridge.py")
MB = 1024 * 1024


@dataclass(frozen=True)
class ConvertSettings:
    soffice: str | None = None  # [convert] soffice = "…" in gongkai.toml; else found on PATH
    python: str | None = None  # a Python that can `import uno`; else found (python3-uno)
    timeout: float = 60.0  # seconds for one conversion
    max_rss_mb: int = 1024  # a long-lived LibreOffice resident above this is restarted before the next file


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
    import sys

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


def timeout_error(seconds: float) -> InputError:
    return InputError(f"LibreOffice 转换这个文件超过 {seconds:.0f} 秒仍未完成，已中止（文件可能损坏或过于复杂）；"
                      "请在 Word/WPS 中打开并“另存为” .docx 后重新放入。", "CONVERT_TIMEOUT")


def crashed_error() -> InputError:
    return InputError("LibreOffice 在转换这个文件时意外退出（已重新启动，其他文件不受影响），这个文件未能转换；"
                      "请在 Word/WPS 中打开并“另存为” .docx 后重新放入。", "CONVERT_CRASHED")


def failed_error(detail: str) -> InputError:
    hint = "（文件设置了密码？）" if "password" in detail.lower() else ""
    return InputError(f"LibreOffice 无法打开这个文件{hint}，转换失败；请确认文件能在 Word/WPS 中正常打开，"
                      "另存为 .docx 后重新放入。", "CONVERT_FAILED")


def start_error() -> InputError:
    return InputError("LibreOffice 未能启动，无法转换这个文件；请确认 LibreOffice 安装完整"
                      f"（sudo apt-get install {PACKAGE} python3-uno）后重试。", "NO_CONVERTER")


_TIMEOUT, _GONE = "timeout", "gone"


class UnoConverter:
    """soffice + uno_bridge.py, kept running between files; restarted after a hang, a crash, or growth."""

    def __init__(self, soffice: str, python: str, timeout: float, max_rss_mb: int = 1024):
        self.soffice, self.python, self.timeout, self.max_rss = soffice, python, timeout, max_rss_mb * MB
        self.proc: subprocess.Popen | None = None
        self.profile: str | None = None
        self.office_pid: int | None = None
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
        ready = self._answer(self.timeout + 30)
        if not isinstance(ready, dict):
            self.stop()
            raise start_error()
        self.office_pid = ready.get("pid")

    def _answer(self, seconds: float) -> dict | str:
        """The bridge's next answer; _TIMEOUT if none came in time, _GONE if the bridge exited."""
        assert self.proc and self.proc.stdout
        ready, _, _ = select.select([self.proc.stdout], [], [], seconds)
        if not ready:
            return _TIMEOUT
        line = self.proc.stdout.readline()
        try:
            return json.loads(line) if line else _GONE
        except ValueError:
            return _GONE

    def _send(self, job: dict) -> dict | str:
        if self.proc is None or self.proc.poll() is not None:
            self.stop()
            self._start()
        assert self.proc and self.proc.stdin
        try:
            self.proc.stdin.write((json.dumps(job) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:  # the bridge is gone before the file was sent: not the file's fault
            return {"ok": False, "dead": "before"}
        return self._answer(self.timeout)

    def convert(self, src: Path, dst: Path, kind: str = "") -> None:
        job = {"src": str(src.resolve()), "dst": str(dst.resolve()), "filter": IMPORT_FILTERS.get(kind, "")}
        with self.lock:
            answer = self._send(job)
            if isinstance(answer, dict) and answer.get("dead") == "before":  # crashed or killed since the last file
                self.stop(graceful=False)
                answer = self._send(job)
            if answer == _TIMEOUT:  # hung: killed; the next file starts a fresh LibreOffice
                self.stop(graceful=False)
                raise timeout_error(self.timeout)
            if answer == _GONE or not isinstance(answer, dict) or answer.get("dead"):
                self.stop(graceful=False)
                raise crashed_error()
            if not answer.get("ok"):
                raise failed_error(str(answer.get("error", "")))
            if self.proc is not None and group_rss(self.proc.pid) > self.max_rss:
                self.stop()  # grown: the next file gets a fresh LibreOffice

    def stop(self, graceful: bool = True) -> None:
        """Close LibreOffice (gracefully: it is asked to quit first) and remove its profile."""
        proc, self.proc = self.proc, None
        self.office_pid = None
        if proc is not None:
            if graceful and proc.poll() is None:
                try:
                    assert proc.stdin
                    proc.stdin.close()  # the bridge closes LibreOffice and exits
                    proc.wait(15)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            kill_group(proc)
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
                kill_group(proc)
                raise timeout_error(self.timeout) from None
            made = list(outdir.glob("*.docx")) if outdir.is_dir() else []
            if not made:
                raise failed_error("no output")
            shutil.move(str(made[0]), dst)

    def stop(self) -> None:
        pass


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        pass


def group_pids(pgid: int) -> list[int]:
    """The live processes of a process group (Linux /proc; empty elsewhere). Zombies are left out: a
    killed LibreOffice's processes are reparented to init, which reaps them when it will."""
    pids = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return pids
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != b"Z":  # after "(comm)": state, ppid, pgrp
            pids.append(int(name))
    return pids


def group_rss(pgid: int) -> int:
    """Resident bytes of a process group: LibreOffice and its bridge."""
    total = 0
    for pid in group_pids(pgid):
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    return total
