"""Scans and photos: pictures of pages read by OCR (the optional extra `pip install 'gongkai[ocr]'`:
rapidocr-onnxruntime, whose wheel ships the Chinese PP-OCR models, so nothing is downloaded at run time).

Reusable image intake: `load_images` (a .jpg/.png/.tif file, bounded, EXIF-rotated, one picture per
TIFF frame), `render_pdf_pages` (PDF pages as pictures) and `recognise` (one picture → located lines
with a box per character). All of it runs in the read worker (worker.py), under its memory and time
bounds; scanread.py turns the pages of a draft into OCR text.

Pixels are bounded before anything is decoded: a PDF page is rendered at RENDER_DPI or, when that would
exceed `max_ocr_pixels`, at the dpi that fits (a 3 m poster page or a 35000² mono image becomes a 2000²
picture: pdfium decodes the image scanline by scanline into the small bitmap); a JPEG is decoded at a
reduced DCT scale, other pictures are refused above MAX_PIXELS and scaled down after decoding.

Speed: text is found (DBNet) on the picture scaled down to DET_PIXELS, and each line is read (SVTR) from a crop
of the full picture: the detector's cost falls with its input, the reader's does not depend on the
resolution (every line is scaled to 48 px high), and it reads a sharper crop.
"""
from __future__ import annotations

import math
import re
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import OCR_EVIDENCE, Block
from .pdf import _Line, _paragraphs

EXTRA = "pip install 'gongkai[ocr]'"
MARK = OCR_EVIDENCE
RENDER_DPI = 200  # PDF pages are rendered for OCR (and for a scan's 公开稿) at this resolution at most
MAX_PIXELS = 60_000_000  # refuse pictures beyond this before decoding them (decompression bombs)
MAX_SIDE = 3500  # a picture inside a document (pictures.py) is scaled down to this longest side first
DET_PIXELS = 800_000  # the text detector works on the picture scaled to at most this many pixels (A4: 1064×752,
                      # 91 dpi; 12 pt text is still found), never enlarged: its memory (~150 MB) and time grow
                      # with the area
TEXT_SCORE = 0.5  # lines read with less confidence are dropped (rapidocr's own default)
OCR_THREADS = 2  # onnxruntime threads per session, without spin-waiting: a spinning thread on two cores
                 # shared with the checker and other programs doubled the wall time under load
REC_CHUNK = 12  # text lines read per step between looks at the page's clock
REC_BATCH = 2  # lines per reader call: rapidocr's 6 pads every line to the widest of six and holds ~300 MB
               # more at its peak, for no gain in speed on two cores
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
    unread: int = 0  # text lines found but not read within the page's time (from the bottom of the page up)


_AVAILABLE: bool | None = None


def available() -> bool:
    """Whether the [ocr] extra can be imported here (looked up once per process, on the first scan; in the
    read worker outside the file's memory bound: onnxruntime's import alone maps hundreds of MB)."""
    global _AVAILABLE
    if _AVAILABLE is None:
        from .worker import outside_memory_bound

        def load() -> bool:
            try:
                import rapidocr_onnxruntime  # noqa: F401
                return True
            except ImportError:
                return False

        _AVAILABLE = outside_memory_bound(load)
    return _AVAILABLE


_ENGINE = None


def engine():
    """One OCR engine per process (loading the models takes ~0.5 s and ~130 MB). In the read worker the
    models are loaded outside the file's memory bound (they are the program's, not the file's)."""
    global _ENGINE
    if _ENGINE is None:
        from .worker import outside_memory_bound

        def load():
            from rapidocr_onnxruntime import RapidOCR

            ocr = RapidOCR(intra_op_num_threads=1)  # sessions replaced next, with our options
            _own_session(ocr.text_det.infer, OCR_THREADS, arena=True)
            for infer in (ocr.text_cls.infer, ocr.text_rec.session):
                _own_session(infer, OCR_THREADS, arena=False)
            ocr.text_rec.rec_batch_num = REC_BATCH
            # the detector's own sizing ("min side at least 736") would scale a 2400×400 banner up to
            # 4400×736 (3 MP, over a GB): it gets the picture recognise() sized, never enlarged
            ocr.text_det.limit_type, ocr.text_det.limit_side_len = "max", 1 << 20
            return ocr

        _ENGINE = outside_memory_bound(load)
    return _ENGINE


# The OCR of the last pages read, by (sha256, page, pixel budget) or (picture sha256, 0): ingest OCRs a scan to check it, and its 公开稿
# needs the same boxes a moment later.
_PAGES: OrderedDict[tuple, OcrPage] = OrderedDict()
_PAGES_MAX = 32


def recognise_cached(key: tuple, image, deadline: float | None = None,
                     clock=time.process_time) -> OcrPage:
    """recognise, remembered by (sha256, page) when the page was read to the end."""
    if key in _PAGES:
        _PAGES.move_to_end(key)
        return _PAGES[key]
    page = recognise(image, deadline, clock)
    if page.unread:
        return page
    _PAGES[key] = page
    while len(_PAGES) > _PAGES_MAX:
        _PAGES.popitem(last=False)
    return page


def recognise(image, deadline: float | None = None, clock=time.process_time) -> OcrPage:
    """OCR one PIL picture: its lines top to bottom, each with its box and one box per character (in the
    picture's pixels). rapidocr's detector, direction classifier and reader, called one by one so that
    detection runs on a small copy and reading on the full picture (see the module's docstring). Lines are
    read REC_CHUNK at a time from the top of the page; past `deadline` (clock()) the rest are left unread
    and counted in `unread` (the title, 文号 and any secrecy mark, at the top, are read first)."""
    import cv2
    import numpy as np

    rgb = np.asarray(image.convert("RGB"))
    ocr = engine()
    h, w = rgb.shape[:2]
    scale = min(1.0, math.sqrt(DET_PIXELS / max(h * w, 1)))
    small = rgb if scale == 1.0 else cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))),
                                                 interpolation=cv2.INTER_AREA)
    found, _ = ocr.text_det(small)
    del small
    give_back_memory()  # the detector's peak, before the reader's
    boxes = [np.asarray(b, dtype=np.float32) / scale for b in ocr.sorted_boxes(found)] if found is not None else []
    lines: list[OcrLine] = []
    done = 0
    while done < len(boxes) and (deadline is None or done == 0 or clock() < deadline):
        chunk = boxes[done:done + REC_CHUNK]
        lines += _read_lines(ocr, rgb, chunk)
        done += len(chunk)
    lines.sort(key=lambda ln: (ln.box[1], ln.box[0]))
    give_back_memory()
    return OcrPage(w, h, tuple(lines), len(boxes) - done)


def _read_lines(ocr, rgb, boxes: list) -> list[OcrLine]:
    h, w = rgb.shape[:2]
    crops = ocr.get_crop_img_list(rgb, boxes)
    if ocr.use_cls:
        crops, _, _ = ocr.text_cls(crops)
    read, _ = ocr.text_rec(crops, True)
    out = []
    for quad, item in zip(boxes, ocr.cal_rec_boxes(crops, boxes, read)):
        text, score, words = str(item[0]), float(item[1]), item[2]
        if score < TEXT_SCORE or not text.strip():
            continue
        xs, ys = quad[:, 0].clip(0, w), quad[:, 1].clip(0, h)
        chars = tuple(_bbox(q) for q in words) if len(words) == len(text) else ()
        out.append(OcrLine(_tidy(text), (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())),
                           chars, score))
    return out


def _own_session(infer, threads: int, arena: bool) -> None:
    """rapidocr's onnxruntime session again, with our options: `threads` threads that sleep rather than
    spin when idle. The detector runs in onnxruntime's memory arena, shrunk back after every run: without
    the arena each of its tensors is a malloc of its own, and glibc's heap grew to 400–560 MB on a 4 MP
    picture (varying run to run); with it, ~130 MB above the models, given back. No memory pattern: a
    plan per input shape. The reader stays without an arena: its inputs vary in width line by line."""
    import onnxruntime as ort

    path = getattr(infer.session, "_model_path", None)
    if not path:  # another onnxruntime: keep rapidocr's session
        return
    opts = ort.SessionOptions()
    opts.log_severity_level = 4
    opts.enable_cpu_mem_arena = arena
    opts.enable_mem_pattern = not arena
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])
    infer.session = _Shrinking(session, ort) if arena else session


class _Shrinking:
    """An onnxruntime session whose every run ends by shrinking its memory arena back."""

    def __init__(self, session, ort) -> None:
        self._session = session
        self._options = ort.RunOptions()
        self._options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, names, feeds, run_options=None):
        return self._session.run(names, feeds, run_options or self._options)

    def __getattr__(self, name):
        return getattr(self._session, name)


def give_back_memory() -> None:
    """onnxruntime frees its tensors, but glibc keeps the pages: hand them back, so a long batch does not
    keep the detector's peak resident (glibc only; elsewhere a no-op)."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


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
@dataclass(frozen=True)
class PagePicture:
    number: int  # 1-based page (TIFF frame)
    image: object  # PIL picture
    dpi: float  # the resolution it was rendered at (PDF), 0 for a picture file
    reduced: str | None = None  # why it was made smaller than it came (a page too large for the pixel budget)


def page_scale(width_pt: float, height_pt: float, max_pixels: int, dpi: float = RENDER_DPI) -> float:
    """Pixels per PDF point: RENDER_DPI, or less when the page at that dpi would exceed max_pixels."""
    w, h = max(width_pt, 1.0), max(height_pt, 1.0)
    scale = min(dpi / 72, math.sqrt(max_pixels / (w * h)))
    while math.ceil(w * scale) * math.ceil(h * scale) > max_pixels:  # pdfium rounds the bitmap's sides up
        scale *= 0.999
    return scale


def load_images(path: Path, max_pages: int, max_pixels: int) -> list[PagePicture]:
    return list(iter_images(path, max_pages, max_pixels))


def count_images(path: Path, max_pages: int) -> int:
    """The pages (TIFF frames) of a picture file, checked against the bounds; no pixel decoded."""
    with _decoding():
        with _open(path, max_pages) as im:
            return getattr(im, "n_frames", 1)


def iter_images(path: Path, max_pages: int, max_pixels: int, numbers=None):
    """The pages of a picture file (TIFF: one per frame; only `numbers`, 1-based, when given), upright
    (EXIF), at most max_pixels each, decoded one at a time. A JPEG is decoded at a reduced scale
    (libjpeg's DCT scaling), so a huge photo is never decoded in full."""
    from PIL import ImageOps

    with _decoding():
        with _open(path, max_pages) as im:
            size = (im.width, im.height)
            for n in range(getattr(im, "n_frames", 1)):
                if numbers is not None and n + 1 not in numbers:
                    continue
                im.seek(n)
                fit = min(1.0, math.sqrt(max_pixels / max(1, im.width * im.height)))
                if fit < 1.0 and im.format == "JPEG":
                    im.draft("RGB" if im.mode != "L" else "L", (int(im.width * fit), int(im.height * fit)))
                page = im.convert("RGB") if im.mode not in ("RGB", "L") else im.copy()
                if page.width * page.height > max_pixels:
                    page.thumbnail((int(size[0] * fit) + 1, int(size[1] * fit) + 1))
                page = ImageOps.exif_transpose(page)
                reduced = (f"图片 {size[0]}×{size[1]} 像素，缩小为 {page.width}×{page.height} 像素后识别"
                           if page.width * page.height < size[0] * size[1] else None)
                yield PagePicture(n + 1, page, 0.0, reduced)


def _open(path: Path, max_pages: int):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    im = Image.open(path)
    if im.width * im.height > MAX_PIXELS:
        im.close()
        raise InputError(f"图片过大（{im.width}×{im.height} 像素）；请以 300 dpi 以下重新扫描后再放入。", "TOO_LARGE")
    frames = getattr(im, "n_frames", 1)
    if frames > max_pages:
        im.close()
        raise InputError(f"图片页数过多（{frames} 页，上限 {max_pages} 页）；请拆分后再放入。", "TOO_LARGE")
    return im


@contextmanager
def _decoding():
    """A picture Pillow cannot decode is a damaged file, in Chinese."""
    from PIL import Image, UnidentifiedImageError

    try:
        yield
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as e:
        raise InputError("图片文件已损坏或无法识别，无法读取；请重新扫描或拍照，保存为 .jpg/.png/.tif 后再放入。",
                         "CORRUPT") from e


def render_pdf_pages(path: Path, pages: list[int] | None, max_pixels: int, max_image_bytes: int,
                     grayscale: bool = False) -> list[PagePicture]:
    """PDF pages (1-based; all when None) as pictures within the pixel budget (see page_scale). A page
    holding an image whose decoded pixels would exceed max_image_bytes is not rendered (its `image` is None,
    `reduced` says why): pdfium decodes an image XObject whole before scaling it down."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        numbers = pages if pages is not None else list(range(1, len(doc) + 1))
        out = []
        for n in numbers:
            page = doc[n - 1]
            try:
                w, h = page.get_size()
                too_big = oversized_image(page, max_image_bytes)
                if too_big:
                    out.append(PagePicture(n, None, 0.0, too_big))
                    continue
                scale = page_scale(w, h, max_pixels)
                image = page.render(scale=scale, grayscale=grayscale).to_pil()
            finally:
                page.close()
            reduced = None
            if scale < RENDER_DPI / 72 - 1e-9:
                reduced = (f"页面 {w / 72 * 2.54:.0f}×{h / 72 * 2.54:.0f} 厘米，按 {scale * 72:.0f} dpi"
                           f"（{image.width}×{image.height} 像素）识别，细小文字可能识别不全")
            out.append(PagePicture(n, image if grayscale else image.convert("RGB"), scale * 72, reduced))
        return out
    finally:
        doc.close()


def oversized_image(page, max_bytes: int) -> str | None:
    """Why the page cannot be rendered within the decoding budget (an image on it decodes to more than
    max_bytes: a 9000×9000 RGB picture is 232 MB before any scaling), or None. Read from the image
    dictionaries, nothing decoded."""
    import pypdfium2.raw as pdfium_c

    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4):
        try:
            w, h = obj.get_px_size()
            bits = obj.get_metadata().bits_per_pixel or 24
        except Exception:  # noqa: BLE001 — an image pdfium cannot describe is left to the renderer
            continue
        size = w * h * bits / 8
        if size > max_bytes:
            return (f"页面中的图片 {w}×{h} 像素，解码后约 {size / 1048576:.0f} MB，超过 {max_bytes / 1048576:.0f} MB 的上限"
                    "（疑似异常文件），未识别；请以 300 dpi 以下重新扫描后再放入")
    return None


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
