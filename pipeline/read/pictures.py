"""Pictures inside a .docx or on a PDF page with text: a pasted ID card, a screenshot of a table of names and
phone numbers, a photo of a stamped notice. Their text is part of what the file discloses, so it is read
by OCR (the [ocr] extra) and checked with the rest: every block is located “第3段后·图片（识别自图片）” or
“第2页·图片1（识别自图片）”, part "picture". Without the extra, the report says how many pictures went
unread, and how to install it. (Text-less pages are scans: read/ocr.py reads those whole.)

The readers list the pictures (`Draft.pictures`: PictureRef); this stage decodes a .docx's image parts
(a PDF's pictures are rendered from their box on the page) under the same bounds as a scan (ocr.MAX_PIXELS before decoding, ocr.MAX_SIDE after),
leaves out logos and rules (too small to hold a line of text) and OCRs the largest first, at most
MAX_PICTURES of them; the others are named in a note, never dropped silently.
"""
from __future__ import annotations

import hashlib
import io
import time
from dataclasses import replace
from pathlib import Path

from ..model import Block, Draft, PictureRef, Unchecked
from .limits import Limits

MARK = "（识别自图片）"
MIN_SIDE, MIN_AREA = 48, 60_000  # px: smaller than a line of text at screen size (icons, logos, red rules)
MAX_PICTURES = 20  # per document; a photo album of a report is not OCR'd picture by picture
CUT_SHARE = 0.05  # a picture this much outside its page's CropBox has pixels no reader sees, but the file holds
CUT = "图片有部分在页面显示范围（裁剪框）之外，看不到的部分未识别，但原图仍完整保存在文件中；请人工核对原图"


def read_pictures(draft: Draft, source: Path, limits: Limits, cpu_clock=time.process_time) -> Draft:
    """The draft with the text OCR'd from its pictures added (or a note why it could not be). One picture
    decoded at a time, the largest first; all the pictures of a file share one page's OCR time
    (`max_ocr_page_seconds` of CPU): those not read by then are named in the note, like those over
    MAX_PICTURES."""
    from . import ocr

    listed = draft.pictures
    draft = replace(draft, pictures=())
    if not listed:
        return draft
    if not ocr.available():
        return _noted(draft, f"文中有 {len(listed)} 张图片，图片中的文字未检查（安装文字识别组件后可自动识别：{ocr.EXTRA}）")
    unreadable: list[str] = []
    cut: list[str] = []  # pictures partly outside their page's CropBox
    candidates = _pdf_pictures(source, listed, limits, unreadable, cut) if draft.format == "pdf" else \
        _docx_pictures(source, listed, limits, unreadable)
    deadline = cpu_clock() + limits.max_ocr_page_seconds
    blocks: list[Block] = []
    done, rest, late = 0, [], []
    for key, where, make in candidates:
        if done >= MAX_PICTURES:
            rest.append(where[0])
            continue
        if cpu_clock() > deadline:
            late.append(where[0])
            continue
        image = make()
        if image is None:  # a logo, an icon: no line of text fits
            continue
        page = ocr.recognise_cached((key, 0), image, deadline, cpu_clock)
        done += 1
        if page.unread:
            late.append(where[0])
        text = "\n".join(line.text for line in page.lines).strip()
        if text:
            blocks.append(Block(text=text, location="、".join(where) + MARK, kind="aside", part="picture"))
    notes = []
    if rest:
        notes.append(f"文中图片较多，只识别了最大的 {MAX_PICTURES} 张；未识别：{'、'.join(rest[:6])}"
                     f"{' 等' if len(rest) > 6 else ''}（共 {len(rest)} 张），请人工核对")
    if late:
        notes.append(f"图片中的文字识别超过 {limits.max_ocr_page_seconds:g} 秒（处理器时间）的上限，未识别完：{'、'.join(late[:6])}"
                     f"{' 等' if len(late) > 6 else ''}（共 {len(late)} 张），请人工核对")
    if unreadable:
        notes.append(f"{'、'.join(unreadable[:6])} 的图片无法解码，其中的文字未检查，请人工核对")
    reason = draft.no_text_reason
    if cut:
        draft = replace(draft, unchecked=draft.unchecked + tuple(Unchecked(where, CUT, "picture") for where in cut))
    if blocks:
        notes.append(f"已识别 {len(blocks)} 张图片中的文字（识别自图片，可能有误）")
        if reason and reason.endswith(UNREAD_PICTURES):  # a pasted scan: read now, still to be checked by hand
            reason = reason[: -len(UNREAD_PICTURES)] + "图片中的文字已识别（识别自图片，可能有误），须对照原件人工核对"
    return _noted(replace(draft, blocks=draft.blocks + tuple(blocks), no_text_reason=reason), *notes)


UNREAD_PICTURES = "图片里的文字无法检查"  # the end of read/__init__.py's reason for a .docx of pasted scans


def _noted(draft: Draft, *notes: str) -> Draft:
    return replace(draft, notes=draft.notes + tuple(n for n in notes if n not in draft.notes))


def _docx_pictures(docx: Path, listed: tuple[PictureRef, ...], limits: Limits, bad: list[str]):
    """(cache key, locations, make picture) for each distinct image part, the largest file first; a part
    that cannot be decoded adds its location to `bad` when its turn comes."""
    from .safezip import SafeZip

    where: dict[str, list[str]] = {}
    for ref in listed:
        where.setdefault(ref.part, []).append(ref.location)
    with SafeZip(docx, limits) as z:
        parts = sorted((p for p in where if z.has(p)), key=lambda p: -len(z.read(p)))
        for part in parts:
            data = z.read(part)

            def make(data=data, first=where[part][0]):
                try:
                    return picture_of(data, limits.max_ocr_pixels)
                except ValueError:
                    bad.append(first)
                    return None

            yield hashlib.sha256(data).hexdigest(), where[part], make


def _pdf_pictures(pdf: Path, listed: tuple[PictureRef, ...], limits: Limits, bad: list[str], cut: list[str]):
    """Each picture's box on its page, the largest box first, rendered when its turn comes by PDFium at
    ocr.RENDER_DPI within the pixel budget: what the reader sees there, whatever the image's own resolution
    or filters. A picture partly (more than CUT_SHARE) or wholly outside the page's CropBox is added to
    `cut`: its hidden pixels are in the file all the same."""
    import pypdfium2 as pdfium

    from . import ocr
    from .sniff import sha256_of

    digest = sha256_of(pdf)
    try:
        doc = pdfium.PdfDocument(str(pdf))
    except Exception:  # noqa: BLE001 — PDFium cannot open what pdfminer read: its pictures stay unread
        bad.extend(ref.location for ref in listed)
        return
    try:
        def area(ref: PictureRef) -> float:
            x0, y0, x1, y1 = ref.box or (0.0, 0.0, 0.0, 0.0)
            return -(x1 - x0) * (y1 - y0)

        for ref in sorted(listed, key=area):
            x0, y0, x1, y1 = ref.box or (0.0, 0.0, 0.0, 0.0)

            def make(ref=ref):
                try:
                    page = doc[ref.page - 1]
                    if ocr.oversized_image(page, limits.max_unzipped_bytes):  # PDFium would decode it whole
                        bad.append(ref.location)
                        return None
                    crop, shown = _crop(page, ref.box or (0.0, 0.0, 0.0, 0.0))
                    if shown < 1 - CUT_SHARE:
                        cut.append(ref.location)
                    if crop is None:
                        return None  # wholly outside the page's CropBox: nothing of it to render
                    (left, bottom, right, top), (width, height) = crop, page.get_size()
                    scale = ocr.page_scale(width - left - right, height - bottom - top, limits.max_ocr_pixels)
                    return page.render(scale=scale, crop=crop).to_pil().convert("RGB")
                except Exception:  # noqa: BLE001 — PDFium's errors have no common base
                    bad.append(ref.location)
                    return None

            yield f"{digest}:{ref.page}:{x0:.0f},{y0:.0f},{x1:.0f},{y1:.0f}", [ref.location], make
    finally:
        doc.close()


def _crop(page, box: tuple[float, float, float, float]) -> tuple[tuple[float, float, float, float] | None, float]:
    """What PDFium's render must cut off the shown page (left, bottom, right, top, as the page is shown:
    after its /Rotate, within its CropBox) to leave the picture whose box is in the PDF's own coordinates
    (None when no part of it is shown), and the share of the picture that is shown."""
    cl, cb, cr, ct = page.get_bbox()  # the CropBox within the MediaBox, in the PDF's own coordinates
    x0, y0, x1, y1 = max(box[0], cl), max(box[1], cb), min(box[2], cr), min(box[3], ct)
    if not (x1 > x0 and y1 > y0):
        return None, 0.0
    whole = (box[2] - box[0]) * (box[3] - box[1])
    shown = (x1 - x0) * (y1 - y0) / whole if whole > 0 else 1.0
    left, bottom, right, top = x0 - cl, y0 - cb, cr - x1, ct - y1  # unturned
    turned = {0: (left, bottom, right, top), 90: (bottom, right, top, left), 180: (right, top, left, bottom),
              270: (top, left, bottom, right)}  # /Rotate turns the page clockwise
    return turned.get(page.get_rotation() % 360, (left, bottom, right, top)), shown


def picture_of(data: bytes, max_pixels: int | None = None):
    """The picture worth reading in an image part (upright, at most ocr.MAX_SIDE long), None for a logo or
    an icon; ValueError when it cannot be decoded (EMF/WMF, damaged, a decompression bomb)."""
    from PIL import Image, ImageOps

    from . import ocr

    Image.MAX_IMAGE_PIXELS = ocr.MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height > ocr.MAX_PIXELS:
                raise ValueError("too many pixels")
            if min(im.size) < MIN_SIDE or im.width * im.height < MIN_AREA:
                return None  # a logo, an icon, a red rule: no line of text fits
            image = ImageOps.exif_transpose(im.convert("RGB"))
    except ValueError:
        raise
    except Exception as e:  # noqa: BLE001 — Pillow's errors (and EMF/WMF off Windows) have no common base
        raise ValueError(str(e)) from e
    if max(image.size) > ocr.MAX_SIDE:
        image.thumbnail((ocr.MAX_SIDE, ocr.MAX_SIDE))
    if max_pixels and image.width * image.height > max_pixels:  # the OCR pixel budget, as for a scan page
        fit = (max_pixels / (image.width * image.height)) ** 0.5
        image.thumbnail((int(image.width * fit), int(image.height * fit)))
    return image


def redact_picture_bounded(name: str, data: bytes, rules) -> bytes | None:
    """redact_picture in the read worker, under its memory and time bounds (its OCR cache holds the check's
    reading of the same picture). A picture over a bound cannot be cleaned: no 公开稿 (RenderError)."""
    from ..errors import InputError, RenderError
    from .worker import run_bounded

    try:
        return run_bounded("pipeline.read.pictures:redact_picture_job", (name, data, rules), rules.limits)
    except InputError as e:
        raise RenderError(f"文中图片 {name.rsplit('/', 1)[-1]} 无法识别（{e.message}），公开稿未生成；请人工脱敏。") from e


def redact_picture_job(limits: Limits, name: str, data: bytes, rules) -> bytes | None:
    return redact_picture(name, data, rules, limits.max_ocr_pixels)


def redact_picture(name: str, data: bytes, rules, max_pixels: int | None = None) -> bytes | None:
    """For the 公开稿: the image part with every personal value OCR finds in it blacked out in the pixels
    (scan_redact.black_out), re-encoded; None when there is nothing to black out (or no OCR)."""
    from . import ocr

    if not ocr.available():
        return None
    try:
        image = picture_of(data, max_pixels)  # as the check read it: the OCR boxes fit its pixels
    except ValueError:
        return None
    if image is None:
        return None
    from ..scan_redact import black_out, pii_boxes

    page = ocr.recognise_cached((hashlib.sha256(data).hexdigest(), 0), image)
    if not pii_boxes(page, rules):
        return None
    out = io.BytesIO()
    jpeg = name.lower().endswith((".jpg", ".jpeg"))
    black_out(image, page, rules).save(out, "JPEG" if jpeg else "PNG", quality=90)
    return out.getvalue()
