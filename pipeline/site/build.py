"""`gongkai site build`: collect → pages → guard → stage → swap.

A build is atomic: the new public/ and inside/ are written into a staging folder beside them and swapped in
(renameat2 RENAME_EXCHANGE on Linux; elsewhere two renames), so a reader never sees half a site. It is
incremental: the ledger is read in a few queries (snapshot.py); every page has a fingerprint of its inputs
(template, settings, the entries it lists), so a page whose inputs did not change is hard-linked from the
previous build without being rendered, and a page rendered again but identical to the old one is linked too;
documents are converted once, when an item is pre-disclosed or published (prepare_documents), cached by
the sha256 the ledger recorded in the workspace's .cache/site-html/; a build converts only what is missing."""
from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

from ..errors import RenderError
from ..ledger import Ledger
from ..rules import Rules
from ..workspace import Settings
from . import view
from .collect import COLUMNS, collect, documents_of
from .content import Converter
from .pages import Lazy, column_pages, stylesheet
from .snapshot import snapshot
from .status import compute

log = logging.getLogger("gongkai.site")
MANIFEST = ".manifest.json"
MANIFEST_VERSION = 2


@dataclass(frozen=True)
class BuildResult:
    out: Path
    public_items: int
    inside_items: int
    written: int
    kept: int
    seconds: float
    made: int = 0  # files made again (rendered or read) because their inputs changed; the rest were linked unread


def site_dir(settings: Settings, out: Path | None = None) -> Path:
    return (out or settings.site_dir or settings.root / "site").resolve()


def build_site(settings: Settings, ledger: Ledger, rules: Rules, out: Path | None = None,
               today: date | None = None) -> BuildResult:
    started = time.perf_counter()
    today = today or ledger.clock.today()
    out = site_dir(settings, out)
    out.mkdir(parents=True, exist_ok=True)
    with _lock(out):
        snap = snapshot(ledger)
        converter = Converter(cache_dir(settings))
        entries = collect(settings, snap, rules, converter)
        status = compute(settings, snap, rules, today)
        files: dict[str, dict[str, bytes | Path | Lazy]] = {}
        for column in COLUMNS:
            pages: dict[str, bytes | Path | Lazy] = dict(column_pages(column, entries[column], settings, rules, today,
                                                              status if column == "inside" else None))
            pages["assets/site.css"] = stylesheet()
            for e in entries[column]:
                if e.file_src:
                    pages[f"files/{e.file_name}"] = e.file_src
            files[column] = pages
        written, kept, made, manifest = _stage_and_swap(out, files, view.public_view(settings, rules))
        _write_json(out / MANIFEST, manifest)
        converter.prune(converter.used)
        shutil.rmtree(out / ".cache", ignore_errors=True)  # where conversions were kept before 2026-12
    return BuildResult(out, len(entries["public"]), len(entries["inside"]), written, kept,
                       time.perf_counter() - started, made)


def cache_dir(settings: Settings) -> Path:
    """The conversions of the documents the columns show, named by sha256: the workspace's, not one site
    folder's, so a new site folder (`site build DIR`, a deleted site/) converts nothing again."""
    return settings.root / ".cache" / "site-html"


def prepare_documents(settings: Settings, ledger: Ledger, rules: Rules, item_id: str) -> None:
    """Convert the documents an item shows, when it is pre-disclosed or published: the conversion is part of
    disclosing it (~10 ms a document), so a build finds every document converted — a first build of a
    1,000-item ledger converts nothing. A failure is logged and leaves the conversion to the next build."""
    try:
        Converter(cache_dir(settings)).prepare(documents_of(settings, ledger, ledger.item(item_id), rules), workers=1)
    except Exception as e:  # noqa: BLE001 — the recorded decision stands; the build converts what is missing
        log.warning("事项 %s 的网页版文稿未能预先生成（网站生成时会补上）：%s", item_id, e)


def _inputs(value: bytes | Path | Lazy, salt: str) -> str | None:
    """What a file is made from, when that is known without making it (None: bytes, compared by content)."""
    if isinstance(value, Lazy):
        return f"{value.key}:{salt}"
    if isinstance(value, Path):
        st = value.stat()
        return f"file:{value.parent.name}/{value.name}:{st.st_size}:{st.st_mtime_ns}"  # archive/<sha12>/<name>
    return None


def _stage_and_swap(out: Path, files: dict[str, dict[str, bytes | Path | Lazy]],
                    pv: view.PublicView) -> tuple[int, int, int, dict]:
    old = _read_json(out / MANIFEST)
    if old.get("version") != MANIFEST_VERSION:
        old = {}
    old_inputs, old_sha = old.get("inputs", {}), old.get("sha", {})
    inputs: dict[str, str] = {}
    shas: dict[str, str] = {}
    salt = view.fingerprint(pv)  # new personal-information rules: every public page is made and guarded again
    written = kept = made = 0
    stage = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    try:
        dirs: set[Path] = set()
        for column, pages in files.items():
            for rel, value in pages.items():
                key = f"{column}/{rel}"
                target = stage / column / rel
                if target.parent not in dirs:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    dirs.add(target.parent)
                previous = out / column / rel
                given = _inputs(value, salt if column == "public" else "")
                if given is not None:
                    inputs[key] = given
                if given is not None and old_inputs.get(key) == given and key in old_sha and _link(previous, target):
                    shas[key] = old_sha[key]
                    kept += 1
                    continue
                if isinstance(value, Lazy):
                    value = value.make()
                made += given is not None
                data = value.read_bytes() if isinstance(value, Path) else value
                if column == "public":
                    _guard(rel, data, pv)
                digest = shas[key] = hashlib.sha256(data).hexdigest()
                if old_sha.get(key) == digest and _link(previous, target):  # made again, and the same
                    kept += 1
                    continue
                target.write_bytes(data)
                written += 1
        for column in files:
            (stage / column).mkdir(exist_ok=True)
            swap_in(stage / column, out / column)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return written, kept, made, {"version": MANIFEST_VERSION, "inputs": inputs, "sha": shas}


def _guard(rel: str, value: bytes, pv: view.PublicView) -> None:
    """The last line: no raw personal number in any public file name or page (text and attributes)."""
    if view.leaks(rel, pv):
        raise RenderError(f"网站公开栏目的文件名 {rel} 含有个人信息，已停止生成；原网站保持不变。")
    if rel.endswith((".html", ".css")) and view.leaks(value.decode("utf-8"), pv):
        raise RenderError(f"网站公开栏目的页面 {rel} 含有个人信息，已停止生成；原网站保持不变。")


def _link(src: Path, dst: Path) -> bool:
    """Hard-link a file of the previous build (False: there is none, or the file system has no hard links)."""
    try:
        os.link(src, dst)
        return True
    except OSError:  # a file system without hard links: write it again
        return False


def swap_in(new: Path, current: Path) -> None:
    """Put the folder `new` where `current` is, atomically where the OS allows; `new` then holds the old one."""
    if not current.exists():
        os.rename(new, current)
        return
    if _exchange(new, current):
        return
    parked = current.with_name(f".old-{current.name}-{os.getpid()}-{time.time_ns()}")
    os.rename(current, parked)
    os.rename(new, current)
    os.rename(parked, new)


def _exchange(a: Path, b: Path) -> bool:
    if sys.platform != "linux":
        return False
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


@contextmanager
def _lock(out: Path) -> Iterator[None]:
    """One build at a time per site folder (an auto rebuild may meet a manual one)."""
    try:
        import fcntl
    except ImportError:  # Windows: builds are rare and swaps are still whole folders
        yield
        return
    with (out / ".lock").open("w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def rebuild_quietly(settings: Settings, ledger: Ledger, rules: Rules) -> BuildResult | None:
    """`site.auto = true`: rebuild after a publish, close or answer; a failure is logged, never undoes it."""
    if not settings.site_auto:
        return None
    try:
        return build_site(settings, ledger, rules, today=ledger.clock.today())
    except Exception as e:  # noqa: BLE001 — the recorded decision stands; the next build catches up
        log.warning("网站未能自动更新：%s", getattr(e, "message", e))
        return None
