"""Stage 1 — detect and read: a file on disk becomes a Draft of located blocks, or an InputError."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import Draft
from .sniff import Limits, is_ignorable, sha256_of, sniff

__all__ = ["Limits", "read_draft", "is_ignorable", "sha256_of"]


def read_draft(path: Path, limits: Limits, sha256: str | None = None) -> Draft:
    try:
        kind = sniff(path, limits)
        digest = sha256 or sha256_of(path)
        if kind == "docx":
            from .docx import read_docx

            blocks, core_title = read_docx(path)
            reason = None if any(b.kind in ("para", "row") for b in blocks) else "Word 文档正文为空，没有可检查的文字"
            return Draft(str(path), "docx", digest, blocks, None, core_title, reason)
        from .pdf import read_pdf

        pdf = read_pdf(path, limits.max_pages)
        return Draft(str(path), "pdf", digest, pdf.blocks, pdf.pages, None, pdf.no_text_reason)
    except InputError:
        raise
    except (OSError, MemoryError, RecursionError) as e:
        raise InputError(f"读取文件时出错（{type(e).__name__}）；请确认文件可以正常打开，重新保存后再放入。", "IO") from e
