"""Stage 1 — reading: a .docx or .pdf becomes located blocks in reading order, nothing lost or doubled."""
from __future__ import annotations


from fixtures import (
    Centre, ContentControl, Left, Right, Table, TextBox, check, codes, findings_of, make_docx, make_pdf,
    official_doc, wrapped_lines,
)
from pipeline.read import Limits, read_draft
from pipeline.textutil import squeeze


def blocks(path):
    return tuple(b for b in read_draft(path, Limits()).blocks if b.part != "property")  # python-docx writes an author


def texts(path):
    return [b.text for b in blocks(path)]


# ------------------------------------------------------------------------------------------------ .docx
def test_docx_body_order_paragraphs_and_table_rows(tmp_path):
    path = make_docx(tmp_path / "order.docx", [
        "一、基本情况",
        Table([["项目", "金额"], ["党费收入", "12000元"]]),
        "二、使用情况",
        Table([["项目", "金额"], ["订阅党报党刊", "3000元"], ["慰问困难党员", "2000元"]]),
        "三、结余情况",
    ])
    got = [(b.location, b.text) for b in blocks(path)]
    assert got == [
        ("第1段", "一、基本情况"),
        ("表1第1行", "项目\t金额"),
        ("表1第2行", "党费收入\t12000元"),
        ("第2段", "二、使用情况"),
        ("表2第1行", "项目\t金额"),
        ("表2第2行", "订阅党报党刊\t3000元"),
        ("表2第3行", "慰问困难党员\t2000元"),
        ("第3段", "三、结余情况"),
    ]


def test_docx_table_row_keeps_its_cells(tmp_path):
    path = make_docx(tmp_path / "cells.docx", ["统计表"], tables=[[["姓名", "职务", "联系电话"], ["王建国", "主任", "85820611"]]])
    rows = [b for b in blocks(path) if b.kind == "row"]
    assert [r.cells for r in rows] == [("姓名", "职务", "联系电话"), ("王建国", "主任", "85820611")]


def test_docx_empty_paragraphs_do_not_count(tmp_path):
    path = make_docx(tmp_path / "gaps.docx", ["第一段文字", "", "   ", "第二段文字"])
    assert [(b.location, b.text) for b in blocks(path)] == [("第1段", "第一段文字"), ("第2段", "第二段文字")]


def test_docx_vml_text_box_is_read_in_place(tmp_path):
    path = make_docx(tmp_path / "box.docx", [
        "局机关各科室：",
        TextBox(["监督电话：85820611"], anchor_text="现将有关事项通知如下。"),
        "特此通知。",
    ])
    got = texts(path)
    assert got == ["局机关各科室：", "现将有关事项通知如下。", "监督电话：85820611", "特此通知。"]


def test_docx_word2010_text_box_is_read_once(tmp_path):
    """Word 2010+ writes a text box twice: a DrawingML choice and a VML fallback with the same text."""
    path = make_docx(tmp_path / "box2010.docx", [
        "局机关各科室：",
        TextBox(["联系人：李明华 13857162044"], anchor_text="现将有关事项通知如下。", vml_only=False),
        "特此通知。",
    ])
    got = texts(path)
    assert got == ["局机关各科室：", "现将有关事项通知如下。", "联系人：李明华 13857162044", "特此通知。"]
    assert [b.location for b in blocks(path)] == ["第1段", "第2段", "第3段（文本框）", "第4段"]


def test_docx_text_box_content_is_checked(tmp_path):
    path = make_docx(tmp_path / "boxpii.docx", [
        "关于做好科普活动周工作的通知",
        TextBox(["联系人：李明华，手机13857162044"], anchor_text="请各科室做好准备。"),
    ])
    r = check(path)
    assert "PII_PHONE" in codes(r)
    assert findings_of(r, "PII_PHONE")[0].evidence.replace(" ", "") == "13857162044"


def test_docx_block_content_control_is_read_in_place(tmp_path):
    path = make_docx(tmp_path / "sdt.docx", [
        "关于召开党员大会的通知",
        ContentControl(["定于2023年10月20日召开党员大会。", "请全体党员准时参加。"]),
        "特此通知。",
    ])
    assert texts(path) == ["关于召开党员大会的通知", "定于2023年10月20日召开党员大会。", "请全体党员准时参加。", "特此通知。"]


def test_docx_inline_content_control_is_part_of_its_paragraph(tmp_path):
    path = make_docx(tmp_path / "sdt_inline.docx", [
        "关于召开党员大会的通知",
        ContentControl(["2023年10月20日"], inline=True, before="定于", after="召开党员大会。"),
    ])
    assert texts(path) == ["关于召开党员大会的通知", "定于2023年10月20日召开党员大会。"]


def test_docx_content_control_inside_body_is_checked(tmp_path):
    path = make_docx(tmp_path / "sdt_secret.docx", ["关于一起违纪问题的通报"], content_control="本通报属于党内秘密，注意保管。")
    r = check(path)
    assert "SECRET" in codes(r)


def test_docx_headers_and_footers_are_seen(tmp_path):
    path = make_docx(tmp_path / "hf.docx", ["关于召开党员大会的通知", "请全体党员准时参加。"],
                     header=["青川区科学技术局"], footer=["联系人：李明华 13857162044"])
    bl = blocks(path)
    assert [(b.kind, b.text) for b in bl if b.kind in ("header", "footer")] == [
        ("header", "青川区科学技术局"), ("footer", "联系人：李明华 13857162044")]
    # the body comes first and keeps its numbering
    assert [(b.location, b.text) for b in bl if b.kind == "para"] == [
        ("第1段", "关于召开党员大会的通知"), ("第2段", "请全体党员准时参加。")]
    r = check(path)
    phone = findings_of(r, "PII_PHONE")
    assert phone and "页脚" in phone[0].location


def test_docx_core_properties_title_is_read(tmp_path):
    path = make_docx(tmp_path / "core.docx", ["关于召开党员大会的通知"], core_title="党员大会通知")
    assert read_draft(path, Limits()).core_title == "党员大会通知"


def test_docx_ideographic_space_does_not_break_words(tmp_path):
    """U+3000 used for layout (indents, gaps between organ and date) never hides a keyword or a number."""
    path = official_doc(
        tmp_path / "u3000.docx",
        docno="青科党〔2023〕\u300021号",
        body=["经局党组会议研究\u3000决定：", "联系电话：138\u30005716\u30002044。"],
        signature="\u3000\u3000\u3000\u3000中共青川区科学技术局党组",
        date="\u3000\u3000\u3000\u30002023年9月12日\u3000",
    )
    r = check(path)
    md = r.metadata
    assert md.doc_number == "青科党〔2023〕21号"
    assert md.issuer == "中共青川区科学技术局党组"
    assert md.date == "2023-09-12"
    assert "INSIDE_FIRST" in codes(r)


def test_docx_has_no_page_count(tmp_path):
    r = check(official_doc(tmp_path / "a.docx"))
    assert r.metadata.format == "docx"
    assert r.metadata.pages is None


# ------------------------------------------------------------------------------------------------ .pdf
LONG = ("为进一步推进党务公开工作规范化、制度化、程序化，根据区委关于党务公开工作的部署要求，"
        "结合我局实际，制定本方案，请各科室认真贯彻执行。")


def test_pdf_wrapped_line_is_rejoined(tmp_path):
    lines = wrapped_lines(LONG)
    assert len(lines) >= 2  # the factory really wraps it
    path = make_pdf(tmp_path / "wrap.pdf", [[Centre("关于推进党务公开工作的实施方案"), LONG, "一、总体要求"]])
    assert texts(path) == ["关于推进党务公开工作的实施方案", LONG, "一、总体要求"]


def test_pdf_consecutive_short_paragraphs_stay_apart(tmp_path):
    path = make_pdf(tmp_path / "short.pdf", [["一、基本事实。", "二、处理意见。", "三、工作要求。", LONG]])
    assert texts(path) == ["一、基本事实。", "二、处理意见。", "三、工作要求。", LONG]


def test_pdf_two_wrapped_paragraphs_stay_apart(tmp_path):
    second = "各科室要高度重视，明确专人负责，按照时间节点抓好落实，确保各项任务按期完成，并于每季度末报送工作进展情况。"
    assert len(wrapped_lines(second)) >= 2
    path = make_pdf(tmp_path / "two.pdf", [[LONG, second]])
    assert texts(path) == [LONG, second]


FILLER = "根据局党组年度工作安排和区委有关文件精神以及上级部门的具体要求结合本局实际情况"


def _at_wrap(word: str, before: str, after: str) -> str:
    """A sentence in which the line wrap falls on `word`: a Chinese word is cut in two; a number (never
    broken by Word) is pushed whole to the start of the next line, leaving the first line short."""
    for n in range(len(FILLER)):
        text = before + FILLER[:n] + word + after
        lines = wrapped_lines(text)
        start = text.index(word)
        if len(lines) > 1 and (start < len(lines[0]) < start + len(word) or lines[1].startswith(word)):
            return text
    raise AssertionError("could not put the word at the wrap")


def test_pdf_keyword_cut_by_the_wrap_is_found(tmp_path):
    text = _at_wrap("重大决策", "经局党组研究，", "事项一律实行集体讨论。")
    assert "重大决策" not in wrapped_lines(text)[0] and "重大决策" not in wrapped_lines(text)[1]
    path = make_pdf(tmp_path / "cut.pdf", [[Centre("关于科技专项资金分配的通知"), text]])
    assert texts(path)[1] == text
    assert "INSIDE_FIRST" in codes(check(path))


def test_pdf_mobile_number_pushed_to_the_next_line_is_found(tmp_path):
    text = _at_wrap("13857162044", "如有疑问，请联系李明华同志，", "。")
    assert wrapped_lines(text)[1].startswith("13857162044")
    path = make_pdf(tmp_path / "cutphone.pdf", [[Centre("关于科普活动周的通知"), text]])
    phone = findings_of(check(path), "PII_PHONE")
    assert phone and phone[0].evidence == "13857162044"


def test_pdf_stretched_justified_line_is_rejoined_without_spaces(tmp_path):
    text = _at_wrap("13857162044", "如有疑问，请联系李明华同志，", "。")
    path = make_pdf(tmp_path / "stretched.pdf", [[Centre("关于科普活动周的通知"), text]])
    assert texts(path) == ["关于科普活动周的通知", text]


def test_pdf_centred_title_that_wraps_is_one_title(tmp_path):
    title = "中共青川区科学技术局党组关于调整局领导班子成员工作分工的通知"
    path = official_doc(tmp_path / "title.pdf", fmt="pdf", title=title)
    r = check(path)
    assert r.metadata.title == title


def test_pdf_page_count_and_page_locations(tmp_path):
    path = make_pdf(tmp_path / "three.pdf", [
        [Centre("关于召开党员大会的通知"), "定于2023年10月20日召开党员大会。"],
        ["请全体党员准时参加。"],
        [Right("中共青川区科学技术局机关委员会"), Right("2023年10月10日")],
    ])
    r = check(path)
    assert r.status == "ok"
    assert r.metadata.format == "pdf"
    assert r.metadata.pages == 3
    assert [b.location for b in blocks(path)] == ["第1页", "第1页", "第2页", "第3页", "第3页"]
    assert r.metadata.date == "2023-10-10"


def test_pdf_finding_location_names_its_page(tmp_path):
    path = make_pdf(tmp_path / "loc.pdf", [
        [Centre("关于科普活动周的通知"), "请各科室做好准备。"],
        ["联系人：李明华，手机13857162044。"],
    ])
    phone = findings_of(check(path), "PII_PHONE")
    assert phone and phone[0].location == "第2页"


def test_pdf_ideographic_space_is_handled(tmp_path):
    path = make_pdf(tmp_path / "u3000.pdf", [[
        Centre("关于召开党员大会的通知"),
        "定于2023年10月20日召开党员大会。",
        Right("中共青川区科学技术局机关委员会"),
        Right("2023年10月10日"),
        Left("青川区科学技术局办公室\u3000\u3000\u30002023年10月10日印发"),
    ]])
    bl = texts(path)
    assert not any("\u3000" in t for t in bl)
    assert squeeze(bl[-1]) == "青川区科学技术局办公室2023年10月10日印发"
    r = check(path)
    assert r.metadata.issuer == "中共青川区科学技术局机关委员会"
    assert r.metadata.date == "2023-10-10"


def test_pdf_text_is_real_chinese(tmp_path):
    path = official_doc(tmp_path / "doc.pdf", fmt="pdf")
    joined = "".join(texts(path))
    assert "(cid:" not in joined
    assert "局领导班子成员工作分工" in joined
