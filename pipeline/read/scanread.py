"""The scanned pages of a draft read by OCR, in the read worker, bounded (issue 9 §4, issue 11 §3).

- every page of a picture file, and every PDF page without a text layer, is OCR'd; pages with text never are;
- each page is a picture within `max_ocr_pixels` (ocr.py: a larger page is rendered at a lower dpi, and the
  draft notes it);
- at most `max_ocr_pages` pages per file, no page started after `max_ocr_seconds` (wall clock), and each
  page read from the top for at most `max_ocr_page_seconds` of this process's CPU time (so other programs'
  load does not cut a page short): what is left is never silently dropped, it is an Unchecked part (an
  UNCHECKED_PART finding blocks the draft) and the draft stays NO_TEXT-gated;
- memory and time are the worker's bounds for the file: over them the file gets its Chinese error and the
  batch goes on (worker.py).
"""
from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path

from ..model import Draft, Unchecked
from .limits import Limits
from .ocr import (EXTRA, PagePicture, available, count_images, give_back_memory, iter_images, load_images,
                  missing_extra_reason, page_blocks, recognise_cached, render_pdf_pages)
from .pdf import _ranges


def read_image(path: Path, digest: str, limits: Limits) -> Draft:
    """A scanned page or a photo of one (.jpg/.jpeg/.png/.tif/.tiff): its pages, to be OCR'd by `complete`."""
    frames = count_images(path, limits.max_pages)
    return Draft(str(path), "image", digest, (), frames, None, missing_extra_reason("这是扫描图片"),
                 scan_pages=tuple(range(1, frames + 1)))


def complete(draft: Draft, limits: Limits, clock=time.monotonic, cpu_clock=time.process_time) -> Draft:
    """OCR the pages the reader found to be pictures, within the file's OCR bounds (see the module)."""
    pages = list(draft.scan_pages)
    draft = replace(draft, scan_pages=())
    if not available():
        if draft.format == "pdf" and draft.no_text_reason:
            draft = replace(draft, no_text_reason=f"{draft.no_text_reason}（安装文字识别组件后可自动识别：{EXTRA}）")
        return draft
    give_back_memory()  # what parsing the file left in the heap, before the OCR's peak
    start = clock()
    wanted, over_cap = pages[:limits.max_ocr_pages], pages[limits.max_ocr_pages:]
    by_page: dict[int, list] = {}
    notes: list[str] = []
    late: list[int] = []
    refused: list[Unchecked] = []
    for n in wanted:
        if clock() - start > limits.max_ocr_seconds:
            late.append(n)
            continue
        picture = _picture(draft, n, limits)
        if picture.image is None:  # an image on the page beyond the decoding budget: not rendered
            refused.append(Unchecked(f"第{n}页（扫描页）", picture.reduced or "页面无法渲染，未识别", "body"))
            continue
        if picture.reduced:
            notes.append(f"第{picture.number}页：{picture.reduced}")
        page = recognise_cached((draft.sha256, n, limits.max_ocr_pixels), picture.image,
                                cpu_clock() + limits.max_ocr_page_seconds, cpu_clock)
        by_page[n] = page_blocks(page, n)
        if page.unread:
            refused.append(Unchecked(
                f"第{n}页（扫描页）", f"文字识别超过每页 {limits.max_ocr_page_seconds:g} 秒（处理器时间）的上限，页面下部还有 {page.unread} 行"
                "文字未识别、未检查（已识别的内容照常检查）；请稍后重新放入，或人工核对原件", "body"))
    read = tuple(n for n in wanted if by_page.get(n))
    still = [n for n in wanted if n in by_page and not by_page[n]]
    blocks = sorted([*draft.blocks, *(b for bs in by_page.values() for b in bs)], key=lambda b: _page_of(b.location))
    what = "图片" if draft.format == "image" else "PDF"
    if not any(b.kind == "page" for b in blocks):
        reason = f"{what}中没有文字层，扫描页中也没有识别出文字（可能太模糊、太暗或不是文稿），无法检查内容"
    elif still:
        reason = f"{what}第{_ranges(still)}页没有文字，也没有识别出文字（可能是图片或页面损坏），这些页无法检查"
    else:
        reason = None
    unread = [*refused, *_unread(over_cap, late, limits)]
    skipped = sorted(set(pages) - set(by_page))
    if skipped and reason is None:
        reason = f"{what}第{_ranges(skipped)}页是扫描页，未识别，这些页无法检查"
    return replace(draft, blocks=tuple(blocks), no_text_reason=reason, ocr_pages=read,
                   unchecked=(*draft.unchecked, *unread), notes=(*draft.notes, *notes))


def _picture(draft: Draft, number: int, limits: Limits) -> PagePicture:
    """One page's picture, made when its turn comes (never all pages of a file decoded at once)."""
    if draft.format == "image":
        (picture,) = iter_images(Path(draft.path), limits.max_pages, limits.max_ocr_pixels, numbers={number})
        return picture
    try:
        (picture,) = render_pdf_pages(Path(draft.path), [number], limits.max_ocr_pixels, limits.max_unzipped_bytes,
                                      grayscale=True)
    except Exception:  # noqa: BLE001 — PDFium cannot render what pdfminer read (its errors have no common base)
        return PagePicture(number, None, 0.0, "页面无法渲染（PDF 结构异常），未识别；请重新导出或重新扫描后再放入")
    return picture


def _unread(over_cap: list[int], late: list[int], limits: Limits) -> list[Unchecked]:
    out = []
    if over_cap:
        out.append(Unchecked(f"第{_ranges(over_cap)}页（扫描页）",
                             f"扫描页超过每个文件识别 {limits.max_ocr_pages} 页的上限，这些页未识别、未检查；请拆分后分别放入",
                             "body"))
    if late:
        out.append(Unchecked(f"第{_ranges(late)}页（扫描页）",
                             f"文字识别超过每个文件 {limits.max_ocr_seconds:g} 秒的时间上限，这些页未识别、未检查；"
                             "请稍后重新放入，或拆分后分别放入", "body"))
    return out


def _page_of(location: str) -> int:
    m = re.match(r"第(\d+)页", location)
    return int(m.group(1)) if m else 0


def pictures_of(original: Path, limits: Limits) -> list[PagePicture]:
    """The pages of a scan as colour pictures at the size OCR read them (for its 公开稿: the OCR boxes fit)."""
    if original.suffix.lower() == ".pdf":
        return render_pdf_pages(original, None, limits.max_ocr_pixels, limits.max_unzipped_bytes)
    return load_images(original, limits.max_pages, limits.max_ocr_pixels)
