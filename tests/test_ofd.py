"""OFD drafts written by the test: page text in reading order, the metadata and findings of any draft,
seals noted in the report, hostile packages refused with a Chinese message."""
from __future__ import annotations

import zipfile

from fixtures import check, codes, findings_of, has_cjk, resident_id
from ofd_helpers import Text, make_ofd, official_ofd

TITLE = "中共青川区科学技术局党组关于调整局领导班子成员工作分工的通知"
PII_ID = resident_id("51010219800101123")


def test_ofd_gives_title_docno_date_issuer(tmp_path):
    r = check(official_ofd(tmp_path / "分工.ofd"))
    assert r.status == "ok", r.error
    assert r.metadata.format == "ofd"
    assert r.metadata.title == TITLE
    assert r.metadata.doc_number == "青科党〔2023〕21号"
    assert r.metadata.date == "2023-09-12"
    assert r.metadata.issuer == "中共青川区科学技术局党组"
    assert r.metadata.pages == 1


def test_secret_mark_and_id_number_in_an_ofd_are_found(tmp_path):
    r = check(official_ofd(tmp_path / "通报.ofd", secrecy="秘密★1年", body=[f"当事人身份证号{PII_ID}，现予通报。"]))
    assert codes(r) == {"SECRET", "PII_ID"}
    assert r.disclosable is False
    assert findings_of(r, "SECRET")[0].location == "第1页"


SEAL_NOTE = "含电子印章（签章系统：青川区电子印章系统；位于页面 ID 100），签章真伪须在 OFD 阅读器中核验"


def test_seal_is_noted_in_the_report(tmp_path):
    r = check(official_ofd(tmp_path / "盖章.ofd", seal=True))
    assert r.metadata.notes == (SEAL_NOTE,)


def test_seal_is_shown_by_check_and_the_json_keeps_the_spec_keys(tmp_path, gongkai):
    path = official_ofd(tmp_path / "盖章.ofd", seal=True)
    assert f"说明：{SEAL_NOTE}" in gongkai("check", path).output
    result, reports = gongkai.json(path)
    assert "notes" not in reports[0]["metadata"]


def test_text_objects_are_read_in_reading_order_not_file_order(tmp_path):
    # 右半句 is drawn right where the first half ends (26 mm + 9 characters of 5.6 mm), but stored first
    page = [Text("第二行文字在下面。", 26, 120), Text("右半句。", 76.4, 100), Text("第一行文字在上面。", 26, 100)]
    r = check(make_ofd(tmp_path / "乱序.ofd", [page]))
    from pipeline.read import Limits, read_draft

    draft = read_draft(tmp_path / "乱序.ofd", Limits(), r.sha256)
    assert [b.text for b in draft.blocks] == ["第一行文字在上面。右半句。", "第二行文字在下面。"]


def test_ofd_without_text_is_no_text(tmp_path):
    r = check(make_ofd(tmp_path / "空白.ofd", [[]]))
    assert codes(r) == {"NO_TEXT"}


def test_a_doctype_in_an_ofd_part_is_refused(tmp_path):
    """Entity expansion (billion laughs) is never attempted: a DOCTYPE is refused as in any package."""
    path = official_ofd(tmp_path / "实体.ofd")
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocInfo><ofd:Title>&b;</ofd:Title>'
            '</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    rebuilt = tmp_path / "实体2.ofd"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(rebuilt, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, bomb if info.filename == "OFD.xml" else zin.read(info))
    r = check(rebuilt)
    assert r.status == "error"
    assert r.error.code == "XML_DOCTYPE"
    assert has_cjk(r.error.message)


def test_broken_ofd_is_an_error_in_chinese(tmp_path):
    path = official_ofd(tmp_path / "坏.ofd")
    broken = tmp_path / "缺页.ofd"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(broken, "w") as zout:
        for info in zin.infolist():
            if "Content.xml" not in info.filename:
                zout.writestr(info, zin.read(info))
    r = check(broken)
    assert r.status == "error"
    assert r.error.code == "CORRUPT"
    assert has_cjk(r.error.message)


def test_table_cells_on_one_line_stay_apart_so_a_phone_number_is_found(tmp_path):
    """An OFD table row (as e-invoices and forms are drawn): each cell its own text object, side by side.
    Glued together, a mobile number would run into the next cell's digits and go unseen."""
    cells = [Text("联系人", 20, 100, 3.5), Text("王五", 45, 100, 3.5), Text("13812345678", 70, 100, 3.5),
             Text("2", 140, 100, 3.5), Text("500.00", 160, 100, 3.5)]
    title = [Text("关于报送困难党员补助名单的通知", 40, 60, 7.7)]
    r = check(make_ofd(tmp_path / "名单.ofd", [title + cells]))
    assert codes(r) == {"PII_PHONE"}
