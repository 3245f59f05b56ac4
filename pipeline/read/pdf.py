"""Read a .pdf into located blocks, one per visual paragraph, with wrapped CJK lines rejoined."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import Block

TERMINAL = tuple("。：；！？:;!?）)」』”")
CID = re.compile(r"\(cid:\d+\)")
CJK_CHAR = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’]"
CJK_GAP = re.compile(f"(?<={CJK_CHAR}) (?={CJK_CHAR})")
CJK_PAIR = re.compile(f"(?<={CJK_CHAR})(?={CJK_CHAR})")
SCAN_COVERAGE = 0.3  # a text-less page this much covered by pictures is a scan, not a blank page


@dataclass(frozen=True)
class PdfText:
    blocks: tuple[Block, ...]
    pages: int
    no_text_reason: str | None


@dataclass(frozen=True)
class _Line:
    text: str
    x0: float
    x1: float
    size: float | None = None
    red: bool = False


def read_pdf(path: Path, max_pages: int) -> PdfText:
    import pdfplumber  # deferred: heavy import
    from pdfminer.pdftypes import PDFException
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    broken = (PdfminerException, MalformedPDFException, PSException, PDFException, ValueError, KeyError, TypeError)
    try:
        pdf = pdfplumber.open(str(path))
    except broken as e:
        raise _open_error(e) from e
    with pdf:
        try:
            pages = pdf.pages
        except broken as e:
            raise _open_error(e) from e
        if len(pages) > max_pages:
            raise InputError(f"PDF 页数过多（{len(pages)} 页，上限 {max_pages} 页）；请拆分后再放入。", "TOO_LARGE")
        blocks, unread = _read_pages(pages, broken)
        count = len(pages)
    whole = _no_text_reason(blocks)
    if whole:
        return PdfText((), count, whole)
    return PdfText(tuple(blocks), count, _unread_reason(unread) if unread else None)


def _read_pages(pages, broken: tuple[type[Exception], ...]) -> tuple[list[Block], list[int]]:
    """The text blocks, and the pages that gave no text although something is printed on them (a scan, a
    page-size picture) or that could not be parsed: those pages were not checked."""
    blocks: list[Block] = []
    unread: list[int] = []
    for number, page in enumerate(pages, start=1):
        try:
            lines = _page_lines(page)
            if not lines and _covered_by_images(page):
                unread.append(number)
        except broken:
            unread.append(number)  # one damaged page: the rest of the file is still read
            continue
        finally:
            page.close()
        for para in _paragraphs(lines, page_width=float(page.width)):
            if para.text.strip():
                blocks.append(Block(text=para.text, location=f"第{number}页", kind="page", size=para.size, red=para.red))
    return blocks, unread


def _covered_by_images(page) -> bool:
    area = float(page.width) * float(page.height)
    covered = sum(max(0.0, float(i["x1"]) - float(i["x0"])) * max(0.0, float(i["bottom"]) - float(i["top"]))
                  for i in page.images)
    return area > 0 and covered / area >= SCAN_COVERAGE


def _unread_reason(pages: list[int]) -> str:
    return f"PDF 第{_ranges(pages)}页没有可提取的文字（可能是扫描件、图片或页面损坏），这些页无法检查"


def _ranges(numbers: list[int]) -> str:
    """[2, 3, 4, 7] → 2–4、7"""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return "、".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def _open_error(e: Exception) -> InputError:
    inner = repr(e)
    if "Password" in inner or "Encrypt" in inner:
        return InputError("PDF 设置了密码（已加密），无法读取；请取消密码或导出未加密的 PDF 后重新放入。", "ENCRYPTED")
    return InputError("PDF 文件已损坏或不完整，无法打开；请重新导出 PDF（或放入原始 .docx）后再放入。", "CORRUPT")


def _no_text_reason(blocks: list[Block]) -> str | None:
    total_chars = sum(len(b.text) for b in blocks)
    cid_chars = sum(len(m) for b in blocks for m in CID.findall(b.text))
    if not blocks:
        return "PDF 没有文字层（可能是扫描件或图片），无法检查内容"
    if total_chars and cid_chars / total_chars > 0.2:
        return "PDF 的文字层无法识别（字体未嵌入编码，提取出乱码），无法检查内容"
    return None


def _page_lines(page) -> list[_Line]:
    out = []
    for ln in page.extract_text_lines(layout=False, strip=True, return_chars=True):
        text = _unstretch(ln["text"].replace("\u3000", " "))
        if text.strip():
            first = next((c for c in ln["chars"] if c["text"].strip()), None) or {}
            size = round(float(first["size"]), 1) if first.get("size") else None
            out.append(_Line(text, float(ln["x0"]), float(ln["x1"]), size, _is_red(first.get("non_stroking_color"))))
    return out


def _unstretch(text: str) -> str:
    """A justified line stretched wide (如 有 疑 问 …) comes out with a space between every two characters;
    a line where most CJK neighbours are spaced apart is letter-spaced, and the spaces are layout."""
    spaced = len(CJK_GAP.findall(text))
    pairs = spaced + len(CJK_PAIR.findall(text))
    return CJK_GAP.sub("", text) if spaced >= 3 and spaced * 2 >= pairs else text


def _is_red(color) -> bool:
    """RGB (r, g, b) or CMYK (c, m, y, k) fill colour of the glyphs: the red of a 版头."""
    if not isinstance(color, (tuple, list)) or not all(isinstance(v, (int, float)) for v in color):
        return False
    if len(color) == 3:
        return color[0] >= 0.6 and color[1] <= 0.3 and color[2] <= 0.3
    if len(color) == 4:
        return color[1] >= 0.6 and color[2] >= 0.6 and color[0] <= 0.3 and color[3] <= 0.3
    return False


def _paragraphs(lines: list[_Line], page_width: float) -> list[_Line]:
    """Rejoin lines that a paragraph wrapped: the previous line runs to the right margin and does not
    end a sentence, and the next one starts at the left margin or is centred (a wrapped title)."""
    if not lines:
        return []
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    em = _em(lines)
    paras: list[_Line] = [lines[0]]
    for prev, ln in zip(lines, lines[1:]):
        full = prev.x0 <= left + 2.5 * em and prev.x1 >= right - 1.5 * em
        centred = abs((ln.x0 + ln.x1) / 2 - page_width / 2) < em and ln.x0 > left + 2.5 * em
        continues = (ln.x0 <= left + 0.8 * em or centred) and _same_size(prev, ln)
        if full and continues and not prev.text.rstrip().endswith(TERMINAL):
            head = paras[-1]
            paras[-1] = _Line(_join(head.text, ln.text), head.x0, ln.x1, head.size, head.red)
        else:
            paras.append(ln)
    return paras


def _same_size(a: _Line, b: _Line) -> bool:
    """A title (22 pt) and the salutation under it (16 pt), or a banner and the 文号, are never one paragraph."""
    if a.size is None or b.size is None:
        return True
    return abs(a.size - b.size) <= max(0.5, 0.05 * max(a.size, b.size))


def _em(lines: list[_Line]) -> float:
    widths = sorted((ln.x1 - ln.x0) / max(1, len(ln.text)) for ln in lines if len(ln.text) >= 4)
    return widths[len(widths) // 2] if widths else 12.0


def _join(a: str, b: str) -> str:
    # a CJK wrap has no space; a Latin word wrap gets one back
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b
