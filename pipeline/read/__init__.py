"""Stage 1 — detect and read: a file on disk becomes a Draft of located blocks, or an InputError."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..model import Draft
from .libreoffice import CONVERTED_KINDS, to_docx
from .limits import Limits
from .sniff import OLE_MAGIC, is_ignorable, sha256_of, sniff

__all__ = ["Limits", "read_draft", "convert_ahead", "is_ignorable", "sha256_of"]
SCAN_CHARS_PER_PICTURE = 300  # less typed text than this per page-size picture: the pictures are the content


# The last few drafts read, by sha256: ingest reads a draft to check it and again (archived by then)
# to make its 公开稿; for a PDF the second parse would cost as much as the first.
_RECENT: OrderedDict[tuple[str, Limits], Draft] = OrderedDict()
_RECENT_MAX = 4


def read_draft(path: Path, limits: Limits, sha256: str | None = None) -> Draft:
    """Read one file, bounded in time and memory: in the read worker process (worker.py), OCR of its
    scanned pages included. A legacy word-processor file is first converted here, by this run's one
    LibreOffice (libreoffice.py, bounded by its own timeout), and the .docx it makes is read in the worker
    like any other."""
    from .worker import read_bounded

    kind = _legacy_kind(path, limits)
    if kind is None:
        return read_bounded(path, limits, sha256)
    try:
        digest = sha256 or sha256_of(path)
        converted = to_docx(path, digest, kind)
    except OSError as e:
        raise InputError(f"读取文件时出错（{type(e).__name__}）；请确认文件可以正常打开，重新保存后再放入。", "IO") from e
    return replace(read_bounded(converted, limits, digest), path=str(path), format=kind)


def convert_ahead(path: Path, limits: Limits, sha256: str | None = None) -> None:
    """Convert a legacy word-processor file with this run's LibreOffice now (the main process, before a
    worker reads it: the worker then finds the .docx, or the conversion's error, in the run's folder)."""
    kind = _legacy_kind(path, limits)
    if kind is not None:
        try:
            to_docx(path, sha256 or sha256_of(path), kind)
        except (InputError, OSError):  # the worker reads the same error from the run's folder, or its own
            pass


LEGACY_SUFFIXES = (".doc", ".wps", ".rtf", ".odt", ".docm", ".dotx")


def _legacy_kind(path: Path, limits: Limits) -> str | None:
    """The kind of a file LibreOffice must convert first, or None (the worker reads it, or says why not)."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
        if path.suffix.lower() not in LEGACY_SUFFIXES and not head.startswith((OLE_MAGIC, b"{\\rtf")):
            return None
        kind = sniff(path, limits)
    except (InputError, OSError):
        return None
    return kind if kind in CONVERTED_KINDS else None


def read_job(limits: Limits, path: str, sha256: str | None) -> Draft:
    """The read worker's job (worker.READ_JOB)."""
    return read_here(Path(path), limits, sha256)


def read_here(path: Path, limits: Limits, sha256: str | None = None) -> Draft:
    """Read one file in this process (the worker's side of read_draft)."""
    try:
        kind = sniff(path, limits)
        digest = sha256 or sha256_of(path)
        if (digest, limits) in _RECENT:  # read under the same bounds (under others it may read differently)
            return replace(_RECENT[(digest, limits)], path=str(path))
        draft, source = _read(path, kind, digest, limits)
        if draft.scan_pages:  # pictures of pages: OCR'd when the [ocr] extra is installed (scanread.py)
            from .scanread import complete

            draft = complete(draft, limits)
        if draft.pictures:  # pictures in a .docx or on a PDF page with text (pictures.py); `source` is the
            from .pictures import read_pictures  # file they are in (for a legacy file, LibreOffice's .docx)

            draft = read_pictures(draft, source, limits)
        draft = bounded(draft, limits)
        _RECENT[(digest, limits)] = draft
        while len(_RECENT) > _RECENT_MAX:
            _RECENT.popitem(last=False)
        return draft
    except InputError:
        raise
    except (OSError, MemoryError, RecursionError) as e:
        raise InputError(f"读取文件时出错（{type(e).__name__}）；请确认文件可以正常打开，重新保存后再放入。", "IO") from e


def _read(path: Path, kind: str, digest: str, limits: Limits) -> tuple[Draft, Path]:
    """The draft as read (its scans and pictures still to be OCR'd) and the file it was read from."""
    if kind in CONVERTED_KINDS:  # .doc/.wps/.rtf/.odt/.docm/.dotx: LibreOffice makes a plain .docx of it
        converted = to_docx(path, digest, kind)
        return _read_docx(converted, kind, digest, limits, shown=path), converted
    if kind == "docx":
        return _read_docx(path, kind, digest, limits, shown=path), path
    if kind == "ofd":
        from .ofd import read_ofd

        return read_ofd(path, digest, limits), path
    if kind == "image":
        from .scanread import read_image

        return read_image(path, digest, limits), path
    from .pdf import read_pdf

    pdf = read_pdf(path, limits.max_pages)
    return Draft(str(path), "pdf", digest, pdf.blocks, pdf.pages, None, pdf.no_text_reason, pdf.unchecked,
                 scan_pages=pdf.scans, pictures=pdf.pictures), path  # OCR'd next (read_here)


def _read_docx(path: Path, kind: str, digest: str, limits: Limits, shown: Path) -> Draft:
    from .docx import read_docx_text

    doc = read_docx_text(path, limits)
    return Draft(str(shown), kind, digest, doc.blocks, None, doc.title, _docx_no_text(doc), doc.unchecked,
                 pictures=doc.pictures)


def bounded(draft: Draft, limits: Limits) -> Draft:
    """A draft longer than any real one (millions of one-character paragraphs) is refused, never checked."""
    chars = sum(len(b.text) for b in draft.blocks)
    if len(draft.blocks) > limits.max_paragraphs or chars > limits.max_chars:
        raise InputError(
            f"文稿过长（{len(draft.blocks):,} 段、{chars:,} 字，上限 {limits.max_paragraphs:,} 段、{limits.max_chars:,} 字），"
            "疑似异常文件，未检查；请确认来源，或拆分成几个文件后再放入。", "TOO_LARGE")
    return draft


def _docx_no_text(doc) -> str | None:
    """An empty body, or a body that is mostly pasted scans (little text next to page-size pictures)."""
    body = sum(len(b.text.strip()) for b in doc.blocks if b.kind in ("para", "row"))
    if not body:
        return "Word 文档正文为空，没有可检查的文字"
    if doc.page_pictures and body < SCAN_CHARS_PER_PICTURE * doc.page_pictures:
        return (f"Word 文档正文主要是图片（{doc.page_pictures} 张整页大小的图片，可能是粘贴进来的扫描件），"
                "图片里的文字无法检查")
    return None
