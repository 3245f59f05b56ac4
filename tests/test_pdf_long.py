"""A long PDF's middle pages are read by PDFium (read/pdf_pdfium.py) where its reading can be trusted, and
by pdfminer otherwise. Whichever engine read a page, what the checker promises holds there: a personal
number or a secrecy mark on page 6 of a 10-page report is found on 第6页, a wrapped paragraph is one
block, fake-bold doubles are one text, sizes are the printed ones and a picture keeps its place.

The PDFs are drawn by reportlab in an embedded TrueType font (WenQuanYi Zen Hei, with a /ToUnicode map, as
Word and WPS export), so their middle pages take PDFium's path."""
from __future__ import annotations

from pathlib import Path

import pytest

from fixtures import check
from optional import need
from pipeline.read import read_draft
from pipeline.read.limits import Limits
from pipeline.read.pdf import read_pdf
from wf_helpers import PII_ID

FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FONT = "WQYZenHei"
PAGES = 10
LONG = ("根据区委统一部署，结合局机关党建工作实际，各党支部要认真组织党员学习，按时足额缴纳党费，"
        "严格党费管理和使用，并于每季度末将学习情况和党费收缴情况报局机关党委办公室备案。")


def long_pdf(path: Path, middle: list[str], fake_bold: bool = False, scaled_title: str | None = None,
             picture: Path | None = None) -> Path:
    """A 10-page notice: a title page, body pages, and on page 6 the lines `middle` (a line longer than the
    text width wraps, as Word sets a paragraph), optionally drawn fake-bold, with a title drawn at 360 pt
    under a 0.05 scale, or with a picture at (100, 300)-(300, 400) in PDF points."""
    need(FONT_FILE.is_file(), "fonts-wqy-zenhei")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    for number in range(1, PAGES + 1):
        lines = middle if number == 6 else (["关于做好2026年度党费收缴工作的通知"] if number == 1 else [])
        lines = lines + [f"第{number}页正文：党费收缴和使用情况按季度在党内公开。"]
        y = 760
        if number == 6 and scaled_title:
            c.saveState()
            c.scale(0.05, 0.05)
            c.setFont(FONT, 360)
            c.drawString(72 / 0.05, y / 0.05, scaled_title)
            c.restoreState()
            y -= 40
        for line in lines:
            for text in _wrap(line, pdfmetrics.stringWidth, 451):
                c.setFont(FONT, 16)
                for dx, dy in ((0, 0), (0.25, 0), (0, 0.25), (0.25, 0.25)) if fake_bold else ((0, 0),):
                    c.drawString(72 + dx, y + dy, text)
                y -= 28
        if number == 6 and picture is not None:
            c.drawImage(str(picture), 100, 300, width=200, height=100)
        c.showPage()
    c.save()
    return path


def _wrap(text: str, width_of, room: float) -> list[str]:
    out, line = [], ""
    for ch in text:
        if line and width_of(line + ch, FONT, 16) > room:
            out.append(line)
            line = ""
        line += ch
    return out + [line]


def page_texts(path: Path, number: int) -> list[str]:
    return [b.text for b in read_draft(path, Limits()).blocks if b.location == f"第{number}页"]


def located(report, code: str) -> list[str]:
    return [f.location for f in report.findings if f.code == code]


def test_a_resident_id_on_a_middle_page_is_found_there(tmp_path):
    path = long_pdf(tmp_path / "id.pdf", [f"来信人身份证号{PII_ID}，请核实。"])
    assert located(check(path), "PII_ID") == ["第6页"]


def test_a_secrecy_mark_on_a_middle_page_blocks_the_draft(tmp_path):
    report = check(long_pdf(tmp_path / "secret.pdf", ["秘密★1年"]))
    assert located(report, "SECRET") == ["第6页"]


def test_a_wrapped_paragraph_on_a_middle_page_is_one_block(tmp_path):
    assert page_texts(long_pdf(tmp_path / "para.pdf", [LONG]), 6)[0] == LONG


def test_fake_bold_on_a_middle_page_is_read_once(tmp_path):
    path = long_pdf(tmp_path / "bold.pdf", ["定于2026年12月8日召开党员大会。"], fake_bold=True)
    assert page_texts(path, 6)[0] == "定于2026年12月8日召开党员大会。"


def test_a_title_drawn_under_a_scale_has_its_printed_size(tmp_path):
    path = long_pdf(tmp_path / "scaled.pdf", ["正文第一段。"], scaled_title="年度党费收缴情况说明")
    block = next(b for b in read_draft(path, Limits()).blocks if b.text == "年度党费收缴情况说明")
    assert block.size == pytest.approx(18.0)


def test_a_picture_on_a_middle_page_keeps_its_page_and_box(tmp_path):
    from PIL import Image

    picture = tmp_path / "photo.png"
    Image.new("RGB", (400, 200), "white").save(picture)
    refs = read_pdf(long_pdf(tmp_path / "pic.pdf", ["见下图。"], picture=picture), 500).pictures
    assert [(r.page, tuple(round(v) for v in r.box)) for r in refs] == [(6, (100, 300, 300, 400))]  # PDF points, y up


def test_a_starred_mark_alone_deep_in_a_document_blocks_it(tmp_path):
    from fixtures import make_docx

    body = ["关于做好2026年度党费收缴工作的通知", *[f"（{k}）党费收缴和使用情况按季度在党内公开。" for k in range(1, 21)],
            "附件2", "秘密★1年", "参会人员名单"]
    assert located(check(make_docx(tmp_path / "annex.docx", body)), "SECRET") == ["第23段"]


def test_a_labelled_mark_alone_deep_in_a_document_blocks_it(tmp_path):
    from fixtures import make_docx

    body = ["关于做好2026年度党费收缴工作的通知", *[f"（{k}）党费收缴和使用情况按季度在党内公开。" for k in range(1, 21)],
            "附件2", "密级：机密", "参会人员名单"]
    assert located(check(make_docx(tmp_path / "annex.docx", body)), "SECRET") == ["第23段"]


def test_a_sentence_naming_a_starred_mark_deep_in_a_document_does_not_block(tmp_path):
    from fixtures import make_docx

    body = ["关于做好2026年度保密工作的通知", *[f"（{k}）各支部要加强保密管理。" for k in range(1, 21)],
            "严禁在非涉密计算机上处理标有秘密★1年等密级标志的文件。"]
    assert located(check(make_docx(tmp_path / "talk.docx", body)), "SECRET") == []
