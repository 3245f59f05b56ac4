"""The 公开稿's last line of defence: every zip part is scanned for personal values, in its text, each
paragraph (a number split across runs), and every attribute value — one scan per part, remembered by
content for the parts the office's copies share (styles, theme)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx

from pipeline.public import PublicView
from pipeline.redact import package_pii
from pipeline.rules import load_rules
from wf_helpers import PII_ID

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def plain(path: Path, *paras: str) -> Path:
    d = docx.Document()
    for text in paras:
        d.add_paragraph(text)
    d.save(str(path))
    return path


def with_part(src: Path, dst: Path, name: str, old: bytes, new: bytes) -> Path:
    """dst = src with one byte string replaced in the named part (every other part copied as is)."""
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info)
            if info.filename == name:
                assert old in data
                data = data.replace(old, new, 1)
            zo.writestr(info, data)
    return dst


def test_a_clean_copy_has_no_part_with_personal_values(tmp_path: Path) -> None:
    view = PublicView(load_rules())
    assert package_pii(plain(tmp_path / "a.docx", "各党支部：", "请按时报送材料。"), view) == []


def test_a_mobile_with_dashes_in_an_attribute_is_found(tmp_path: Path) -> None:
    view = PublicView(load_rules())
    src = plain(tmp_path / "a.docx", "联系方式见链接说明。")
    dst = with_part(src, tmp_path / "b.docx", "word/document.xml", b"<w:p>",
                    f'<w:p w14:paraId="1" xmlns:w14="x" w:rsidR="00A1" data="138-5716-2044">'.encode())
    assert package_pii(dst, view) == ["word/document.xml"]


def test_a_number_split_across_runs_is_one_number(tmp_path: Path) -> None:
    view = PublicView(load_rules())
    d = docx.Document()
    p = d.add_paragraph("联系电话：")
    for piece in ("138", "5716", "2044"):
        p.add_run(piece)
    d.save(str(tmp_path / "a.docx"))
    assert package_pii(tmp_path / "a.docx", view) == ["word/document.xml"]


def test_numbers_in_two_attributes_are_not_joined_into_one(tmp_path: Path) -> None:
    view = PublicView(load_rules())
    src = plain(tmp_path / "a.docx", "各党支部：")
    dst = with_part(src, tmp_path / "b.docx", "word/document.xml", b"<w:p>",
                    b'<w:p xmlns:x="x" x:a="1385716" x:b="2044">')
    assert package_pii(dst, view) == []


def test_a_shared_part_is_judged_again_after_it_changes(tmp_path: Path) -> None:
    """Two copies from one template share styles.xml; once a personal value is put into it, the part is
    found in the second copy even though the first copy's styles were scanned clean."""
    view = PublicView(load_rules())
    first = plain(tmp_path / "a.docx", "第一份。")
    assert package_pii(first, view) == []
    second = with_part(plain(tmp_path / "b0.docx", "第二份。"), tmp_path / "b.docx", "word/styles.xml",
                       b'w:styleId="Normal">', f'w:styleId="Normal"><w:name w:val="{PII_ID}"/>'.encode())
    assert package_pii(second, view) == ["word/styles.xml"]
