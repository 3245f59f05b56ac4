"""Scans and photos: pictures of pages read by OCR (the optional extra `pip install 'gongkai[ocr]'`:
rapidocr-onnxruntime, whose wheel ships the Chinese PP-OCR models, so nothing is downloaded at run time).

Reusable image intake: `load_images` (a .jpg/.png/.tif file, bounded, EXIF-rotated, one picture per
TIFF frame), `render_pdf_pages` (PDF pages as pictures) and `recognise` (one picture → located lines
with a box per character). The check reads OCR text like any other; every block it gives is located
“…（识别自扫描件）”, and the draft records which pages were OCR'd (the OCR_TEXT gate).
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import OCR_EVIDENCE, Block, Draft
from .pdf import _Line, _paragraphs

EXTRA = "pip install 'gongkai[ocr]'"
MARK = OCR_EVIDENCE
RENDER_DPI = 200  # PDF pages are rendered for OCR at this resolution
MAX_SIDE = 3500  # a larger photo is scaled down first (a phone's 12 MP picture stays legible)
MAX_PIXELS = 60_000_000  # refuse pictures beyond this before decoding them (decompression bombs)
OCR_SIDE = 1280  # rapidocr works on the picture scaled to this longest side (A4 ≈ 110 dpi): half the time of
                 # its default 2000 with the same text on 150–300 dpi pages; boxes come back in picture pixels
BoxT = tuple[float, float, float, float]


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: BoxT  # x0, y0, x1, y1 in picture pixels
    chars: tuple[BoxT, ...]  # one box per character of text where OCR gives them, else ()
    score: float


@dataclass(frozen=True)
class OcrPage:
    width: int
    height: int
    lines: tuple[OcrLine, ...]


_AVAILABLE: bool | None = None


def available() -> bool:
    """Whether the [ocr] extra can be imported here (looked up once per process, on the first scan)."""
    global _AVAILABLE
    if _AVAILABLE is None:
        try:
            import rapidocr_onnxruntime  # noqa: F401
            _AVAILABLE = True
        except ImportError:
            _AVAILABLE = False
    return _AVAILABLE


_ENGINE = None


def engine():
    """One OCR engine per process (loading the models takes ~0.4 s)."""
    global _ENGINE
    if _ENGINE is None:
        from rapidocr_onnxruntime import RapidOCR

        _ENGINE = RapidOCR(max_side_len=OCR_SIDE)
    return _ENGINE


# The OCR of the last pages read, by (sha256, page): ingest OCRs a scan to check it, and the scan's 公开稿
# needs the same boxes a moment later.
_PAGES: OrderedDict[tuple[str, int], OcrPage] = OrderedDict()
_PAGES_MAX = 32


def recognise_cached(key: tuple[str, int], image) -> OcrPage:
    if key in _PAGES:
        _PAGES.move_to_end(key)
        return _PAGES[key]
    page = recognise(image)
    _PAGES[key] = page
    while len(_PAGES) > _PAGES_MAX:
        _PAGES.popitem(last=False)
    return page


def recognise(image) -> OcrPage:
    """OCR one PIL picture: its lines top to bottom, each with its box and one box per character."""
    import numpy as np

    rgb = image.convert("RGB")
    result, _ = engine()(np.asarray(rgb), return_word_box=True)
    lines = []
    for item in result or ():
        quad, text, score = item[0], str(item[1]), float(item[2])
        words = item[3] if len(item) > 3 else []
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        box = (min(xs), min(ys), max(xs), max(ys))
        chars = tuple(_bbox(w) for w in words) if len(words) == len(text) else ()
        if text.strip():
            lines.append(OcrLine(_tidy(text), box, chars, score))
    lines.sort(key=lambda ln: (ln.box[1], ln.box[0]))
    return OcrPage(rgb.width, rgb.height, tuple(lines))


# OCR reads the closing 〕 of a 发文字号 as ］/] (and the opening one as ［/[) — never what the scan says
_BRACKETS = [(re.compile(r"〔(\d{4})[］\]]"), r"〔\1〕"), (re.compile(r"[［\[](\d{4})〕"), r"〔\1〕")]


def _tidy(text: str) -> str:
    """One for one character replacements only: the per-character boxes stay aligned with the text."""
    for pattern, repl in _BRACKETS:
        text = pattern.sub(repl, text)
    return text


def _bbox(quad) -> BoxT:
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    return (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))


def char_boxes(line: OcrLine) -> tuple[BoxT, ...]:
    """A box per character: OCR's own, or the line split in proportion (a half-width digit is half a CJK cell)."""
    if line.chars:
        return line.chars
    weights = [0.5 if ch.isascii() else 1.0 for ch in line.text]
    total = sum(weights) or 1.0
    x0, y0, x1, y1 = line.box
    out, at = [], x0
    for w in weights:
        step = (x1 - x0) * w / total
        out.append((at, y0, at + step, y1))
        at += step
    return tuple(out)


# ------------------------------------------------------------------ pictures in
def load_images(path: Path, max_pages: int) -> list:
    """The pages of a picture file (TIFF: one per frame), upright (EXIF), at most MAX_SIDE pixels long."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(path) as im:
            if im.width * im.height > MAX_PIXELS:
                raise InputError(f"图片过大（{im.width}×{im.height} 像素）；请以 300 dpi 以下重新扫描后再放入。", "TOO_LARGE")
            frames = getattr(im, "n_frames", 1)
            if frames > max_pages:
                raise InputError(f"图片页数过多（{frames} 页，上限 {max_pages} 页）；请拆分后再放入。", "TOO_LARGE")
            pages = []
            for n in range(frames):
                im.seek(n)
                page = ImageOps.exif_transpose(im.convert("RGB") if im.mode not in ("RGB", "L") else im.copy())
                if max(page.size) > MAX_SIDE:
                    page.thumbnail((MAX_SIDE, MAX_SIDE))
                pages.append(page)
            return pages
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as e:
        if isinstance(e, InputError):
            raise
        raise InputError("图片文件已损坏或无法识别，无法读取；请重新扫描或拍照，保存为 .jpg/.png/.tif 后再放入。",
                         "CORRUPT") from e


def render_pdf_pages(path: Path, pages: list[int] | None = None, dpi: int = RENDER_DPI) -> dict[int, object]:
    """PDF pages (1-based; all when None) as PIL pictures."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        numbers = pages if pages is not None else list(range(1, len(doc) + 1))
        return {n: doc[n - 1].render(scale=dpi / 72).to_pil().convert("RGB") for n in numbers}
    finally:
        doc.close()


# ------------------------------------------------------------------ drafts out
def page_blocks(page: OcrPage, number: int) -> list[Block]:
    """OCR lines → paragraphs (a wrapped line rejoined as for a PDF), located 第N页（识别自扫描件）."""
    rows: list[list[OcrLine]] = []
    for ln in page.lines:  # boxes side by side on one text line become one line
        if rows and _same_row(rows[-1][-1], ln):
            rows[-1].append(ln)
        else:
            rows.append([ln])
    lines = []
    for row in rows:
        row.sort(key=lambda ln: ln.box[0])
        text = re.sub(r"\s+", " ", " ".join(ln.text for ln in row)).strip()
        lines.append(_Line(text, row[0].box[0], row[-1].box[2], None, False))
    where = f"第{number}页{MARK}"
    return [Block(p.text, where, "page") for p in _paragraphs(lines, float(page.width))]


def _same_row(a: OcrLine, b: OcrLine) -> bool:
    top, bottom = max(a.box[1], b.box[1]), min(a.box[3], b.box[3])
    return bottom - top > 0.5 * min(a.box[3] - a.box[1], b.box[3] - b.box[1]) and b.box[0] >= a.box[2] - 2


def missing_extra_reason(what: str) -> str:
    return f"{what}，未安装文字识别（OCR）组件，无法识别其中的文字（安装：{EXTRA}）"


def read_image(path: Path, digest: str, limits) -> Draft:
    """A scanned page or a photo of one (.jpg/.jpeg/.png/.tif/.tiff), decoded under the read worker's
    bounds; its pages are OCR'd afterwards by `complete`, in the calling process."""
    pictures = load_images(path, limits.max_pages)
    return Draft(str(path), "image", digest, (), len(pictures), None, missing_extra_reason("这是扫描图片"),
                 scan_pages=tuple(range(1, len(pictures) + 1)))


def complete(draft: Draft, limits) -> Draft:
    """OCR the pages the reader found to be pictures (every page of an image file, the text-less pages of a
    PDF; pages with text are never OCR'd). Runs outside the read worker: the OCR models' runtime reserves
    far more address space than the worker's per-file cap allows, on pictures already decoded and bounded."""
    from dataclasses import replace

    from .pdf import _ranges

    pages = draft.scan_pages
    draft = replace(draft, scan_pages=())
    if not available():
        if draft.format == "pdf" and draft.no_text_reason:
            draft = replace(draft, no_text_reason=f"{draft.no_text_reason}（安装文字识别组件后可自动识别：{EXTRA}）")
        return draft
    if draft.format == "image":
        pictures = dict(enumerate(load_images(Path(draft.path), limits.max_pages), start=1))
    else:
        pictures = render_pdf_pages(Path(draft.path), list(pages))
    by_page = {n: page_blocks(recognise_cached((draft.sha256, n), pictures[n]), n) for n in pages}
    read = tuple(n for n in pages if by_page[n])
    still = [n for n in pages if not by_page[n]]
    blocks = sorted([*draft.blocks, *(b for bs in by_page.values() for b in bs)], key=lambda b: _page_of(b.location))
    what = "图片" if draft.format == "image" else "PDF"
    if not any(b.kind == "page" for b in blocks):
        reason = f"{what}中没有文字层，扫描页中也没有识别出文字（可能太模糊、太暗或不是文稿），无法检查内容"
    elif still:
        reason = f"{what}第{_ranges(still)}页没有文字，也没有识别出文字（可能是图片或页面损坏），这些页无法检查"
    else:
        reason = None
    return replace(draft, blocks=tuple(blocks), no_text_reason=reason, ocr_pages=read)


def _page_of(location: str) -> int:
    m = re.match(r"第(\d+)页", location)
    return int(m.group(1)) if m else 0
