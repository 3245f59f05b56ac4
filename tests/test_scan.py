"""Scans and photos, OCR'd with the [ocr] extra: a generated secret draft rasterised (a copier's PDF, a PNG,
a TIFF) and photographed by a phone (turned, blurred, lit unevenly). OCR text goes through the full check,
every finding says 识别自扫描件, the draft stays gated until a recorded manual check, and the 公开稿 of a
scan is a picture-only PDF whose blacked-out ID no OCR can read back."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures import check, codes
from optional import need_module
from scan_helpers import phone_photo, raster, scanned_pdf, without_ocr_env
from pipeline.workspace import init_workspace
from wf_helpers import KINDS, PII_ID, PII_PHONE, WsCli, db_rows, docx_text, draft, item_dir, one

MARK = "（识别自扫描件）"
SECRET_BODY = (f"经查，某同志违反规定收受礼品，现予通报。当事人身份证号 {PII_ID}，联系电话 {PII_PHONE}。",)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The secret draft with an ID and a mobile number: its 200 dpi raster, a scanned PDF, a TIFF, a photo."""
    need_module("rapidocr_onnxruntime", "the [ocr] extra (pip install 'gongkai[ocr]')")
    from PIL import Image

    root = tmp_path_factory.mktemp("scans")
    pdf = draft(root / "通报.pdf", "secret", body=SECRET_BODY)
    png = raster(pdf, root / "扫描通报.png")
    out = {"png": png, "pdf": scanned_pdf(png, root / "扫描通报.pdf"), "jpg": phone_photo(png, root / "手机拍照.jpg")}
    with Image.open(png) as im:
        im.save(root / "扫描通报.tif", compression="tiff_lzw")
    out["tif"] = root / "扫描通报.tif"
    pii = draft(root / "补助.pdf", "pii")
    out["pii_pdf"] = scanned_pdf(raster(pii, root / "补助.png"), root / "补助扫描件.pdf")
    return out


@pytest.mark.parametrize("kind", ["pdf", "png", "tif", "jpg"])
def test_scan_is_read_by_ocr_and_checked_in_full(pages, kind):
    r = check(pages[kind])
    assert r.status == "ok", r.error
    assert r.metadata.ocr is True
    assert r.metadata.title == KINDS["secret"].title
    assert r.metadata.doc_number == KINDS["secret"].docno
    assert r.metadata.date == "2023-09-12"
    assert r.metadata.issuer == "中共青川区科学技术局党组"
    assert codes(r) == {"NO_TEXT", "SECRET", "PII_ID", "PII_PHONE"}
    assert r.disclosable is False


def test_every_finding_of_a_scan_says_it_was_read_from_a_scan(pages):
    r = check(pages["pdf"])
    assert [f.location.endswith(MARK) for f in r.findings] == [True] * len(r.findings)


def test_cli_marks_every_field_read_from_a_scan(pages, gongkai):
    out = gongkai("check", pages["png"]).output
    assert f"标题：{KINDS['secret'].title}{MARK}" in out
    assert f"发文字号：{KINDS['secret'].docno}{MARK}" in out


def test_without_the_extra_a_scan_is_no_text_naming_the_extra(pages, tmp_path):
    code = ("from pathlib import Path\nfrom pipeline.check import check_file\nfrom pipeline.rules import load_rules\n"
            f"r = check_file(Path({str(pages['pdf'])!r}), load_rules(None))\n"
            "print(sorted(r.codes)); print(r.findings[0].message)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                         env=without_ocr_env(tmp_path)).stdout
    assert out.splitlines()[0] == "['NO_TEXT']"
    assert "pip install 'gongkai[ocr]'" in out


@pytest.fixture(scope="module")
def ingested(pages, tmp_path_factory):
    settings, _ = init_workspace(tmp_path_factory.mktemp("ws"))
    (settings.inbox / "补助扫描件.pdf").write_bytes(pages["pii_pdf"].read_bytes())
    cli = WsCli(settings.root)
    result = cli("ingest")
    assert result.exit_code == 0, result.output
    (item_id,) = [r[0] for r in db_rows(settings.root, "SELECT id FROM items")]
    return settings, cli, item_id


def test_an_ocr_draft_is_gated_until_a_recorded_manual_check(ingested):
    settings, cli, item_id = ingested
    refused = cli("review", item_id, "--approve", "--by", "陈先荣")
    assert refused.exit_code == 4
    assert "识别自扫描件" in refused.output
    done = cli("review", item_id, "--approve", "--by", "陈先荣", "--comment", "已人工核对纸质原件，识别内容无误")
    assert done.exit_code == 0, done.output
    assert db_rows(settings.root, "SELECT status FROM items") == [("approved",)]


def test_the_approval_form_shows_what_ocr_read(ingested):
    settings, _, item_id = ingested
    form = docx_text(one(item_dir(settings.root, item_id), "*审批表.docx"))
    assert f"{KINDS['pii'].title}{MARK}" in form
    assert f"{KINDS['pii'].docno}{MARK}" in form


def test_the_scan_public_copy_is_pictures_only(ingested):
    import pdfplumber

    settings, _, item_id = ingested
    public = one(item_dir(settings.root, item_id), "*公开稿.pdf")
    with pdfplumber.open(public) as pdf:
        assert [len(p.chars) for p in pdf.pages] == [0]  # no text layer at all
        assert len(pdf.pages[0].images) == 1


def test_the_scan_public_copy_ocr_again_shows_no_digit_of_the_id(ingested):
    """Read back with rapidocr itself (not gongkai): the line of the ID holds no digit after 身份证号."""
    import numpy as np
    import pypdfium2 as pdfium
    from rapidocr_onnxruntime import RapidOCR

    settings, _, item_id = ingested
    public = one(item_dir(settings.root, item_id), "*公开稿.pdf")
    picture = pdfium.PdfDocument(str(public))[0].render(scale=200 / 72).to_pil().convert("RGB")
    result, _ = RapidOCR()(np.asarray(picture))
    lines = [str(r[1]) for r in result]
    (id_line,) = [ln for ln in lines if "身份证号" in ln]
    assert [c for c in id_line.split("身份证号", 1)[1] if c.isdigit()] == []
    assert re.findall(r"\d{5,}", "".join(lines)) == []  # the page's other numbers have at most 4 digits (2023)


def _docno_findings(location: str) -> list[str]:
    from pipeline.model import Block, Draft
    from pipeline.rules import load_rules
    from pipeline.rules.engine import check_docno

    head = (Block("中共青川区科学技术局党组文件", location, "page"), Block("青科党（2023）7号", location, "page"),
            Block("关于调整党组成员分工的通知", location, "page"))
    return [f.code for f in check_docno(Draft("d.pdf", "pdf", "0" * 64, head), None, load_rules())]


def test_brackets_read_by_ocr_are_not_a_wrong_docno():
    """OCR reads 〔2023〕 as （2023）: the scan's brackets are no evidence that the 文号 is written wrong."""
    assert _docno_findings(f"第1页{MARK}") == []


def test_the_same_brackets_typed_are_a_wrong_docno():
    assert _docno_findings("第1页") == ["DOCNO_FORMAT"]


def test_a_pdf_whose_text_is_drawn_as_outlines_is_read_by_ocr(tmp_path):
    """A web print "as image" or a design export draws every glyph as a curve: no text layer, no picture.
    Its pages are OCR'd like a scan, so the secrecy mark and the personal numbers on them are found."""
    from lo_helpers import lo_export
    from optional import need_binary

    need_module("rapidocr_onnxruntime", "the [ocr] extra (pip install 'gongkai[ocr]')")
    gs = need_binary("gs", "ghostscript (gs)")
    # LibreOffice embeds the CJK fonts it prints with, so Ghostscript has real glyphs to turn into curves
    typed = lo_export(draft(tmp_path / "通报.docx", "secret", body=SECRET_BODY), "pdf", tmp_path / "pdf")
    outlines = tmp_path / "通报（轮廓）.pdf"
    subprocess.run([gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dNoOutputFonts", "-sDEVICE=pdfwrite",
                    f"-sOutputFile={outlines}", str(typed)], check=True, capture_output=True, timeout=120)
    import pdfplumber

    with pdfplumber.open(outlines) as pdf:
        assert pdf.pages[0].chars == []  # the fixture really has no text layer left
    r = check(outlines)
    assert r.metadata.ocr is True
    assert codes(r) == {"NO_TEXT", "SECRET", "PII_ID", "PII_PHONE"}
