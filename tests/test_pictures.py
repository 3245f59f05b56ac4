"""Pictures inside a .docx are read by OCR (the [ocr] extra): a pasted screenshot holding an ID number or
a secrecy mark is found and located 第N段·图片（识别自图片）; a logo is not read; the 公开稿 of such a
draft is re-checked with its pictures, so a number in a picture never leaves in the copy."""
from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.shared import Cm

from fixtures import check, codes
from optional import need, need_module
from wf_helpers import PII_ID

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
MARK = "（识别自图片）"


def text_picture(path: Path, lines: list[str], size: int = 40) -> Path:
    """A screenshot-like picture of text lines (black on white), as a clerk pastes one into Word."""
    need(FONT.is_file(), "fonts-wqy-zenhei")
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), size)
    img = Image.new("RGB", (size * 24, int(size * 1.8) * len(lines) + size), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((size // 2, size // 2 + int(size * 1.8) * i), line, fill="black", font=font)
    img.save(path)
    return path


def logo(path: Path) -> Path:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (40, 40), "white")
    ImageDraw.Draw(img).ellipse((4, 4, 36, 36), fill="red")
    img.save(path)
    return path


def notice_with(path: Path, picture: Path | None, width_cm: float = 8.0) -> Path:
    d = docx.Document()
    d.add_paragraph("关于报送困难党员帮扶名单的通知")
    d.add_paragraph("各党支部：请按附图格式报送帮扶名单。")
    if picture is not None:
        d.add_picture(str(picture), width=Cm(width_cm))
    d.add_paragraph("中共青川区科学技术局机关委员会")
    d.save(str(path))
    return path


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> dict[str, Path]:
    need_module("rapidocr_onnxruntime", "the [ocr] extra (pip install 'gongkai[ocr]')")
    root = tmp_path_factory.mktemp("pictures")
    return {
        "id": text_picture(root / "名单截图.png", ["帮扶对象：张某", f"身份证号：{PII_ID}"]),
        "secret": text_picture(root / "密级.png", ["秘密★1年", "关于查处违纪问题的情况通报"]),
        "logo": logo(root / "徽标.png"),
    }


def test_an_id_number_in_a_pasted_picture_is_found(pictures, tmp_path):
    r = check(notice_with(tmp_path / "通知.docx", pictures["id"]))
    pii = [f for f in r.findings if f.code == "PII_ID"]
    assert [f.location for f in pii] == [f"第2段后·图片{MARK}"]
    assert r.disclosable is True  # a number to mask, not a block: the 公开稿 must go out without it


def test_a_secrecy_mark_in_a_pasted_picture_blocks(pictures, tmp_path):
    r = check(notice_with(tmp_path / "通报.docx", pictures["secret"]))
    assert "SECRET" in codes(r)
    assert r.disclosable is False


def test_a_logo_is_not_read_and_adds_nothing(pictures, tmp_path):
    r = check(notice_with(tmp_path / "通知.docx", pictures["logo"], width_cm=1.5))
    assert codes(r) == set()
    assert r.metadata.notes == ()


def test_the_report_says_pictures_were_read(pictures, tmp_path):
    r = check(notice_with(tmp_path / "通知.docx", pictures["id"]))
    assert r.metadata.notes == ("已识别 1 张图片中的文字（识别自图片，可能有误）",)


def test_without_the_extra_the_report_says_pictures_went_unread(pictures, tmp_path):
    import subprocess
    import sys

    path = notice_with(tmp_path / "通知.docx", pictures["id"])
    from scan_helpers import without_ocr_env

    code = ("from pathlib import Path\nfrom pipeline.check import check_file\nfrom pipeline.rules import load_rules\n"
            f"r = check_file(Path({str(path)!r}), load_rules(None))\nprint(r.metadata.notes[0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                         env=without_ocr_env(tmp_path)).stdout
    assert out.strip() == "文中有 1 张图片，图片中的文字未检查（安装文字识别组件后可自动识别：pip install 'gongkai[ocr]'）"


@pytest.fixture(scope="module")
def ingested(pictures, tmp_path_factory):
    from pipeline.workspace import init_workspace
    from wf_helpers import WsCli, db_rows

    settings, _ = init_workspace(tmp_path_factory.mktemp("ws"))
    notice_with(settings.inbox / "帮扶名单通知.docx", pictures["id"])
    result = WsCli(settings.root)("ingest")
    assert result.exit_code == 0, result.output
    (item_id,) = [r[0] for r in db_rows(settings.root, "SELECT id FROM items")]
    return settings, item_id


def test_the_public_copy_blacks_out_the_number_in_the_picture(ingested):
    """The 公开稿 keeps the picture, with the ID blacked out in its pixels: rapidocr itself (not gongkai)
    reads no digit after 身份证号 in it, while the original picture still has all 18."""
    import io
    import zipfile

    import numpy as np
    from PIL import Image
    from rapidocr_onnxruntime import RapidOCR

    from wf_helpers import item_dir, one

    settings, item_id = ingested
    public = one(item_dir(settings.root, item_id), "*公开稿.docx")
    with zipfile.ZipFile(public) as z:
        (media,) = [n for n in z.namelist() if n.startswith("word/media/")]
        picture = Image.open(io.BytesIO(z.read(media))).convert("RGB")
    lines = [str(r[1]) for r in RapidOCR()(np.asarray(picture))[0]]
    (id_line,) = [ln for ln in lines if "身份证号" in ln]
    assert [c for c in id_line.split("身份证号", 1)[1] if c.isdigit()] == []


def test_the_check_report_lists_the_blacked_out_picture(ingested):
    import json

    from wf_helpers import item_dir, one

    settings, item_id = ingested
    report = json.loads(one(item_dir(settings.root, item_id), "*检查报告.json").read_text(encoding="utf-8"))
    assert "图片中的个人信息（已涂黑）" in json.dumps(report, ensure_ascii=False)


def test_an_id_number_in_a_picture_on_a_pdf_page_with_text_is_found(pictures, tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "通知.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 16)
    c.drawString(72, 760, "关于报送困难党员帮扶名单的通知")
    c.drawString(72, 730, "各党支部：请按下图格式报送帮扶名单。")
    c.drawImage(str(pictures["id"]), 72, 560, width=300, height=300 * 184 / 960)  # the picture is 960 × 184 px
    c.drawString(72, 520, "中共青川区科学技术局机关委员会")
    c.save()
    r = check(path)
    pii = [f for f in r.findings if f.code == "PII_ID"]
    assert [f.location for f in pii] == [f"第1页·图片1{MARK}"]


def test_a_pasted_scan_read_by_ocr_says_so_and_stays_gated(pictures, tmp_path):
    """A .docx that is mostly a page-size picture stays NO_TEXT (checked by hand against the original),
    but the reason no longer says the picture's text could not be checked: it was read, and is checked."""
    lines = ["秘密★1年", "关于查处违纪问题的情况通报"] + ["经查，相关同志已按规定处理。"] * 10
    scan = text_picture(tmp_path / "整页扫描.png", lines)
    d = docx.Document()
    d.add_paragraph("附件")
    d.add_picture(str(scan), width=Cm(16))
    d.save(str(tmp_path / "扫描件.docx"))
    r = check(tmp_path / "扫描件.docx")
    (no_text,) = [f for f in r.findings if f.code == "NO_TEXT"]
    assert "图片中的文字已识别（识别自图片，可能有误），须对照原件人工核对" in no_text.message
    assert "SECRET" in codes(r)
