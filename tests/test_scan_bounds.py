"""OCR is bounded like every other read (issue 9 §4, issue 11 §3): it runs in the read worker under the
file's memory and time bounds, on pictures within a pixel budget, and whatever it does not read keeps the
draft from passing as checked. Real scans of generated drafts (pdftoppm rasters wrapped as picture PDFs)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from fixtures import check, codes, default_rules, gongkai_script, write_rules
from optional import need_module
from scan_helpers import raster, scanned_pdf
from pipeline.read.limits import Limits
from pipeline.workspace import init_workspace
from wf_helpers import KINDS, PII_ID, PII_PHONE, draft

SECRET_BODY = (f"经查，某同志违反规定收受礼品，现予通报。当事人身份证号 {PII_ID}，联系电话 {PII_PHONE}。",
               "请各支部对照检查，举一反三。")  # not test_scan.py's draft: no OCR cache of the read worker knows it


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> dict[str, Path]:
    """The secret draft rasterised at 200 dpi: its PNG, a one-page scan, a three-page scan, and the same
    picture on a page 10× too large (a PDF whose page claims 20 dpi: 2.1 × 3 m)."""
    need_module("rapidocr_onnxruntime", "the [ocr] extra (pip install 'gongkai[ocr]')")
    from PIL import Image

    root = tmp_path_factory.mktemp("bounds")
    png = raster(draft(root / "通报.pdf", "secret", body=SECRET_BODY), root / "通报.png")
    out = {"png": png, "pdf": scanned_pdf(png, root / "扫描通报.pdf")}
    with Image.open(png) as im:
        page = im.convert("L")
        page.save(root / "三页扫描.pdf", "PDF", resolution=200.0, save_all=True, append_images=[page, page])
        page.save(root / "巨幅页面.pdf", "PDF", resolution=20.0)
    out["three"] = root / "三页扫描.pdf"
    out["huge"] = root / "巨幅页面.pdf"
    return out


def _rules(**limits):
    rules = default_rules()
    return replace(rules, limits=replace(rules.limits, **limits))


def test_a_scanned_secret_draft_is_read_in_the_read_worker_and_blocks(scan):
    """The checking process never imports the OCR engine: the worker OCRs, and the secret still blocks."""
    code = ("import sys\nfrom pathlib import Path\nfrom pipeline.check import check_file\n"
            "from pipeline.rules import load_rules\n"
            f"r = check_file(Path({str(scan['pdf'])!r}), load_rules(None))\n"
            "print(json.dumps([sorted(r.codes), r.disclosable, 'rapidocr_onnxruntime' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", "import json\n" + code], capture_output=True, text=True,
                         timeout=300, check=True, cwd=Path(__file__).resolve().parents[1]).stdout
    assert json.loads(out.splitlines()[-1]) == [["NO_TEXT", "PII_ID", "PII_PHONE", "SECRET"], False, False]


def test_a_huge_page_is_rendered_within_the_pixel_budget_and_still_read(scan):
    r = check(scan["huge"])
    (note,) = [n for n in r.metadata.notes if "dpi" in n]
    w, h = (int(v) for v in re.search(r"（(\d+)×(\d+) 像素）", note).groups())
    assert note.startswith("第1页：页面 210×297 厘米，按 20 dpi")
    assert w * h <= Limits().max_ocr_pixels
    assert "SECRET" in codes(r)


def test_a_gigapixel_mono_scan_is_rendered_small_never_decoded_whole(tmp_path):
    """12,000² 1-bit pixels (CCITT G4, 2 KB) on a 1 m page: PDFium streams it into a 2000² picture."""
    need_module("rapidocr_onnxruntime", "the [ocr] extra (pip install 'gongkai[ocr]')")
    from hostile import huge_mono_pdf

    r = check(huge_mono_pdf(tmp_path / "巨幅黑白扫描.pdf", 12_000))
    assert "第1页：页面 102×102 厘米，按 50 dpi（2000×2000 像素）识别，细小文字可能识别不全" in r.metadata.notes
    assert codes(r) == {"NO_TEXT"}  # a white page: nothing read, so nothing passes as checked


def test_an_image_beyond_the_decoding_budget_is_not_rendered_and_the_page_is_unchecked(scan):
    r = check(scan["pdf"], _rules(max_unzipped_bytes=1024 * 1024))  # the page picture decodes to 3.7 MB
    (unread,) = [f for f in r.findings if f.code == "UNCHECKED_PART"]
    assert unread.location == "第1页（扫描页）"
    assert "解码后约 4 MB，超过 1 MB 的上限" in unread.message
    assert r.disclosable is False


def test_pages_over_the_ocr_page_cap_are_unchecked_not_dropped(scan):
    r = check(scan["three"], _rules(max_ocr_pages=1))
    (unread,) = [f for f in r.findings if f.code == "UNCHECKED_PART"]
    assert unread.location == "第2–3页（扫描页）"
    assert "识别 1 页的上限" in unread.message
    assert "SECRET" in codes(r)  # page 1 was read in full
    assert r.disclosable is False


def test_a_page_over_its_ocr_time_reads_from_the_top_and_reports_the_rest(scan):
    """A zero page budget: the first lines (from the top: the secrecy mark, 文号, title) are read, the rest
    of the page is an UNCHECKED_PART finding."""
    r = check(scan["png"], _rules(max_ocr_page_seconds=0.0))
    (unread,) = [f for f in r.findings if f.code == "UNCHECKED_PART"]
    assert unread.location == "第1页（扫描页）"
    assert re.search(r"页面下部还有 \d+ 行文字未识别", unread.message)
    assert r.metadata.secrecy == "秘密"
    assert r.metadata.doc_number == KINDS["secret"].docno


OVER_MEMORY = """
[limits]
max_memory_mb = 80
"""


def test_ocr_over_the_memory_bound_is_a_chinese_error_and_the_ingest_goes_on(scan, tmp_path):
    """80 MB for a file: enough to read a .docx, far too little for OCR of a page (~300 MB)."""
    settings, _ = init_workspace(tmp_path / "ws")
    (settings.inbox / "1扫描通报.pdf").write_bytes(scan["pdf"].read_bytes())
    draft(settings.inbox / "2正常.docx", "plain")
    rules = write_rules(tmp_path / "规则.toml", OVER_MEMORY)
    out = subprocess.run([gongkai_script(), "--workspace", str(settings.root), "ingest", "--rules", str(rules)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in settings.failed.iterdir()) == ["1扫描通报.pdf", "1扫描通报.pdf.原因.txt"]
    note = (settings.failed / "1扫描通报.pdf.原因.txt").read_text(encoding="utf-8-sig")
    assert "内存" in note
    assert [p.name for p in settings.archive.rglob("*.docx") if "正常" in p.name] == ["2正常.docx"]
