"""Read a .pdf into located blocks, one per visual paragraph, with wrapped CJK lines rejoined."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import Block, PictureRef, Unchecked
from . import budget, pdf_parts, pdf_pdfium, textlayer

TERMINAL = tuple("。：；！？:;!?）)」』”")
CJK_CHAR = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’]"
CJK_GAP = re.compile(f"(?<={CJK_CHAR}) (?={CJK_CHAR})")
CJK_PAIR = re.compile(f"(?<={CJK_CHAR})(?={CJK_CHAR})")
SCAN_COVERAGE = 0.3  # a text-less page this much covered by pictures is a scan, not a blank page
PICTURE_MIN_PT, PICTURE_MIN_AREA_PT = 14.0, 6000.0  # a picture on a text page worth OCR: a line of text fits
OUTLINE_CURVES = 200  # a text-less page drawing this many curves prints its text as glyph outlines (a web
                      # print "as image", a design export): read by OCR like a scan
NO_PAGES = "PDF 中没有找到任何页面（文件不完整或页面目录损坏），没有可检查的内容；请重新导出 PDF（或放入原始 .docx）"


@dataclass(frozen=True)
class PdfText:
    blocks: tuple[Block, ...]
    pages: int
    no_text_reason: str | None
    unchecked: tuple[Unchecked, ...] = ()
    scans: tuple[int, ...] = ()  # text-less pages covered by pictures (scans): OCR'd if it can
    pictures: tuple[PictureRef, ...] = ()  # pictures on pages with text (a pasted screenshot): OCR'd if it can


@dataclass(frozen=True)
class _Line:
    text: str
    x0: float
    x1: float
    size: float | None = None
    red: bool = False


def _broken() -> tuple[type[Exception], ...]:
    from pdfminer.pdftypes import PDFException
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    return (PdfminerException, MalformedPDFException, PSException, PDFException, ValueError, KeyError, TypeError,
            AttributeError, IndexError, AssertionError, RecursionError, EOFError, OverflowError, ZeroDivisionError)


def read_pdf(path: Path, max_pages: int) -> PdfText:
    return _read(str(path), max_pages, 0)


def read_pdf_bytes(data: bytes, depth: int, max_pages: int = 500) -> PdfText:
    """A PDF carried inside another file (an attachment, an embedded object)."""
    return _read(io.BytesIO(data), max_pages, depth)


def _read(source, max_pages: int, depth: int) -> PdfText:
    import pdfplumber  # deferred: heavy import

    broken = _broken()
    pdf = None
    try:
        pdf = pdfplumber.open(source)
        pages = pdf.pages
    except broken as e:
        _close(pdf, broken)
        fallback = pdf_pdfium.whole_file(source, e, max_pages)
        if fallback is not None:
            return fallback
        raise _open_error(e) from e
    fast = pdf_pdfium.FastPages(source, len(pages), pdf.doc)
    try:
        return _read_open(pdf, pages, max_pages, depth, broken, fast)
    finally:
        fast.close()
        _close(pdf, broken)


def _close(pdf, broken) -> None:
    try:
        if pdf is not None:
            pdf.close()
    except broken:  # closing re-raises a page-tree error met while reading: the text is read already
        pass


def _read_open(pdf, pages, max_pages: int, depth: int, broken, fast: pdf_pdfium.FastPages) -> PdfText:
    if len(pages) > max_pages:
        raise InputError(f"PDF 页数过多（{len(pages)} 页，上限 {max_pages} 页）；请拆分后再放入。", "TOO_LARGE")
    if not pages:
        return pdf_pdfium.whole_file(pdf.stream, None, max_pages) or PdfText((), 0, NO_PAGES)
    state: dict = {}
    blocks, unread, extras, unmapped = _read_pages(pages, broken, state, fast)
    scans = tuple(state.get("scans", ()))  # not the pages that failed or ran out of time: never OCR'd
    if set(scans) != set(unread):
        scans = ()  # a damaged or overtime page besides the scans: the whole reason stands, nothing is OCR'd
    body, reason = textlayer.judge(blocks, unmapped)
    unchecked: list[Unchecked] = []
    extras += _doc_parts(pdf.doc, state, depth, unchecked, broken)
    xfa = _xfa(pdf.doc, broken)
    if xfa is not None and (not body or reason or _placeholder(body)):
        # an XFA form: the page only says "Please wait…"; the form's words are in the XFA packets
        body = [Block(text=t, location=f"XFA 表单第{i}行", part="xfa") for i, t in enumerate(xfa, start=1)]
        reason = None if xfa else (
            "PDF 是 XFA 动态表单，页面上只有占位文字（如 Please wait…），表单内容无法读取，无法检查")
        unread = []
        scans = ()
    elif xfa:
        extras += [Block(text=t, location=f"XFA 表单第{i}行", kind="aside", part="xfa") for i, t in enumerate(xfa, 1)]
    if not body and reason is None:
        reason = "PDF 没有文字层（可能是扫描件或图片），无法检查内容"
    if reason:  # scanned pages of a PDF with no text at all are OCR'd; a garbled text layer is not
        return PdfText(tuple(extras), len(pages), reason, tuple(unchecked), () if body else scans)
    return PdfText(tuple(body + extras), len(pages), _unread_reason(unread) if unread else None, tuple(unchecked),
                   scans, tuple(state.get("pictures", ())))


def _placeholder(body: list[Block]) -> bool:
    return sum(len(b.text) for b in body) < 1500 and any(pdf_parts.is_placeholder(b.text) for b in body)


def _doc_parts(doc, state: dict, depth: int, unchecked: list[Unchecked], broken) -> list[Block]:
    out: list[Block] = []
    for reader in (pdf_parts.form_blocks, pdf_parts.info_blocks,
                   lambda d: pdf_parts.attachment_blocks(d, state.get("file_annots", []), depth, unchecked)):
        try:
            out.extend(reader(doc))
        except broken:
            continue  # a damaged optional object: the rest is still read
    return out


def _xfa(doc, broken) -> list[str] | None:
    try:
        return pdf_parts.xfa_text(doc)
    except broken:
        return []


def _read_pages(pages, broken, state: dict, fast: pdf_pdfium.FastPages
                ) -> tuple[list[Block], list[int], list[Block], float]:
    """The text blocks (the middle pages of a long file through PDFium where it can: pdf_pdfium.py), the pages that gave no text although something is printed on them (a scan, a
    page-size picture, text drawn as outlines) or that could not be parsed — those pages were not checked —, the annotations,
    and the share of characters drawn in fonts without a mapping to Unicode."""
    blocks: list[Block] = []
    extras: list[Block] = []
    unread: list[int] = []
    chars = unmapped = 0
    for number, page in enumerate(pages, start=1):
        try:
            with budget.page():  # a page that takes too long is not checked, the rest of the file is
                lines, n, bad, images = fast.read(number, page) or _page_lines(page)
                chars += n
                unmapped += bad
                if not lines and (_covered_by_images(page, images) or len(page.curves) >= OUTLINE_CURVES):
                    unread.append(number)
                    state.setdefault("scans", []).append(number)
                elif lines:
                    state.setdefault("pictures", []).extend(_pictures(images, number))
                extras.extend(pdf_parts.annotation_blocks(page, number, state))
        except (*broken, budget.PageOvertime):
            unread.append(number)  # one damaged page: the rest of the file is still read
            continue
        finally:
            page.close()
        for para in _paragraphs(lines, page_width=float(page.width)):
            if para.text.strip():
                blocks.append(Block(text=para.text, location=f"第{number}页", kind="page", size=para.size, red=para.red))
    return blocks, unread, extras, (unmapped / chars if chars else 0.0)


def _pictures(images: list[dict], number: int) -> list[PictureRef]:
    """The pictures of a page with text that could hold a line of it (not a bullet, a logo or a rule)."""
    out: list[PictureRef] = []
    for i in images:
        x0, top, x1, bottom = (float(i[k]) for k in ("x0", "top", "x1", "bottom"))
        if min(x1 - x0, bottom - top) >= PICTURE_MIN_PT and (x1 - x0) * (bottom - top) >= PICTURE_MIN_AREA_PT:
            out.append(PictureRef(f"第{number}页·图片{len(out) + 1}", page=number, box=i["user"]))
    return out


def _covered_by_images(page, images: list[dict]) -> bool:
    area = float(page.width) * float(page.height)
    covered = sum(max(0.0, float(i["x1"]) - float(i["x0"])) * max(0.0, float(i["bottom"]) - float(i["top"]))
                  for i in images)
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


def encrypted() -> InputError:
    return InputError("PDF 设置了打开密码（已加密），无法读取；请取消密码或导出未加密的 PDF 后重新放入。", "ENCRYPTED")


def _open_error(e: Exception) -> InputError:
    inner = repr(e)
    if "Password" in inner or "Encrypt" in inner:
        return encrypted()
    return InputError("PDF 文件已损坏或不完整，无法打开；请重新导出 PDF（或放入原始 .docx）后再放入。", "CORRUPT")


def _page_lines(page, harvested=None) -> tuple[list[_Line], int, int, list[dict]]:
    """The lines of a page (fake-bold doubles removed: a glyph printed 2–4 times over itself to look bold),
    its character count, how many of them are drawn in fonts without a mapping to Unicode, and its images.
    `harvested`: PDFium's characters, images and how to learn a character's size and fill colour (asked of
    the first character of each line only); default pdfminer's (_objects). PDFium only reads pages whose
    fonts are all mapped (pdf_pdfium._plain_page), so none of its characters is counted as unmapped."""
    from pdfplumber.utils import chars_to_textmap

    chars, images, style = harvested or (*_objects(page), _style)
    chars = _without_doubles(chars)
    without = set() if harvested else _unmapped_fonts(page)
    textmap = chars_to_textmap(chars, layout=False, layout_bbox=page.bbox, layout_width=page.width,
                               layout_height=page.height)
    out = []
    bad = 0
    for ln in textmap.extract_text_lines(strip=True, return_chars=True):
        if without:
            bad += sum(1 for c in ln["chars"] if c.get("fontname") in without)
        text = _unstretch(ln["text"].replace("\u3000", " "))
        if text.strip():
            first = next((c for c in ln["chars"] if c["text"].strip()), None) or {}
            size, color = style(first)
            out.append(_Line(text, float(ln["x0"]), float(ln["x1"]), round(size, 1) if size else None, _is_red(color)))
    return out, len(chars), bad, images


def _style(char: dict) -> tuple[float | None, object]:
    size = char.get("size")
    return (float(size) if size else None), char.get("non_stroking_color")


def _objects(page) -> tuple[list[dict], list[dict]]:
    """The characters and images of a page, as pdfplumber's Page.chars / Page.images would give them, taken
    straight from pdfminer's layout: pdfplumber turns every object of the page (each curve and rectangle
    too) into a dict of all its attributes, which costs as much as parsing the page (an 113-page report
    took 11 s)."""
    from pdfminer.layout import LTChar, LTContainer, LTImage

    mb_x0, mb_top = page.mediabox[:2]
    height, doctop = float(page.height), float(page.initial_doctop)
    chars: list[dict] = []
    images: list[dict] = []
    stack = [iter(page.layout._objs)]
    while stack:
        for obj in stack[-1]:
            if isinstance(obj, LTChar):
                top = height - obj.y1 + mb_top
                color = obj.graphicstate.ncolor
                name = obj.fontname
                chars.append({
                    "object_type": "char", "text": obj.get_text(), "fontname": name.decode("latin-1")
                    if isinstance(name, bytes) else name, "size": obj.size, "upright": obj.upright,
                    "x0": obj.x0 + mb_x0, "x1": obj.x1 + mb_x0, "top": top, "bottom": height - obj.y0 + mb_top,
                    "doctop": doctop + top, "width": obj.width, "height": obj.height, "matrix": obj.matrix,
                    "non_stroking_color": color if isinstance(color, tuple) else (color,)})
            elif isinstance(obj, LTImage):
                images.append({"x0": obj.x0 + mb_x0, "x1": obj.x1 + mb_x0, "top": height - obj.y1 + mb_top,
                               "bottom": height - obj.y0 + mb_top, "user": _user_box(page.page_obj, obj.bbox)})
            elif isinstance(obj, LTContainer):
                stack.append(iter(obj._objs))
                break
        else:
            stack.pop()
    return chars, images


def _user_box(page, box) -> tuple[float, float, float, float]:
    """A box of pdfminer's layout (the page turned by its /Rotate, the MediaBox's corner at 0, 0) in the
    PDF's own coordinates (user space, y up): pdfminer's page matrix (PDFPageInterpreter.process_page) undone."""
    (x0, y0, x1, y1), (mx0, my0, mx1, my1) = box, page.mediabox
    rotate = page.rotate % 360
    if rotate == 90:
        return mx1 - y1, x0 + my0, mx1 - y0, x1 + my0
    if rotate == 180:
        return mx1 - x1, my1 - y1, mx1 - x0, my1 - y0
    if rotate == 270:
        return y0 + mx0, my1 - x1, y1 + mx0, my1 - x0
    return x0 + mx0, y0 + my0, x1 + mx0, y1 + my0


def _without_doubles(chars: list[dict], tolerance: float = 1.0) -> list[dict]:
    """Fake bold: the same glyph drawn 2–4 times within a point of itself. pdfplumber's dedupe_chars does
    this but in quadratic time (membership tests on a list: 70 s on a 40-page report); this is the same rule
    — same text and font, within `tolerance` — in one pass over a grid of 1-point cells."""
    seen: set[tuple] = set()
    hits = 0
    for c in chars:  # most pages have no doubles at all: find out with one cheap pass
        key = (c["text"], int(c["x0"]), int(c["top"]))
        hits += key in seen
        seen.add(key)
    if hits < 2:
        return chars
    grid: dict[tuple, list[dict]] = {}
    out: list[dict] = []
    for c in chars:
        x, y = c["x0"], c["top"]
        key = (c["text"], c["fontname"])
        gx, gy = int(x // tolerance), int(y // tolerance)
        twin = c["text"].strip() and any(
            abs(k["x0"] - x) <= tolerance and abs(k["top"] - y) <= tolerance
            for dx in (-1, 0, 1) for dy in (-1, 0, 1) for k in grid.get((*key, gx + dx, gy + dy), ()))
        if not twin:
            grid.setdefault((*key, gx, gy), []).append(c)
            out.append(c)
    return out


def _unmapped_fonts(page) -> set[str]:
    """Names of the page's TrueType fonts that carry no mapping to Unicode at all: no /ToUnicode, no /Encoding,
    symbolic and embedded (their codes are glyph numbers, so the extracted letters are not the text)."""
    from pdfminer.pdftypes import resolve1

    out: set[str] = set()
    resources = resolve1(getattr(page.page_obj, "resources", None)) or {}
    fonts = resolve1(resources.get("Font")) if isinstance(resources, dict) else None
    for font in (fonts or {}).values() if isinstance(fonts, dict) else ():
        font = resolve1(font)
        if not isinstance(font, dict) or "ToUnicode" in font or font.get("Encoding") is not None:
            continue
        desc = resolve1(font.get("FontDescriptor")) or {}
        subtype = pdf_parts.text_of(font.get("Subtype"))
        flags = resolve1(desc.get("Flags")) if isinstance(desc, dict) else None
        embedded = isinstance(desc, dict) and any(k in desc for k in ("FontFile", "FontFile2", "FontFile3"))
        if subtype == "TrueType" and isinstance(flags, int) and flags & 4 and embedded:  # Type1 has its own encoding
            name = font.get("BaseFont")
            name = getattr(name, "name", name)
            out.add(name.decode("latin-1") if isinstance(name, bytes) else str(name))
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
