"""Real-world document shapes met in real offices' files, each rebuilt here as a small synthetic .docx or
.pdf in tmp_path (nothing is read from ../shared): tab-stop definitions, watermarks, 文号 in a table,
titles over several lines, joint issuers, statistics tables, placeholders, partly scanned PDFs …"""
from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.shared import Pt, RGBColor

from pipeline.check import check_file
from pipeline.read import Limits, read_draft
from pipeline.rules import load_rules

VML_NS = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.fixture(scope="module")
def rules():
    return load_rules()


# ------------------------------------------------------------------------------------------- builders
def para(document, text: str, size: float | None = None, red: bool = False, center: bool = False):
    p = document.add_paragraph()
    run = p.add_run(text)
    if size:
        run.font.size = Pt(size)
    if red:
        run.font.color.rgb = RGBColor(0xFF, 0, 0)
    if center:
        p.alignment = 1
    return p


def write_docx(path: Path, lines, header=(), table_first=None) -> Path:
    """lines: str or (text, size, red) tuples; header: page-header lines; table_first: rows of a table
    put before the body lines."""
    document = docx.Document()
    if table_first:
        table = document.add_table(rows=len(table_first), cols=len(table_first[0]))
        for r, row in enumerate(table_first):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
    for line in lines:
        text, size, red = (line, None, False) if isinstance(line, str) else line
        para(document, text, size, red)
    for text in header:
        document.sections[0].header.add_paragraph(text)
    document.save(str(path))
    return path


def write_pdf(path: Path, pages, images=()) -> Path:
    """pages: lists of lines; a line is text (body, 16 pt, left) or (text, size, "center"|"left"|"right").
    images: page numbers (1-based) that get a full-page grey image and no text — a scanned page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    for number, lines in enumerate(pages, start=1):
        if number in images:
            c.drawImage(ImageReader(_grey_png()), 40, 60, width - 80, height - 120)
        y = height - 90
        for line in lines:
            text, size, align = (line, 16, "left") if isinstance(line, str) else line
            c.setFont("STSong-Light", size)
            w = pdfmetrics.stringWidth(text, "STSong-Light", size)
            x = {"center": (width - w) / 2, "right": width - 80 - w}.get(align, 80)
            c.drawString(x, y, text)
            y -= size * 1.9
        c.showPage()
    c.save()
    return path


def _grey_png():
    import io
    import struct
    import zlib

    w, h = 60, 80
    raw = b"".join(b"\x00" + bytes([200]) * w for _ in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return io.BytesIO(png)


def report(path: Path, rules):
    r = check_file(path, rules)
    assert r.status == "ok", r.error
    return r


def codes(r) -> set[str]:
    return {f.code for f in r.findings}


# ------------------------------------------------------------------------------------------- reader
def test_tab_stop_definitions_are_not_text(tmp_path):
    """LibreOffice-converted .doc files define a dozen tab stops on every paragraph (w:pPr/w:tabs/w:tab);
    they are layout, not characters, and must not show up as leading tabs."""
    document = docx.Document()
    p = para(document, "舟银保监发〔2021〕39号")
    for i in range(1, 15):
        p.paragraph_format.tab_stops.add_tab_stop(Pt(21 * i))
    q = document.add_paragraph()
    q.add_run("甲")
    q.add_run().add_tab()
    q.add_run("乙")
    path = tmp_path / "tabs.docx"
    document.save(str(path))
    blocks = read_draft(path, Limits()).blocks
    assert blocks[0].text == "舟银保监发〔2021〕39号"
    assert blocks[1].text == "甲\t乙"  # a real tab character is still read


def _watermark_docx(path: Path, word: str) -> Path:
    document = docx.Document()
    para(document, "关于开展干部档案审核工作的通知")
    para(document, "请各科室按时报送材料。")
    header = document.sections[0].header
    pict = parse_xml(
        f'<w:r {VML_NS}><w:pict><v:shape id="PowerPlusWaterMarkObject1" type="#_x0000_t136" '
        'style="position:absolute;rotation:315;width:400pt;height:100pt" fillcolor="silver" stroked="f">'
        f'<v:textpath style="font-family:&quot;宋体&quot;;font-size:1pt" string="{word}"/></v:shape></w:pict></w:r>'
    )
    header.paragraphs[0]._p.append(pict)
    document.save(str(path))
    return path


@pytest.mark.parametrize("word, code", [("机密", "SECRET"), ("内部资料", "NOT_PUBLIC")])
def test_watermark_in_the_header_blocks(tmp_path, rules, word, code):
    """Word's 水印 is WordArt (v:textpath) in the page header: a 机密 or 内部资料 watermark is a marking."""
    r = report(_watermark_docx(tmp_path / "wm.docx", word), rules)
    assert code in codes(r)
    assert r.disclosable is False


# ------------------------------------------------------------------------------------------- secrecy
@pytest.mark.parametrize("shape", ["label", "table", "footer", "spaced", "header_only"])
def test_secrecy_mark_shapes(tmp_path, rules, shape):
    """密级 written as 密级：机密, in a 版头 table, in the footer, letter-spaced, or only in the page header."""
    body = ["关于调整局机关值班安排的通知", "局机关各科室：", "现将有关事项通知如下。", "青川区科学技术局", "2023年9月1日"]
    path = tmp_path / f"{shape}.docx"
    if shape == "label":
        write_docx(path, ["密级：机密", *body])
    elif shape == "table":
        write_docx(path, body, table_first=[["000123", "机密★5年"]])
    elif shape == "spaced":
        write_docx(path, ["机 密 ★ 5 年", *body])
    elif shape == "header_only":
        write_docx(path, body, header=["机密★5年"])
    else:
        document = docx.Document()
        for line in body:
            para(document, line)
        document.sections[0].footer.add_paragraph("机密")
        document.save(str(path))
    r = report(path, rules)
    assert "SECRET" in codes(r) and r.disclosable is False
    assert r.metadata.secrecy == "机密"


def test_highest_of_several_marks_wins(tmp_path, rules):
    path = write_docx(tmp_path / "two.docx", ["密级：秘密", "测试公文标题", "正文。"], header=["机密★5年"])
    md = report(path, rules).metadata
    assert (md.secrecy, md.secrecy_period) == ("机密", "5年")


def test_bare_declaration_blocks_without_inventing_a_level(tmp_path, rules):
    path = write_docx(tmp_path / "decl.docx", ["关于某事项的通报", "本通报属于党内秘密，请妥善保管。", "2023年9月1日"])
    r = report(path, rules)
    assert "SECRET" in codes(r) and r.disclosable is False
    assert r.metadata.secrecy is None  # 党内秘密 names no level: not guessed


def test_statistics_row_about_state_secrets_is_not_a_marking(tmp_path, rules):
    """A 政府信息公开工作年度报告 counts refusals whose reason is 属于国家秘密: a table row, not a marking."""
    path = write_docx(
        tmp_path / "annual.docx",
        ["洪泽区人民政府2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"],
        table_first=[["（三）不予公开", "1.属于国家秘密", "2"], ["", "2.其他法律行政法规禁止公开", "0"]],
    )
    r = report(path, rules)
    assert not codes(r) & {"SECRET", "NOT_PUBLIC", "NO_TEXT"} and r.disclosable is True
    assert r.metadata.secrecy is None


# ------------------------------------------------------------------------------------------- dates
def test_statistics_row_is_not_a_garbled_year(tmp_path, rules):
    """The PDF layer of an annual report prints a table row as '…禁止公开 30 1 0 0 0 0 31年' (the 年 of
    本年度 from the row label column): separate numbers, not the garbled year 301000031年."""
    path = write_pdf(tmp_path / "stats.pdf", [[
        ("淮安市人民政府", 22, "center"), ("2024 年政府信息公开工作年度报告", 22, "center"),
        "三、收到和处理政府信息公开申请情况",
        "本 2.其他法律行政法规禁止公开 30 1 0 0 0 0 31年",
        "3.危及“三安全一稳定” 5 0 0 0 0 0 5",
        "（四）制度完善阶段。时间为202223年初。",
    ]])
    r = report(path, rules)
    bad = [f for f in r.findings if f.code == "BAD_DATE"]
    assert len(bad) == 1 and "202223年" in bad[0].evidence


# ------------------------------------------------------------------------------------------- 发文字号 and title
def test_docno_inside_a_table_is_found(tmp_path, rules):
    """Converted .doc files often lay the 版头 out as a one-cell table holding the 发文字号."""
    path = write_docx(tmp_path / "t.docx", ["江苏保监局关于在全省开展车险投保人实名缴费的通知", "各保险公司：",
                                           "现将有关事项通知如下。", "2018年4月3日"])
    document = docx.Document(str(path))
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "苏保监发[2018]016号"
    document.paragraphs[0]._p.addnext(table._tbl)  # between the title and the salutation
    document.save(str(path))
    r = report(path, rules)
    assert r.metadata.doc_number == "苏保监发〔2018〕16号"
    assert "DOCNO_FORMAT" in codes(r)


def test_placeholder_docno_is_not_part_of_the_title(tmp_path, rules):
    path = write_docx(tmp_path / "p.docx", [("某单位文件", 42, True), "XXX〔2023〕X号", "测试公文标题", "正文。",
                                           "某单位", "二〇二三年一月一日"])
    md = report(path, rules).metadata
    assert md.title == "测试公文标题" and md.doc_number is None


def test_a_stray_doc_type_line_does_not_extend_a_finished_title(tmp_path, rules):
    """A web-converted notice: the title over two lines, then a lone 批复 label, then the 文号."""
    path = write_docx(tmp_path / "s.docx", ["关于加强浙江省打击", "保险领域违法犯罪协调配合工作的通知", "批复",
                                           "浙保监发[2009]33号", "各保险公司：", "正文。", "二〇〇九年十月二十一日"])
    md = report(path, rules).metadata
    assert md.title == "关于加强浙江省打击保险领域违法犯罪协调配合工作的通知"
    assert md.doc_number == "浙保监发〔2009〕33号" and md.date == "2009-10-21"


# ------------------------------------------------------------------------------------------- issuer
BODY = ["各有关单位：", "现将有关事项通知如下，请遵照执行。"]


@pytest.mark.parametrize("title, tail, issuer", [
    # joint issuers side by side, padded with NBSP / EN SPACE as converted .doc files have them
    ("关于印发农机购置补贴实施方案的通知", ["海南省农业农村厅\u00a0\u2002\u2002\u2002\u2002海南省财政厅", "2024年7月1日"],
     "海南省农业农村厅、海南省财政厅"),
    ("关于申报访学项目的通知", ["学生工作处    国际合作与交流处   ", "2018年4月9日"], "学生工作处、国际合作与交流处"),
    # joint issuers stacked, the date under the last
    ("关于实施农业保险电子保单试点的通告", ["上海保监局", "上海市农业委员会", "上海市金融服务办公室", "2018年2月7日"],
     "上海保监局、上海市农业委员会、上海市金融服务办公室"),
    # a seal placeholder between the organ and the date
    ("测试公文标题", ["BJTU单位", "（此处添加印章图片或文字说明）", "二〇二三年一月一日"], "BJTU单位"),
    # letter-spaced organ
    ("关于调整值班安排的通知", ["青 川 区 科 学 技 术 局", "2023年9月1日"], "青川区科学技术局"),
    # sealed only: 特此通知 / a placeholder above the date — the organ the title names
    ("上海银保监局关于印发业务管理办法的通知", ["特此通知。", "2022年10月23日"], "上海银保监局"),
    ("国防部关于放假的通知", ["Xxxxxxxxxxxxx", "2012年12月12日"], "国防部"),
    # sealed only and the title names no organ: unknown, not guessed
    ("关于印发实施方案的通知", ["特此通知", "二○○八年九月十六日"], None),
    ("关于成立党务公开领导小组", ["特此通知", "2023年3月1日"], None),
    # the last body sentence lacks its 。 but is no organ
    ("关于开展档案审核工作的通知", ["请各科室于8月31日前将材料报送局办公室", "中共青川区科学技术局党组", "2023年8月10日"],
     "中共青川区科学技术局党组"),
    # the body's last sentence directly above the date is no organ either
    ("中国银保监会江苏监管局关于贯彻落实指导意见的通知", ["其他非银行金融机构参照本意见执行", "2020年4月3日"],
     "中国银保监会江苏监管局"),
    # joint organs named in the title, joined by 、, and no dated signature (a web reprint)
    ("青川区科学技术局、青川区财政局关于调整党员活动经费标准的公告", ["特此公告。"], "青川区科学技术局、青川区财政局"),
    # 印发《关于…》: the organ before 印发, not the 关于 inside the quoted title
    ("青川区科学技术局印发《关于加强党员教育管理的若干意见》的通知", ["特此通知。"], "青川区科学技术局"),
], ids=["joint-one-line-nbsp", "joint-one-line-spaces", "joint-stacked", "seal-placeholder", "letter-spaced",
        "sealed-title-organ", "placeholder-title-organ", "sealed-unknown", "title-ends-like-an-organ",
        "sentence-without-stop", "sentence-above-date", "title-joint-organs", "title-organ-before-yinfa"])
def test_issuer_shapes(tmp_path, rules, title, tail, issuer):
    md = report(write_docx(tmp_path / "i.docx", [title, *BODY, *tail]), rules).metadata
    assert md.issuer == issuer


def test_dates_as_real_offices_write_them(tmp_path, rules):
    for n, (line, iso) in enumerate([("二○○八年九月十六日", "2008-09-16"), ("2015-11-4", "2015-11-04"),
                                     ("2023 年 1 月 1 日", "2023-01-01")]):
        md = report(write_docx(tmp_path / f"d{n}.docx", ["关于某事项的通知", *BODY, "某某办公室", line]), rules).metadata
        assert md.date == iso


# ------------------------------------------------------------------------------------------- obligations and markers
@pytest.mark.parametrize("sentence, fires", [
    ("收到补贴申请后，应于2个工作日内做出是否受理的决定，并告知申请人。", False),
    ("支行须配备受总行直接管理（包括任职、考核、确定薪酬等）的会计主管。", False),
    ("现任中层正职且任职时间满3年。", False),
    ("经局党组研究，决定任免以下同志职务。", True),
    ("经局党组会议研究，作出如下重大决策。", True),
])
def test_inside_first_ignores_procedural_decisions(tmp_path, rules, sentence, fires):
    path = write_docx(tmp_path / "o.docx", ["关于有关事项的通知", "各单位：", sentence, "某某办公室", "2024年7月1日"])
    assert ("INSIDE_FIRST" in codes(report(path, rules))) is fires


def test_do_not_circulate_marker_blocks(tmp_path, rules):
    path = write_docx(tmp_path / "m.docx", ["禁止外传", "关于某事项的通报", "正文。", "某某办公室", "2024年7月1日"])
    r = report(path, rules)
    assert "NOT_PUBLIC" in codes(r) and r.disclosable is False


# ------------------------------------------------------------------------------------------- title after the organ line
def test_title_broken_after_joint_organs_same_look(tmp_path, rules):
    """The organ line of a joint notice printed like the title lines under it is the title's first line."""
    path = write_docx(tmp_path / "j.docx", [
        ("海南省农业农村厅\u00a0\u2002海南省财政厅", 14.5, False), ("关于印发2024-2026年海南省农机", 14.5, False),
        ("购置与应用补贴实施方案的通知", 14.5, False), ("各市、县农业农村局、财政局：", 10.5, False),
        ("现将实施方案印发给你们，请认真贯彻执行。", 10.5, False),
        ("海南省农业农村厅\u2002\u2002\u2002\u2002海南省财政厅", 10.5, False), ("2024年7月1日", 10.5, False),
        ("（此件主动公开）", 10.5, False)])
    md = report(path, rules).metadata
    assert md.title == "海南省农业农村厅海南省财政厅关于印发2024-2026年海南省农机购置与应用补贴实施方案的通知"
    assert md.issuer == "海南省农业农村厅、海南省财政厅" and md.disclosure_note == "此件主动公开"


def test_red_banner_above_the_title_is_not_part_of_it(tmp_path, rules):
    """A red 版头 without 文件 (中共…组织部 in 34 pt red) directly above 关于…的通知 stays out of the title."""
    path = write_docx(tmp_path / "r.docx", [
        ("中共浙江省淳安县委组织部", 34, True), ("关于开展专业岗位领导干部遴选工作的通知", 22, False),
        ("各乡镇党委，县属各单位党组织：", 16, False), ("现就有关事项通知如下。", 16, False),
        ("中共淳安县委组织部", 16, False), ("2019年7月8日", 16, False)])
    md = report(path, rules).metadata
    assert md.title == "关于开展专业岗位领导干部遴选工作的通知" and md.issuer == "中共淳安县委组织部"


def test_pdf_annual_report_title_over_two_lines_without_signature(tmp_path, rules):
    """A 政府信息公开工作年度报告: 洪泽区人民政府 / 2023 年政府信息公开工作年度报告 in one size, no signature,
    dates only in the body (2023 年 1 月 1 日 as the PDF layer spaces them), an office landline."""
    path = write_pdf(tmp_path / "ar.pdf", [[
        ("洪泽区人民政府", 22, "center"), ("2023 年政府信息公开工作年度报告", 22, "center"),
        "本报告所列数据统计期限自 2023 年 1 月 1 日起至 2023 年 12 月 31 日止。",
        "如有疑问请联系区政府办公室，电话：0517-87222589。",
        "一、总体情况", "2023 年，我区主动公开政府信息 1136 条。",
    ]])
    r = report(path, rules)
    assert r.metadata.title == "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert r.metadata.issuer == "洪泽区人民政府" and r.metadata.date is None
    assert not codes(r) and r.disclosable is True


def test_pdf_red_banner_is_not_joined_to_the_title(tmp_path, rules):
    path = write_pdf(tmp_path / "rb.pdf", [[
        ("中共青川区科学技术局党组", 26, "center"), ("关于调整局领导班子成员工作分工的通知", 22, "center"),
        "局机关各科室：", "现将局领导班子成员工作分工调整如下。",
        ("中共青川区科学技术局党组", 16, "right"), ("2023年9月12日", 16, "right"),
    ]])
    md = report(path, rules).metadata
    assert md.title == "关于调整局领导班子成员工作分工的通知" and md.date == "2023-09-12"


def test_word2010_text_box_is_read_once(tmp_path):
    """Word 2010+ writes a text box twice: mc:Choice (wps) and mc:Fallback (VML)."""
    document = docx.Document()
    p = para(document, "正文第一段")
    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml"')
    box = '<w:txbxContent><w:p><w:r><w:t>秘密★1年</w:t></w:r></w:p></w:txbxContent>'
    p._p.append(parse_xml(
        f'<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx>'
        f'</w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>{box}</v:textbox></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>'))
    path = tmp_path / "tb.docx"
    document.save(str(path))
    texts = [b.text for b in read_draft(path, Limits()).blocks]
    assert texts.count("秘密★1年") == 1 and "正文第一段" in texts


# ------------------------------------------------------------------------------------------- unreadable parts
COVER = [("关于报送干部档案审核材料的通知", 22, "center"), "各科室：", "现将审核材料报送如下，详见附件扫描件。",
         ("青川区科学技术局", 16, "right"), ("2023年9月1日", 16, "right")]


def test_pdf_with_scanned_pages_after_a_typed_cover_is_not_clean(tmp_path, rules):
    """A typed cover page and scanned attachment pages: the scans were never checked, so NO_TEXT blocks
    (naming the pages), while the cover's metadata is still read."""
    path = write_pdf(tmp_path / "mixed.pdf", [COVER, [], [], []], images={2, 3, 4})
    r = report(path, rules)
    no_text = [f for f in r.findings if f.code == "NO_TEXT"]
    assert no_text and "第2–4页" in no_text[0].message and r.disclosable is False
    assert r.metadata.title == "关于报送干部档案审核材料的通知" and r.metadata.date == "2023-09-01"


def test_pdf_blank_page_is_not_a_scan(tmp_path, rules):
    r = report(write_pdf(tmp_path / "blank.pdf", [COVER, []]), rules)
    assert "NO_TEXT" not in codes(r) and r.disclosable is True


def test_image_only_pdf_is_no_text(tmp_path, rules):
    r = report(write_pdf(tmp_path / "scan.pdf", [[], [], []], images={1, 2, 3}), rules)
    assert codes(r) == {"NO_TEXT"} and r.disclosable is False and r.metadata.title is None


def _picture_docx(path: Path, lines, picture_cm: tuple[float, float], pictures: int = 1) -> Path:
    from docx.shared import Cm

    document = docx.Document()
    for line in lines:
        para(document, line)
    for _ in range(pictures):
        document.add_picture(_grey_png(), width=Cm(picture_cm[0]), height=Cm(picture_cm[1]))
    document.save(str(path))
    return path


def test_docx_of_pasted_scans_is_no_text(tmp_path, rules):
    """A Word file that is a title line and page-size pictures of a scanned document."""
    path = _picture_docx(tmp_path / "pasted.docx", ["关于某事项的通知（扫描件）"], (16, 23), pictures=3)
    r = report(path, rules)
    assert "NO_TEXT" in codes(r) and r.disclosable is False


def test_docx_red_banner_picture_is_fine(tmp_path, rules):
    """A red-header picture (wide, short) above a typed notice is layout, not a scan."""
    lines = ["舟银保监发〔2021〕39号", "中国银保监会舟山监管分局关于印发数据质量管理办法的通知", "各机构：",
             "现将《数据质量管理办法》印发给你们，请认真学习，严格遵照执行。", "中国银保监会舟山监管分局", "2021年5月21日"]
    r = report(_picture_docx(tmp_path / "banner.docx", lines, (15, 2.2)), rules)
    assert "NO_TEXT" not in codes(r) and r.disclosable is True


# ------------------------------------------------------------------------------------------- false blocks and alarms
def _notice(tmp_path, *body: str, name: str = "n.docx"):
    return write_docx(tmp_path / name, ["关于印发2023年度党务公开目录的通知", "局机关各科室：", *body,
                                        "青川区科学技术局", "2023年9月1日"])


@pytest.mark.parametrize("sentence", ["经保密审查，本文件不涉及国家秘密，可以公开。", "本通知内容未涉及党内秘密，可在专栏发布。"])
def test_secrecy_review_statement_is_not_a_secret(tmp_path, rules, sentence):
    r = report(_notice(tmp_path, "现将目录印发给你们。", sentence), rules)
    assert "SECRET" not in codes(r) and r.disclosable is True and r.metadata.secrecy is None


def test_declaration_of_secrecy_still_blocks(tmp_path, rules):
    r = report(_notice(tmp_path, "本文件涉及国家秘密，请严格控制知悉范围。"), rules)
    assert "SECRET" in codes(r) and r.disclosable is False


@pytest.mark.parametrize("line, fires", [("三、不得公开的事项", False), ("（二）内部资料的管理", False), ("内部资料", True),
                                         ("【内部文件】", True)])
def test_not_public_marker_versus_heading(tmp_path, rules, line, fires):
    r = report(_notice(tmp_path, "一、公开的原则。坚持依法依规。", line, "涉及个人隐私的事项不予公开。"), rules)
    assert ("NOT_PUBLIC" in codes(r)) is fires and r.disclosable is (not fires)


def test_decisive_significance_is_not_a_decision(tmp_path, rules):
    r = report(_notice(tmp_path, "深刻领悟“两个确立”的决定性意义，增强“四个意识”。"), rules)
    assert "INSIDE_FIRST" not in codes(r)


@pytest.mark.parametrize("body, fires", [
    (["为贯彻落实全区党建工作会议精神，制定本规则。", "第二条 凡属重大决策，必须由局党组集体讨论决定。"], False),
    (["经局党组会议研究，作出如下重大决策：", "一、专项资金项目评审结果向社会公示。"], True),
    (["本办法属于局党组重大决策，资金扶持范围覆盖全区科技型企业。"], True),
])
def test_escalate_needs_the_scope_near_the_decision(tmp_path, rules, body, fires):
    assert ("ESCALATE" in codes(report(_notice(tmp_path, *body), rules))) is fires


def test_impossible_date_in_chinese_numerals(tmp_path, rules):
    path = write_docx(tmp_path / "cn.docx", ["关于某事项的通知", *BODY, "某某办公室", "二〇二三年二月三十日"])
    assert "BAD_DATE" in codes(report(path, rules))


def test_full_width_digits(tmp_path, rules):
    path = write_docx(tmp_path / "fw.docx", ["青科党〔２０２３〕２１号", "关于某事项的通知", *BODY, "某某办公室", "２０２３年９月１２日"])
    md = report(path, rules).metadata
    assert (md.doc_number, md.date) == ("青科党〔2023〕21号", "2023-09-12")


def test_pdf_letter_spaced_justified_line(tmp_path, rules):
    """Word stretches a justified line whose last word (a number) was pushed to the next line; the PDF
    layer then puts a space between every two characters. They are layout: the sentence reads whole."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "stretch.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 16)
    c.drawCentredString(A4[0] / 2, 750, "关于科普活动周的通知")
    first = "如有疑问，请联系李明华同志，根据局党组年度"
    t = c.beginText(112, 710)
    t.setFont("STSong-Light", 16)
    t.setCharSpace(4)  # stretched to the right margin
    t.textOut(first)
    t.setCharSpace(0)
    c.drawText(t)
    c.drawString(80, 680, "13857162044。")
    c.save()
    r = report(path, rules)
    texts = [b.text for b in read_draft(path, Limits()).blocks]
    assert texts[1] == first + "13857162044。"
    assert [f.evidence for f in r.findings if f.code == "PII_PHONE"] == ["13857162044"]
