""".docx files that lie: sizes that lie, bombs, DOCTYPEs, millions of paragraphs, deep nesting, too many
entries. Each is refused with its own Chinese message (exit 3), and the next file of the batch is read.
How little each costs is measured by benchmarks/bench.py (hostile section), not here."""
from __future__ import annotations

import json
import subprocess
import zipfile
from dataclasses import replace

import pytest

from fixtures import gongkai_script, has_cjk, official_doc
from hostile import (
    bomb_entry_docx, doctype_docx, lying_docx, many_entries_docx, nested_docx, paragraphs_docx, raw_docx, body_xml,
)
from pipeline.errors import InputError
from pipeline.read import Limits, read_draft
from pipeline.read.safezip import SafeZip


def refused(path, limits: Limits | None = None) -> InputError:
    with pytest.raises(InputError) as e:
        read_draft(path, limits or Limits())
    assert has_cjk(e.value.message)
    return e.value


def test_a_size_that_lies_is_refused_as_not_what_it_says(tmp_path):
    f = lying_docx(tmp_path / "谎报大小.docx", actual_mb=8)
    with zipfile.ZipFile(f) as z:
        assert z.getinfo("word/document.xml").file_size == 4096  # the lie is in place
    e = refused(f)
    assert e.code == "CORRUPT"
    assert "word/document.xml 的数据与声明不符" in e.message


def test_a_part_inflating_past_the_part_cap_is_a_zip_bomb(tmp_path):
    e = refused(bomb_entry_docx(tmp_path / "炸弹.docx", mb=3), Limits(max_part_bytes=2 << 20))
    assert e.code == "ZIP_BOMB"
    assert "word/media/image1.bin 解压后超过 2 MB" in e.message


def test_parts_inflating_past_the_package_budget_are_a_zip_bomb(tmp_path):
    e = refused(bomb_entry_docx(tmp_path / "炸弹.docx", mb=3), Limits(max_unzipped_bytes=2 << 20))
    assert e.code == "ZIP_BOMB"
    assert "解压后超过 2 MB" in e.message


@pytest.mark.parametrize("kind", ["laughs", "external", "utf16", "comment", "header"])
def test_a_doctype_in_any_xml_part_is_refused(tmp_path, kind):
    e = refused(doctype_docx(tmp_path / f"{kind}.docx", kind))
    assert e.code == "XML_DOCTYPE"
    assert "DOCTYPE" in e.message


def test_parse_xml_refuses_a_doctype_before_the_parser_sees_it(tmp_path):
    from pipeline.read.safezip import parse_xml

    with zipfile.ZipFile(doctype_docx(tmp_path / "laughs.docx")) as z:
        body = z.read("word/document.xml")
    with pytest.raises(InputError) as e:
        parse_xml(body, "word/document.xml")
    assert e.value.code == "XML_DOCTYPE"


def test_millions_of_paragraphs_are_refused_before_any_tree_is_built(tmp_path):
    e = refused(paragraphs_docx(tmp_path / "段落.docx", 5000), Limits(max_xml_nodes=10_000))
    assert e.code == "TOO_COMPLEX"
    assert "超过 10,000 个 XML 元素" in e.message


def test_more_paragraphs_than_the_cap_are_refused_from_the_bytes(tmp_path):
    e = refused(paragraphs_docx(tmp_path / "段落.docx", 1500), Limits(max_paragraphs=1000))
    assert e.code == "TOO_LARGE"
    assert "段落过多（超过 1,000 段）" in e.message


def test_more_text_blocks_than_the_cap_are_refused_after_reading(tmp_path):
    from hostile import raw_pdf, text_page

    lines = [f"Line {i}:" for i in range(40)]  # a colon ends a paragraph: 40 blocks
    f = raw_pdf(tmp_path / "多段.pdf", [(text_page(*lines), False)])
    e = refused(f, Limits(max_paragraphs=10))
    assert e.code == "TOO_LARGE"
    assert "文稿过长" in e.message


def test_more_characters_than_the_cap_are_refused(tmp_path):
    f = raw_docx(tmp_path / "长.docx", {"word/document.xml": body_xml("通知", "字" * 5000)})
    e = refused(f, Limits(max_chars=4000))
    assert e.code == "TOO_LARGE"
    assert "5,002 字" in e.message


def test_nesting_deeper_than_the_parser_allows_is_corrupt(tmp_path):
    e = refused(nested_docx(tmp_path / "深.docx", 400))
    assert e.code == "CORRUPT"


def test_nesting_within_the_parser_limit_is_read(tmp_path):
    draft = read_draft(nested_docx(tmp_path / "深.docx", 80), Limits())
    assert [b.text for b in draft.blocks] == ["关于调整局领导班子成员工作分工的通知", "深处"]


def test_too_many_entries_are_refused_from_the_end_record(tmp_path):
    e = refused(many_entries_docx(tmp_path / "条目.docx", 3000))
    assert e.code == "ZIP_BOMB"
    assert "内部条目过多" in e.message


def test_an_entry_compressed_as_word_never_does_is_refused(tmp_path):
    f = tmp_path / "bz2.docx"
    with zipfile.ZipFile(f, "w", zipfile.ZIP_BZIP2) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", body_xml("通知"))
    e = refused(f)
    assert e.code == "ZIP_BOMB"
    assert "压缩方式" in e.message


def test_a_nested_package_shares_the_budget_of_the_outer_one(tmp_path):
    inner = bomb_entry_docx(tmp_path / "inner.docx", mb=3).read_bytes()
    outer = raw_docx(tmp_path / "outer.docx", {"word/document.xml": body_xml("通知"),
                                               "word/embeddings/x.docx": inner})
    limits = replace(Limits(), max_unzipped_bytes=2 << 20)
    with SafeZip(outer, limits) as z:
        z.validate()
        with pytest.raises(InputError) as e:
            z.nested("word/embeddings/x.docx").validate()
    assert e.value.code == "ZIP_BOMB"


def test_a_real_docx_passes_the_safe_layer(tmp_path):
    f = official_doc(tmp_path / "正常.docx")
    with SafeZip(f, Limits()) as z:
        z.validate()
        root = z.xml("word/document.xml")
    assert root.tag.endswith("}document")


HOSTILE = {
    "1谎报大小.docx": lambda p: lying_docx(p, actual_mb=8),
    "2笑声.docx": lambda p: doctype_docx(p, "laughs"),
    "3外部实体.docx": lambda p: doctype_docx(p, "external"),
    "4条目.docx": lambda p: many_entries_docx(p, 3000),
}


def test_each_attack_is_a_clear_error_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "批"
    folder.mkdir()
    for name, make in HOSTILE.items():
        make(folder / name)
    official_doc(folder / "9正常.docx")
    out = subprocess.run([gongkai_script(), "check", str(folder), "--json"], capture_output=True, text=True)
    assert out.returncode == 3
    reports = json.loads(out.stdout)
    errors = {r["file"].split("/")[-1]: r["error"]["code"] for r in reports if r["status"] == "error"}
    assert errors == {"1谎报大小.docx": "CORRUPT", "2笑声.docx": "XML_DOCTYPE", "3外部实体.docx": "XML_DOCTYPE",
                      "4条目.docx": "ZIP_BOMB"}
    good = [r for r in reports if r["file"].endswith("9正常.docx")][0]
    assert good["status"] == "ok"
    assert all(has_cjk(r["error"]["message"]) for r in reports if r["status"] == "error")
