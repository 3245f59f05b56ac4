"""The bounds on reading one file: what a hostile or broken draft may cost at most.

Every figure is data ([limits] in the rules file); the defaults sit far above real drafts (the largest
real .docx seen has ~19,000 XML elements, against a cap of 500,000) and low enough that the worst file
under them is read in seconds and a few hundred MB.
"""
from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * MB  # the file on disk
    max_unzipped_bytes: int = 200 * MB  # all zip parts inflated (a .docx), or all PDF streams decoded
    max_zip_entries: int = 2000
    max_pages: int = 500  # PDF pages
    max_part_bytes: int = 64 * MB  # one zip part inflated, or one PDF stream decoded
    max_xml_nodes: int = 500_000  # XML elements over all parts of a package, counted before parsing
    max_paragraphs: int = 20_000  # text blocks (Word paragraphs) of one document
    max_chars: int = 1_000_000  # characters of one document: ~1,000 pages
    max_seconds: float = 60.0  # reading one file
    max_page_seconds: float = 4.0  # one PDF page: over it the page is not checked; a second such page fails the file
    max_memory_bytes: int = 1024 * MB  # address space the reading process may grow by
    max_ocr_pages: int = 20  # scanned pages OCR'd per file; the rest are reported as not checked
    max_ocr_seconds: float = 40.0  # OCR of one file: no page is started after this (the rest: not checked)
    max_ocr_page_seconds: float = 6.0  # OCR of one page, in CPU seconds of the reader (an A4 page takes ~3.5):
                                       # the lines not read by then are reported as not checked
    max_ocr_pixels: int = 4_000_000  # one page picture given to OCR (A4 at 200 dpi is 3.9 MP): larger pages
                                     # are rendered at a lower dpi, larger photos decoded smaller
