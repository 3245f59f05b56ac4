"""The inbox as the file system shows it: what counts as a waiting draft, which process may take it,
when it is fully written, and names that are safe to show, store and create.

- Listing never follows a symlink, and reports FIFOs, sockets, devices and symlinks (so they can be
  moved aside with a note) without ever opening them: opening a FIFO blocks, a device may act.
- A name that is not valid UTF-8 (GBK bytes from a Windows share) keeps its bytes for every file
  operation; what is shown and recorded is the name decoded as GB18030, or with the bad bytes escaped.
- `Claim`: an exclusive, non-blocking flock on the draft itself. Any number of ingest / watch
  processes may list the same inbox; only the holder of the lock reads, moves or records a file.
  The lock lives on the inode, so it moves with the file into archive/ and dies with its process.
- `place`: a move that never replaces an existing file (hard link, then unlink), for failed/ and
  archive/, where two processes may pick the same free name at once.
- `temp_beside`: a temporary name unique to this process and call, for write-then-rename.
"""
from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import shutil
import stat
import time
import zipfile
from pathlib import Path

from .read import is_ignorable

NAME_MAX = 255  # bytes, per path component, on every Linux file system the workspace may sit on
ZIP_SUFFIXES = (".docx", ".docm", ".dotx", ".dotm", ".ofd", ".xlsx")


# ----------------------------------------------------------------------------------------------- names
def has_bad_bytes(text: str) -> bool:
    """True when a name came from bytes that are not UTF-8 (Python keeps them as lone surrogates)."""
    return any("\udc80" <= c <= "\udcff" for c in text)


def readable(name: str) -> str:
    """A name fit to show, log and store: undecodable bytes read as GB18030 (what Windows shares in
    China write), else escaped; control characters replaced."""
    if has_bad_bytes(name):
        raw = name.encode("utf-8", "surrogateescape")
        try:
            name = raw.decode("gb18030")
        except UnicodeDecodeError:
            name = raw.decode("utf-8", "backslashreplace")
    return re.sub(r"[\x00-\x1f\x7f]", "_", name)


def printable(text: str) -> str:
    """Any text that may hold a raw file name (an error message, a path): lone surrogates replaced."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if has_bad_bytes(text) else text


def fit_name(stem: str, suffix: str, limit: int = NAME_MAX) -> str:
    """stem + suffix, the stem shortened (marked with …) so the name fits in `limit` bytes."""
    name = stem + suffix
    if len(os.fsencode(name)) <= limit:
        return name
    room = limit - len(os.fsencode("…" + suffix))
    while stem and len(os.fsencode(stem)) > room:
        stem = stem[:-1]
    return stem + "…" + suffix


def temp_beside(path: Path) -> Path:
    """A hidden temporary name in path's folder, unique to this process and call (never collides)."""
    return path.with_name(fit_name(f".{path.name[:40]}.{os.getpid()}.{secrets.token_hex(4)}", ".part"))


def write_note(path: Path, text: str) -> None:
    """A note for staff, UTF-8 with a BOM (old Notepad shows Chinese), written whole or not at all."""
    tmp = temp_beside(path)
    tmp.write_text(text, encoding="utf-8-sig")
    os.replace(tmp, path)


# ----------------------------------------------------------------------------------------------- kinds
def special_kind(path: Path, follow: bool = False) -> str | None:
    """What a non-regular entry is, in Chinese (a stat only: nothing is opened; a symlink is followed
    only with follow=True, for a file the user named on the command line)."""
    try:
        mode = os.stat(path, follow_symlinks=follow).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "快捷方式（符号链接）"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISDIR(mode):
        return None
    return "特殊文件"


def refusal(kind: str) -> str:
    if kind.startswith("快捷方式"):
        return "这是一个快捷方式（符号链接），不是文件本身；程序不会跟随它读取收件箱以外的文件。请把文稿本身放入收件箱。"
    return f"这不是普通文件，而是{kind}，无法作为文稿读取，程序没有打开它。请放入 .docx 或 .pdf 文稿。"


def list_inbox(inbox: Path) -> list[Path]:
    """Everything waiting in the inbox, recursively, symlinks never followed; lock, temp and hidden
    files (and folders) left alone. Special files and symlinks are listed so they can be refused."""
    out: list[Path] = []
    for top, dirs, files in os.walk(inbox, followlinks=False):
        base = Path(top)
        keep = []
        for d in dirs:
            if is_ignorable(d):
                continue
            if (base / d).is_symlink():  # a link to a folder: refused like any link, never entered
                out.append(base / d)
            else:
                keep.append(d)
        dirs[:] = sorted(keep)
        out += [base / f for f in files if not is_ignorable(f)]
    return sorted(out)


# ----------------------------------------------------------------------------------------------- claims
class Claim:
    """An exclusive flock on one inbox file, taken without waiting. `acquire()` is False when another
    process holds it, or the file is gone or was replaced meanwhile (someone else dealt with it)."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> bool:
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            return False
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise OSError(errno.EINVAL, "not a regular file")
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            now = os.stat(self.path, follow_symlinks=False)
            if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                raise OSError(errno.ESTALE, "replaced")
        except OSError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the flock
            self.fd = None

    def __enter__(self) -> "Claim":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


# ----------------------------------------------------------------------------------------------- moves
def place(src: Path, folder: Path, name: str) -> Path:
    """Move src into folder under name, or name(1), name(2) … — never replacing a file that is there,
    even when another process picks the same name at the same moment. Returns where it went."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = _split(name)
    n = 0
    while True:
        target = folder / fit_name(stem if n == 0 else f"{stem}({n})", suffix)
        try:
            _move_no_replace(src, target)
            return target
        except FileExistsError:
            n += 1


def _split(name: str) -> tuple[str, str]:
    p = Path(name)
    return (p.stem, p.suffix) if len(p.suffix) <= 10 else (name, "")


def _move_no_replace(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)  # EEXIST when taken: atomic, never replaces
    except OSError as e:
        if e.errno == errno.EEXIST:
            raise FileExistsError(dst) from None
        if e.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK):
            raise
        _copy_no_replace(src, dst)
    src.unlink()


def _copy_no_replace(src: Path, dst: Path) -> None:
    """Across file systems: copy into a file created exclusively, fsync, then the caller unlinks src."""
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # FileExistsError when taken
    try:
        with src.open("rb") as fi, os.fdopen(fd, "wb") as fo:
            shutil.copyfileobj(fi, fo, 1 << 20)
            fo.flush()
            os.fsync(fo.fileno())
    except BaseException:
        dst.unlink(missing_ok=True)
        raise


# ----------------------------------------------------------------------------------------------- written?
def opens_completely(path: Path, unknown: bool = False) -> bool:
    """A zip package's central directory is readable; a .pdf ends with %%EOF. Other kinds: `unknown`."""
    try:
        suffix = path.suffix.lower()
        if suffix in ZIP_SUFFIXES:
            with zipfile.ZipFile(path) as z:
                z.infolist()
            return True
        if suffix == ".pdf":
            with path.open("rb") as f:
                f.seek(max(0, os.fstat(f.fileno()).st_size - 2048))
                return b"%%EOF" in f.read()
        return unknown
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def _signature(path: Path) -> tuple[int, float] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime


def written_now(path: Path, stable_seconds: float) -> bool:
    """Nobody is writing it: not a regular file (refused without opening), untouched for stable_seconds,
    or a complete package already (a copy writes the zip directory / the PDF trailer last)."""
    try:
        st = os.lstat(path)
    except OSError:
        return True  # gone: the caller finds out
    if not stat.S_ISREG(st.st_mode):
        return True
    return time.time() - st.st_mtime >= stable_seconds or opens_completely(path)


def wait_written(paths: list[Path], stable_seconds: float, patience: float) -> tuple[list[Path], list[Path]]:
    """Split paths into (written, unfinished): each is written once its size and mtime held still for
    stable_seconds (then it is processed, and a broken file goes to failed/ as broken); a file still
    changing after `patience` seconds is unfinished — left in the inbox for the next run."""
    start = time.monotonic()
    seen = {p: (_signature(p), start) for p in paths}
    done: list[Path] = []
    while seen and time.monotonic() - start < patience:
        time.sleep(0.2)
        now = time.monotonic()
        for p, (sig, since) in list(seen.items()):
            cur = _signature(p)
            if cur != sig:
                seen[p] = (cur, now)
            elif cur is None or now - since >= stable_seconds or opens_completely(p):
                done.append(p)
                del seen[p]
    return done, sorted(seen)
