"""Decide what a file really is before any parser touches it, and enforce the size limits.

Every refusal is an InputError with a Chinese message that says what is wrong and what to do.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import InputError
from . import oddkinds
from .limits import Limits
from .safezip import SafeZip

__all__ = ["Limits", "is_ignorable", "sha256_of", "sniff"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
SUFFIXES = (".docx", ".pdf", ".doc", ".wps", ".docm", ".dotx", ".rtf", ".odt", ".ofd") + IMAGE_SUFFIXES
ODT_MIME = b"application/vnd.oasis.opendocument.text"


def is_ignorable(name: str) -> bool:
    """Office / WPS / LibreOffice lock and temp files and system files: never drafts."""
    lower = name.lower()
    return (
        name.startswith("~$")
        or name.startswith(".~lock.")
        or (lower.startswith("~wrl") and lower.endswith(".tmp"))
        or lower.endswith(".tmp")
        or lower in {"thumbs.db", "desktop.ini", ".ds_store"}
        or name.startswith(".")
    )


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sniff(path: Path, limits: Limits) -> str:
    """Return the kind to read — docx | pdf | doc | wps | rtf | odt | docm | dotx | ofd | image — or raise
    InputError saying why the file cannot be checked."""
    if path.name.startswith("~$") or path.name.startswith(".~lock."):
        raise InputError("这是 Office/WPS 打开文档时产生的临时锁文件，不是文稿，无需处理；请放入正式文件。", "LOCK_FILE")
    size = path.stat().st_size
    if size == 0:
        raise InputError("文件是空的（0 字节），可能复制未完成或保存失败；请重新保存后再放入。", "EMPTY")
    if size > limits.max_bytes:
        raise InputError(
            f"文件过大（{size / 1048576:.1f} MB，上限 {limits.max_bytes / 1048576:.0f} MB）；"
            "请压缩图片或拆分后再放入。",
            "TOO_LARGE",
        )
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        with path.open("rb") as f:
            oddkinds.refuse_by_suffix(suffix, f.read(4096))
        raise InputError(
            f"不支持的文件类型（{suffix or '无扩展名'}）；能检查的是 Word（.docx/.doc/.wps/.docm/.dotx）、.rtf、.odt、PDF、OFD 文稿和扫描图片（.jpg/.png/.tif），请另存为其中一种后重新放入。",
            "UNSUPPORTED",
        )
    with path.open("rb") as f:
        head = f.read(1024)
    if head.startswith(OLE_MAGIC):
        return _refuse_ole(path, suffix)
    if head.startswith(ZIP_MAGIC):
        names = _check_zip(path, limits)
        if "OFD.xml" in names:
            return "ofd"
        if "content.xml" in names and _zip_mimetype(path, limits) == ODT_MIME:
            return "odt"
        if "word/document.xml" not in names:
            oddkinds.refuse_by_parts(names, suffix)  # an Excel or PowerPoint package under another name
        if "word/document.xml" not in names and "_rels/.rels" not in names:  # the main part may be elsewhere:
            # the reader follows _rels/.rels to it, and says NOT_A_DOCUMENT when there is none
            raise InputError("这个压缩包不是 Word 文档（缺少正文部分）；请用 Word 另存为 .docx 后再放入。", "NOT_A_DOCUMENT")
        if suffix == ".pdf":
            raise InputError("文件扩展名是 .pdf，但内容是 Word 文档；请改回 .docx 扩展名后再放入。", "WRONG_EXTENSION")
        return suffix[1:] if suffix in (".docm", ".dotx") else "docx"
    if head.startswith(IMAGE_MAGIC) and suffix in IMAGE_SUFFIXES:
        return "image"
    if head.startswith(b"{\\rtf") and suffix in (".rtf", ".doc", ".wps"):
        return "rtf"  # Word and WPS also save RTF under a .doc name
    if PDF_MAGIC in head[:1024]:
        if suffix == ".docx":
            raise InputError("文件扩展名是 .docx，但内容是 PDF；请改回 .pdf 扩展名后再放入。", "WRONG_EXTENSION")
        return "pdf"
    return _refuse_other(head, suffix)


ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def _is_encrypted_ooxml(path: Path) -> bool:
    """An encrypted .docx is an OLE container holding an EncryptedPackage stream; a legacy .doc is not."""
    with path.open("rb") as f:
        tail = b""
        for chunk in iter(lambda: f.read(1 << 20), b""):
            if ENCRYPTED_STREAM in tail + chunk:
                return True
            tail = chunk[-len(ENCRYPTED_STREAM):]
    return False


def _refuse_ole(path: Path, suffix: str) -> str:
    if _is_encrypted_ooxml(path):
        raise InputError(
            "这个 Word 文件设置了打开密码（已加密），无法读取；请在 Word 中取消密码后另存为 .docx 再放入。",
            "ENCRYPTED",
        )
    return "wps" if suffix == ".wps" else "doc"  # a legacy file renamed .docx is converted all the same


def _refuse_other(head: bytes, suffix: str) -> str:
    oddkinds.refuse_flat_opc(head)
    text = head.lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:200]:
        kind = "网页（HTML）"
    elif text.startswith(b"{\\rtf"):
        kind = "RTF 文档"
    else:
        kind = "纯文本或其他格式"
    if suffix in (".docx", ".pdf"):
        raise InputError(
            f"文件扩展名是 {suffix}，但内容其实是{kind}，不是真正的 {suffix[1:].upper()} 文件；"
            "请用 Word 打开原稿，另存为 .docx 或导出为 PDF 后重新放入。",
            "NOT_A_DOCUMENT",
        )
    raise InputError(
        f"不支持的文件类型（{suffix or '无扩展名'}）；能检查的是 Word（.docx/.doc/.wps/.docm/.dotx）、.rtf、.odt、PDF、OFD 文稿和扫描图片（.jpg/.png/.tif），请另存为其中一种后重新放入。",
        "UNSUPPORTED",
    )


def _zip_mimetype(path: Path, limits: Limits) -> bytes:
    with SafeZip(path, limits, what="OpenDocument 文件") as z:
        return z.read("mimetype").strip() if z.has("mimetype") else b""


def _check_zip(path: Path, limits: Limits) -> set[str]:
    """Refuse truncated archives and declared zip bombs before anything is inflated (the parts
    themselves are inflated under caps by the reader: see safezip); the member names."""
    with SafeZip(path, limits) as z:
        return set(z.names)
