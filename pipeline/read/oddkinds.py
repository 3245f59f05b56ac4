"""Accurate refusals for files that are documents, but not ones gongkai reads: Word's single-file XML
(Flat OPC), Excel/PowerPoint packages, macro templates (an OFD is read: read/ofd.py).
Each says what the file is and how to make a .docx or .pdf of it — never 文件内容损坏."""
from __future__ import annotations

from ..errors import InputError

FLAT_OPC = ("这是 Word 的“XML 文档”格式（单个 .xml 文件，Flat OPC），不是 .docx；请用 Word 打开它，"
            "“另存为”选择“Word 文档（*.docx）”后重新放入。")
MACRO_TEMPLATE = "这是含宏的 Word 模板（.dotm），不是文稿；请用 Word 打开，“另存为” .docx（不含宏）后重新放入。"
PACKAGES = {"xl/": " Excel 表格", "ppt/": " PowerPoint 演示文稿"}


def refuse_by_suffix(suffix: str, head: bytes) -> None:
    """For a suffix gongkai does not read: raise the accurate error when the file is a known kind."""
    if suffix == ".xml" and is_flat_opc(head):
        raise InputError(FLAT_OPC, "FLAT_OPC")
    if suffix == ".dotm":
        raise InputError(MACRO_TEMPLATE, "MACRO_TEMPLATE")


def refuse_by_parts(names: set[str], suffix: str) -> None:
    """A zip that is not a Word package: an Excel or PowerPoint file under another name."""
    for prefix, kind in PACKAGES.items():
        if any(n.startswith(prefix) for n in names):
            raise InputError(f"这是{kind}，不是 Word 文稿；请把要公开的内容放进 Word 文档，另存为 .docx 或导出为 PDF 后放入。",
                             "NOT_A_DOCUMENT")


def is_flat_opc(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<?xml") and (b"pkg:package" in text or b"progid=\"word.document\"" in text)


def refuse_flat_opc(head: bytes) -> None:
    if is_flat_opc(head):
        raise InputError(FLAT_OPC, "FLAT_OPC")
