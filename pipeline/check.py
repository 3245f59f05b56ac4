"""Check one file end to end: detect → read → extract → check → Report. Never raises for a bad file:
an unreadable input becomes a Report with status "error" and a Chinese message."""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError, UsageError
from .extract import extract, timing
from .model import Draft, ErrorInfo, Report
from .read import is_ignorable, read_draft
from .read.sniff import SUFFIXES as READABLE_SUFFIXES
from .rules import Rules
from .rules.engine import check_draft
from .textutil import squeeze

log = logging.getLogger(__name__)
SUFFIXES = READABLE_SUFFIXES


def check_file(path: Path, rules: Rules, sha256: str | None = None) -> Report:
    return check_with_summary(path, rules, sha256)[0]


def check_with_summary(path: Path, rules: Rules, sha256: str | None = None) -> tuple[Report, str | None]:
    """The report, and a short content summary for the approval form (not part of the JSON report)."""
    from .inbox import printable, refusal, special_kind

    kind = special_kind(path, follow=True)
    if kind is not None:  # a FIFO would block the open forever, a device may act on it: never opened
        return Report(printable(str(path)), None, "error", ErrorInfo("NOT_A_FILE", refusal(kind))), None
    try:
        draft = read_draft(path, rules.limits, sha256)
        md = extract(draft, rules)
        findings = check_draft(draft, md, rules) + macro_findings(path, rules)
        report = Report(printable(str(path)), draft.sha256, "ok", None, md, findings, timing(draft, md, rules))
        return report, summarize(draft, md.title)  # raw, like all evidence in the ledger; documents mask it
    except InputError as e:
        return Report(printable(str(path)), _safe_sha(path), "error", ErrorInfo(e.code, printable(e.message))), None
    except Exception as e:  # noqa: BLE001 — one strange file must never stop the batch
        log.exception("unexpected failure on %s", path)
        msg = f"检查时遇到意外错误（{type(e).__name__}）；请确认文件能在 Word 中正常打开，另存后重新放入，或联系管理员。"
        return Report(printable(str(path)), _safe_sha(path), "error", ErrorInfo("INTERNAL", msg)), None


def macro_findings(path: Path, rules: Rules) -> tuple:
    """A macro-enabled document (.docm, or a .docx carrying a VBA project): the macros travel with the file."""
    import zipfile

    from .rules.engine import finding

    try:
        with zipfile.ZipFile(path) as z:  # sniff has vetted the archive's directory already
            vba = [n for n in z.namelist() if n.lower().endswith("vbaproject.bin")]
    except (OSError, zipfile.BadZipFile):
        return ()
    if not vba:
        return ()
    return (finding(rules, "MACRO", f"{path.suffix.lower() or '文件'}，含 VBA 宏", vba[0], "文件本身"),)


IMPRINT = re.compile(r"^(抄送|抄报|主送|附件)|印发$")  # 版记 lines are not content


def summarize(draft: Draft, title: str | None, limit: int = 160) -> str | None:
    """The opening of the body: the paragraphs after the title and the salutation, about `limit` chars."""
    paras = [squeeze(b.text) for b in draft.blocks if b.kind in ("para", "page")]
    key = squeeze(title or "")
    start = next((i + 1 for i, t in enumerate(paras) if key and key.endswith(t) and len(t) >= 4), 0)
    body = [t for t in paras[start:] if not (t.endswith(("：", ":")) and len(t) <= 30) and len(t) > 12
            and not IMPRINT.search(t)]
    text = ""
    for t in body:
        text += t
        if len(text) >= limit // 2:
            break
    return (text[:limit] + ("……" if len(text) > limit else "")) or None


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
