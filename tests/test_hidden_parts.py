"""Issue 9 §1–3: every part of a draft that carries text is read and judged, with a location a clerk can
find; hidden places get a finding of their own; unreadable text is never 'clean'."""
from __future__ import annotations

from fixtures import check, codes, findings_of, resident_id
from hidden_fixtures import (
    BODY, CORE_REL, TITLE, comments_part, core_part, custom_part, docx, gbk_as_latin1, header_part, make_pdf, notes_part, p,
    pdf_with_attachment, pdf_with_xfa, pdf_without_mediabox, pdf_without_pages, r, runs, xlsx_bytes,
)
from pipeline.read import Limits, read_draft

ID = resident_id("33010619850307341")
MOBILE = "13857162044"
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def located(report, code):
    return [f.location for f in findings_of(report, code)]


def parts(path):
    return {b.part for b in read_draft(path, Limits()).blocks}


# ------------------------------------------------------------------------------------------------ .docx notes
def test_resident_id_only_in_a_footnote_is_found_there(tmp_path):
    path = docx(tmp_path / "fn.docx", parts={"word/footnotes.xml": notes_part("footnote", f"经办人身份证号：{ID}")},
                rels=[("rIdFn", "footnotes", "footnotes.xml")])
    assert located(check(path), "PII_ID") == ["脚注1"]


def test_mobile_in_an_endnote_is_found_there(tmp_path):
    path = docx(tmp_path / "en.docx", parts={"word/endnotes.xml": notes_part("endnote", "无", f"联系人手机 {MOBILE}")},
                rels=[("rIdEn", "endnotes", "endnotes.xml")])
    assert located(check(path), "PII_PHONE") == ["尾注2"]


def test_secrecy_mark_in_a_comment_blocks_with_its_location(tmp_path):
    path = docx(tmp_path / "c.docx", parts={"word/comments.xml": comments_part("同意", "秘密★1年")},
                rels=[("rIdC", "comments", "comments.xml")])
    report = check(path)
    assert located(report, "SECRET") == ["批注2"]
    assert report.disclosable is False


def test_comments_get_a_hidden_part_finding(tmp_path):
    path = docx(tmp_path / "c.docx", parts={"word/comments.xml": comments_part("请核对数字", "已改")},
                rels=[("rIdC", "comments", "comments.xml")])
    assert located(check(path), "HIDDEN_PART") == ["批注1、批注2"]


# ------------------------------------------------------------------------------------------------ revisions
def test_secrecy_mark_in_a_tracked_deletion_blocks(tmp_path):
    deleted = '<w:del w:id="1" w:author="a"><w:r><w:delText>秘密★1年</w:delText></w:r></w:del>'
    path = docx(tmp_path / "del.docx", body=[runs(deleted, r("现予公布。"))])
    assert located(check(path), "SECRET") == ["第3段·修订（已删除）"]


def test_deleted_text_is_not_part_of_the_paragraph(tmp_path):
    deleted = '<w:del w:id="1" w:author="a"><w:r><w:delText>删掉的话</w:delText></w:r></w:del>'
    path = docx(tmp_path / "del.docx", body=[runs(r("保留的话"), deleted)])
    texts = {b.location: b.text for b in read_draft(path, Limits()).blocks}
    assert texts["第3段"] == "保留的话"


def test_tracked_changes_get_hidden_part_findings(tmp_path):
    inserted = f'<w:ins w:id="2" w:author="a">{r("新增一句。")}</w:ins>'
    deleted = '<w:del w:id="3" w:author="a"><w:r><w:delText>旧的一句。</w:delText></w:r></w:del>'
    path = docx(tmp_path / "rev.docx", body=[runs(r("原文。"), inserted, deleted)])
    hidden = {f.message.split("含有")[1].split("，")[0]: f.location for f in findings_of(check(path), "HIDDEN_PART")}
    assert hidden == {"修订（已插入）（1处）": "第3段·修订（已插入）", "修订（已删除）（1处）": "第3段·修订（已删除）"}


def test_a_number_in_a_tracked_insertion_is_one_finding_in_its_paragraph(tmp_path):
    inserted = f'<w:ins w:id="2" w:author="a">{r(MOBILE[3:])}</w:ins>'
    path = docx(tmp_path / "ins.docx", body=[runs(r(f"联系电话：{MOBILE[:3]}"), inserted)])
    assert located(check(path), "PII_PHONE") == ["第3段"]


def test_hidden_run_is_read_and_located(tmp_path):
    path = docx(tmp_path / "vanish.docx", body=[runs(r("联系人：王晓丽"), r(f"手机{MOBILE}", "<w:vanish/>"))])
    report = check(path)
    assert located(report, "PII_PHONE") == ["第3段·隐藏文字"]
    assert located(report, "HIDDEN_PART") == ["第3段·隐藏文字"]


# ------------------------------------------------------------------------------------------------ fields, links, pictures
def test_field_code_is_read(tmp_path):
    field = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK '
             f'"tel:{MOBILE}" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
             f'{r("联系我们")}<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    path = docx(tmp_path / "fld.docx", body=[runs(field)])
    assert located(check(path), "PII_PHONE") == ["第3段·域代码"]


def test_simple_field_instruction_is_read(tmp_path):
    path = docx(tmp_path / "fs.docx", body=[runs(f'<w:fldSimple w:instr=" MERGEFIELD {ID} ">{r("«编号»")}</w:fldSimple>')])
    assert located(check(path), "PII_ID") == ["第3段·域代码"]


def test_hyperlink_target_in_the_rels_is_read(tmp_path):
    link = f'<w:hyperlink r:id="rIdL">{r("点击联系")}</w:hyperlink>'
    path = docx(tmp_path / "a.docx", body=[runs(link)], external=[("rIdL", "hyperlink", f"tel:{MOBILE}")])
    assert located(check(path), "PII_PHONE") == ["第3段·超链接地址"]


def test_image_alt_text_is_read(tmp_path):
    drawing = ('<w:r><w:drawing><wp:inline><wp:extent cx="100" cy="100"/>'
               '<wp:docPr id="1" name="图片 1" descr="内部资料"/></wp:inline></w:drawing></w:r>')
    path = docx(tmp_path / "alt.docx", body=[runs(drawing)])
    assert located(check(path), "NOT_PUBLIC") == ["第2段后·图片说明"]


def test_text_box_written_twice_by_word_is_read_once(tmp_path):
    inner = f"<w:txbxContent>{p(f'联系电话 {MOBILE}')}</w:txbxContent>"
    box = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:extent cx="10" cy="10"/>'
           f'<a:graphic><a:graphicData><wps:wsp><wps:txbx>{inner}</wps:txbx></wps:wsp></a:graphicData></a:graphic>'
           f'</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{inner}</v:textbox>'
           '</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    path = docx(tmp_path / "tb.docx", body=[runs(r("见右侧。"), box)])
    assert located(check(path), "PII_PHONE") == ["第4段（文本框）"]


# ------------------------------------------------------------------------------------------------ headers and footers
def test_first_page_and_second_section_headers_are_read(tmp_path):
    ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    first_section = (f'<w:p><w:pPr><w:sectPr {ns}><w:headerReference w:type="first" r:id="rIdH1"/><w:titlePg/>'
                     '</w:sectPr></w:pPr></w:p>')
    path = docx(tmp_path / "hf.docx", body=[first_section, p("第二节正文。")],
                sect='<w:footerReference w:type="even" r:id="rIdF2"/>',
                parts={"word/header1.xml": header_part("header", "机密★5年"),
                       "word/footer2.xml": header_part("footer", "内部资料")},
                rels=[("rIdH1", "header", "header1.xml"), ("rIdF2", "footer", "footer2.xml")])
    report = check(path)
    assert located(report, "SECRET") == ["页眉（首页）"]
    assert located(report, "NOT_PUBLIC") == ["第2节页脚（偶数页）"]


# ------------------------------------------------------------------------------------------------ properties, custom XML, glossary
def test_secrecy_mark_in_the_document_subject_blocks(tmp_path):
    path = docx(tmp_path / "prop.docx", parts={"docProps/core.xml": core_part(title=TITLE, subject="秘密★5年")},
                root_rels=[CORE_REL])
    assert located(check(path), "SECRET") == ["文档属性·主题"]


def test_chinese_remark_in_properties_gets_a_hidden_part_finding(tmp_path):
    path = docx(tmp_path / "prop.docx", parts={"docProps/core.xml": core_part(title=TITLE, description="初稿，待领导审定")},
                root_rels=[CORE_REL])
    assert located(check(path), "HIDDEN_PART") == ["文档属性·备注"]


def test_program_stamps_in_properties_are_no_finding(tmp_path):
    path = docx(tmp_path / "prop.docx", parts={
        "docProps/core.xml": core_part(title=TITLE, creator="章晓鸣", description="generated by python-docx"),
        "docProps/custom.xml": custom_part(KSOProductBuildVer="2052-11.1.0.9339")},
        root_rels=[CORE_REL, ("rIdCu", f"{'http://schemas.openxmlformats.org/officeDocument/2006/relationships'}"
                                       "/custom-properties", "docProps/custom.xml")])
    assert "HIDDEN_PART" not in codes(check(path))


def test_mobile_in_a_custom_property_is_found(tmp_path):
    path = docx(tmp_path / "cu.docx", parts={"docProps/custom.xml": custom_part(联系人电话=MOBILE)},
                root_rels=[("rIdCu", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties",
                            "docProps/custom.xml")])
    assert located(check(path), "PII_PHONE") == ["文档属性·自定义·联系人电话"]


def test_custom_xml_a_content_control_is_bound_to_is_read(tmp_path):
    control = ('<w:sdt><w:sdtPr><w:dataBinding w:xpath="/root/id" w:storeItemID="{1}"/></w:sdtPr>'
               f'<w:sdtContent>{p("（身份证号）")}</w:sdtContent></w:sdt>')
    path = docx(tmp_path / "bound.docx", body=[control],
                parts={"customXml/item1.xml": f"<root><id>{ID}</id></root>"})
    assert located(check(path), "PII_ID") == ["自定义XML数据1·id"]


def test_glossary_document_is_read(tmp_path):
    glossary = (f'<?xml version="1.0" encoding="UTF-8"?><w:glossaryDocument xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:docParts><w:docPart><w:docPartPr><w:name w:val="落款"/></w:docPartPr>'
                f'<w:docPartBody>{p(f"联系人手机：{MOBILE}")}</w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>')
    path = docx(tmp_path / "gl.docx", parts={"word/glossary/document.xml": glossary},
                rels=[("rIdG", "glossaryDocument", "glossary/document.xml")])
    assert located(check(path), "PII_PHONE") == ["文档部件「落款」·第1段"]


# ------------------------------------------------------------------------------------------------ altChunk, embedded
def test_alt_chunk_html_is_the_body(tmp_path):
    html = f"<html><body><p>{TITLE}</p><p>各党支部：</p><p>联系人电话 {MOBILE}。</p></body></html>".encode()
    path = tmp_path / "chunk.docx"
    docx(path, body=['<w:altChunk r:id="rIdA"/>'], parts={"word/chunk.html": html},
         rels=[("rIdA", "aFChunk", "chunk.html")])
    assert located(check(path), "PII_PHONE") == ["第5段（导入内容）"]


def test_alt_chunk_only_document_is_not_empty(tmp_path):
    html = f"<html><body><h1>{TITLE}</h1><p>{BODY}</p></body></html>".encode()
    document = tmp_path / "only.docx"
    docx(document, body=['<w:altChunk r:id="rIdA"/>'], parts={"word/chunk.html": html},
         rels=[("rIdA", "aFChunk", "chunk.html")])
    assert "NO_TEXT" not in codes(check(document))


def test_alt_chunk_rtf_in_gbk_is_read(tmp_path):
    rtf = (r"{\rtf1\ansi\ansicpg936{\fonttbl{\f0 SimSun;}}\f0 " + "".join(
        f"\\'{b:02x}" for b in "秘密★1年".encode("gbk")) + r"\par}").encode()
    path = docx(tmp_path / "rtf.docx", body=['<w:altChunk r:id="rIdA"/>'], parts={"word/chunk.rtf": rtf},
                rels=[("rIdA", "aFChunk", "chunk.rtf")])
    assert located(check(path), "SECRET") == ["第3段（导入内容）"]


def test_embedded_workbook_is_read(tmp_path):
    sheet = xlsx_bytes([["姓名", "身份证号"], ["王晓丽", ID]])
    path = docx(tmp_path / "emb.docx", parts={"word/embeddings/名单.xlsx": sheet},
                rels=[("rIdE", "package", "embeddings/名单.xlsx")])
    assert located(check(path), "PII_ID") == ["嵌入对象 名单.xlsx·工作表1第2行"]


def test_embedded_ole_object_is_reported_unchecked_and_blocks(tmp_path):
    obj = '<w:r><w:object><o:OLEObject ProgID="Excel.Sheet.8" r:id="rIdO"/></w:object></w:r>'
    path = docx(tmp_path / "ole.docx", body=[runs(obj)], parts={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"},
                rels=[("rIdO", "oleObject", "embeddings/oleObject1.bin")])
    report = check(path)
    assert located(report, "UNCHECKED_PART") == ["嵌入对象 oleObject1.bin（Excel.Sheet.8）"]
    assert report.disclosable is False


def test_strict_ooxml_is_read(tmp_path):
    path = docx(tmp_path / "strict.docx", body=[p(f"联系人手机 {MOBILE}")], strict=True)
    report = check(path)
    assert report.metadata.title == TITLE
    assert located(report, "PII_PHONE") == ["第3段"]


# ------------------------------------------------------------------------------------------------ normalisation
def test_full_width_mobile_with_ideographic_spaces_is_a_mobile(tmp_path):
    path = docx(tmp_path / "fw.docx", body=[p("联系电话：１３８　５７１６　２０４４")])
    assert findings_of(check(path), "PII_PHONE")[0].evidence == "138 5716 2044"


def test_zero_width_space_inside_a_number_does_not_hide_it(tmp_path):
    path = docx(tmp_path / "zw.docx", body=[runs(r("身份证号：" + ID[:6] + "\u200b"), r(ID[6:], "<w:b/>"))])
    assert located(check(path), "PII_ID") == ["第3段"]


# ------------------------------------------------------------------------------------------------ PDF parts
def test_secrecy_mark_in_a_pdf_note_blocks(tmp_path):
    path = make_pdf(tmp_path / "note.pdf", [["关于召开党员大会的通知", "定于下周召开党员大会。"]],
                    annotations=[(1, "秘密★1年")])
    assert located(check(path), "SECRET") == ["第1页·批注1"]


def test_pdf_form_field_value_is_read(tmp_path):
    path = make_pdf(tmp_path / "form.pdf", [["党员信息登记表", "请如实填写。"]], fields={"身份证号": ID})
    assert located(check(path), "PII_ID") == ["表单域「身份证号」"]


def test_pdf_subject_is_read(tmp_path):
    path = make_pdf(tmp_path / "info.pdf", [["关于召开党员大会的通知", "定于下周召开党员大会。"]], subject="内部资料")
    assert located(check(path), "NOT_PUBLIC") == ["文档属性·主题"]


def test_pdf_text_attachment_is_read(tmp_path):
    path = pdf_with_attachment(tmp_path / "att.pdf", "list.txt", f"王晓丽 {ID}\n".encode())
    assert located(check(path), "PII_ID") == ["附件 list.txt·第1行"]


def test_pdf_picture_attachment_is_unchecked(tmp_path):
    path = pdf_with_attachment(tmp_path / "att.pdf", "scan.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
    assert located(check(path), "UNCHECKED_PART") == ["附件 scan.png"]


def test_xfa_placeholder_without_form_words_is_no_text(tmp_path):
    path = pdf_with_xfa(tmp_path / "xfa.pdf", "Please wait... If this message is not eventually replaced",
                        b'<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/"><subform/></template>')
    assert "XFA" in findings_of(check(path), "NO_TEXT")[0].message


def test_xfa_form_words_are_read(tmp_path):
    data = f"<xfa:datasets xmlns:xfa='http://www.xfa.org/schema/xfa-data/1.0/'><xfa:data><form><phone>{MOBILE}</phone>" \
           "</form></xfa:data></xfa:datasets>"
    path = pdf_with_xfa(tmp_path / "xfa.pdf", "Please wait...",
                        b'<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/"><subform/></template>',
                        data.encode())
    assert located(check(path), "PII_PHONE") == ["XFA 表单第1行"]


# ------------------------------------------------------------------------------------------------ unreadable text layers
def test_gbk_bytes_shown_as_latin1_are_decoded(tmp_path):
    path = make_pdf(tmp_path / "gbk.pdf", [[gbk_as_latin1("秘密★1年"), gbk_as_latin1("关于召开党员大会的通知")]],
                    font="Helvetica")
    assert located(check(path), "SECRET") == ["第1页"]


def mixed_font_pdf(path, pages):
    """One line per page, each page in its own font: (font, text) pairs."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    for font, lines in pages:
        for k, line in enumerate(lines):
            c.setFont(font, 16)
            c.drawString(72, 760 - 30 * k, line)
        c.showPage()
    c.save()
    return path


def test_one_page_of_gbk_bytes_among_readable_pages_is_decoded(tmp_path):
    body = "各党支部要认真组织党员学习，按时足额缴纳党费，严格党费管理和使用。"
    path = mixed_font_pdf(tmp_path / "mixed.pdf", [
        ("STSong-Light", ["关于召开党员大会的通知", body]), ("STSong-Light", [body, body]),
        ("Helvetica", [gbk_as_latin1("秘密★1年"), gbk_as_latin1("附件：参会人员名单及联系方式")])])
    assert located(check(path), "SECRET") == ["第3页"]


def test_one_page_of_latin1_garbage_among_readable_pages_is_no_text(tmp_path):
    body = "各党支部要认真组织党员学习，按时足额缴纳党费，严格党费管理和使用。"
    path = mixed_font_pdf(tmp_path / "junk.pdf", [
        ("STSong-Light", ["关于召开党员大会的通知", body]), ("STSong-Light", [body, body]),
        ("Helvetica", ["ÃØÿÿ ÿÿÿ Ãÿ ÿÿ ÿÿÃ ÿÿÿÿ ÃØÿÿ ÿÿÿ Ãÿ ÿÿ ÿÿÃ ÿÿÿÿ"])])
    assert "第3页" in findings_of(check(path), "NO_TEXT")[0].message


def test_latin1_garbage_that_is_not_gbk_is_no_text(tmp_path):
    path = make_pdf(tmp_path / "junk.pdf", [["ÃØÿÿ ÿÿÿ Ãÿ ÿÿ ÿÿÃ ÿÿÿÿ"]], font="Helvetica")
    assert "乱码" in findings_of(check(path), "NO_TEXT")[0].message


def test_fake_bold_doubles_are_one_text(tmp_path):
    path = make_pdf(tmp_path / "bold.pdf", [["2011年年度报告", "定于下周召开党员大会。"]], fake_bold=True)
    assert [b.text for b in read_draft(path, Limits()).blocks if b.part == "body"][0] == "2011年年度报告"


def test_fake_bold_gives_no_bad_date(tmp_path):
    path = make_pdf(tmp_path / "bold.pdf", [["2011年年度报告", "定于下周召开党员大会。"]], fake_bold=True)
    assert "BAD_DATE" not in codes(check(path))


def test_pdf_without_pages_says_so(tmp_path):
    path = pdf_without_pages(tmp_path / "none.pdf")
    assert "没有找到任何页面" in findings_of(check(path), "NO_TEXT")[0].message


def test_pdf_without_mediabox_is_read(tmp_path):
    path = pdf_without_mediabox(tmp_path / "nobox.pdf", f"Phone {MOBILE}")
    assert located(check(path), "PII_PHONE") == ["第1页"]


def test_pdf_that_opens_without_a_password_is_read(tmp_path):
    path = make_pdf(tmp_path / "owner.pdf", [["关于召开党员大会的通知", "定于下周召开党员大会。"]], encrypt="",
                    owner_password="owner")
    assert check(path).status == "ok"


# ------------------------------------------------------------------------------------------------ text-layer judgement
def _page_blocks(*texts):
    from pipeline.model import Block

    return [Block(text=t, location="第1页", kind="page") for t in texts]


def test_xml_illegal_controls_are_cleaned_when_read():
    from pipeline.read.textlayer import judge

    blocks, _ = judge(_page_blocks("关于\u0001召开\u000b党员\ufffe大会的通知"), 0.0)
    assert blocks[0].text == "关于召开党员大会的通知"


def test_text_of_ffff_characters_is_no_text():
    from pipeline.read.textlayer import judge

    assert "U+FFFF" in judge(_page_blocks("\uffff\uffff\uffff\uffff", "\uffff\uffffA"), 0.0)[1]


def test_text_of_replacement_characters_is_no_text():
    from pipeline.read.textlayer import judge

    assert "替换字符" in judge(_page_blocks("\ufffd\ufffd\ufffd通知\ufffd\ufffd"), 0.0)[1]


def test_text_in_fonts_without_a_mapping_is_no_text():
    from pipeline.read.textlayer import judge

    assert "没有字符映射" in judge(_page_blocks('"7+%-'), 0.9)[1]
