"""Check one file end to end: detect → read → extract → check → Report. Never raises for a bad file:
an unreadable input becomes a Report with status "error" and a Chinese message."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError, UsageError
from .extract import extract, timing
from .model import ErrorInfo, Report
from .read import is_ignorable, read_draft
from .rules import Rules
from .rules.engine import check_draft

log = logging.getLogger(__name__)
SUFFIXES = (".docx", ".pdf", ".doc", ".wps")


def check_file(path: Path, rules: Rules, sha256: str | None = None) -> Report:
    try:
        draft = read_draft(path, rules.limits, sha256)
        md = extract(draft, rules)
        findings = check_draft(draft, md, rules)
        return Report(str(path), draft.sha256, "ok", None, md, findings, timing(draft, md, rules))
    except InputError as e:
        return Report(str(path), _safe_sha(path), "error", ErrorInfo(e.code, e.message))
    except Exception as e:  # noqa: BLE001 — one strange file must never stop the batch
        log.exception("unexpected failure on %s", path)
        msg = f"检查时遇到意外错误（{type(e).__name__}）；请确认文件能在 Word 中正常打开，另存后重新放入，或联系管理员。"
        return Report(str(path), _safe_sha(path), "error", ErrorInfo("INTERNAL", msg))


def _safe_sha(path: Path) -> str | None:
    from .read import sha256_of

    try:
        return sha256_of(path)
    except OSError:
        return None


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly are checked whatever they are; a folder stands for the drafts inside it
    (recursively, sorted, lock and temp files skipped)."""
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and f.suffix.lower() in SUFFIXES and not any(is_ignorable(x) for x in rel):
                    yield f
        elif p.exists():
            yield p
        else:
            raise UsageError(f"找不到文件或文件夹：{p}；请检查路径是否正确。")


def check_paths(paths: Iterable[Path], rules: Rules) -> list[Report]:
    return [check_file(p, rules) for p in expand(list(paths))]
