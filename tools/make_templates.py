"""Build the docxtpl templates of the documents gongkai produces, from scratch, with python-docx.

    .venv/bin/python tools/make_templates.py

writes byte-identical copies to `templates/` (the workspace copy staff may edit in Word) and
`pipeline/templates/` (shipped as package data). The output is reproducible: fixed core-property
dates and fixed zip timestamps, so re-running the script only shows a git diff when the layout changed.

Layout follows GB/T 9704 (党政机关公文格式): A4, 版心 156 mm × 225 mm (top 37, bottom 35, left 28,
right 26 mm), body 仿宋_GB2312 三号 with 22 lines a page, headings 黑体 / 楷体_GB2312, titles
方正小标宋简体 二号 centred, page numbers 宋体 四号 "— 1 —" (odd pages right, even pages left).

Rules for the jinja tags, so staff can reword the documents in Word without breaking them:
every tag is a run of its own, only plain `{{ var }}` tags, `{%tr for %}` / `{%tr if %}` rows for
the small tables and one `{%p if %}` block; no filters or expressions.
"""
from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
OUT_DIRS = (ROOT / "templates", ROOT / "pipeline" / "templates")

LATIN = "Times New Roman"
FANGSONG, HEITI, KAITI, SONGTI, XBS = "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体", "方正小标宋简体"
# Word substitutes w:altName when the GB2312 / 方正 fonts are not installed (plain Windows has 仿宋/楷体).
ALT_NAMES = {FANGSONG: "仿宋", KAITI: "楷体", XBS: "宋体", HEITI: "SimHei", SONGTI: "SimSun"}
LINE = Twips(579)  # 28.95 pt: 225 mm / 22 lines
TEXT_WIDTH = 156  # mm
FIXED_DATE = datetime(2024, 1, 1, tzinfo=timezone.utc)

Part = str | Sequence[str]  # text made of runs: each element of a sequence becomes its own run


# ----------------------------------------------------------------------------- document setup


def _set_fonts(rpr, east: str, latin: str = LATIN) -> None:
    """Explicit fonts on an rPr; theme-font attributes would override them, so they go."""
    fonts = rpr.get_or_add_rFonts()
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr == qn("w:cstheme"):
            del fonts.attrib[attr]
    for key, val in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east), ("w:cs", latin)):
        fonts.set(qn(key), val)


def _reset(style) -> None:
    """Drop the default template's paragraph/run formatting of a built-in style."""
    for tag in ("w:pPr", "w:rPr"):
        for el in style.element.findall(qn(tag)):
            style.element.remove(el)


def _para_style(doc, name: str, style_id: str | None, *, east: str, size: float,
                align=None, line=LINE, first_indent_chars: int = 0, before: float = 0,
                after: float = 0, bold: bool = False, base: str | None = "Normal"):
    styles = doc.styles
    if name in [s.name for s in styles]:
        style = styles[name]
        _reset(style)
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if style_id:
            style.style_id = style_id
    if base and name != base:
        style.base_style = styles[base]
    style.quick_style = True
    _set_fonts(style.element.get_or_add_rPr(), east)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    pf = style.paragraph_format
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing, pf.line_spacing_rule = line, WD_LINE_SPACING.EXACTLY
    if align is not None:
        pf.alignment = align
    if first_indent_chars:
        ind = OxmlElement("w:ind")  # 2 characters whatever the font size
        ind.set(qn("w:firstLineChars"), str(first_indent_chars * 100))
        ind.set(qn("w:firstLine"), str(int(size * 20 * first_indent_chars)))
        style.element.get_or_add_pPr().insert_element_before(
            ind, "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
            "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
            "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    return style


def _outline(style, level: int) -> None:
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    style.element.get_or_add_pPr().insert_element_before(
        el, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    style.paragraph_format.keep_with_next = True


def _styles(doc: DocumentObject) -> None:
    root = doc.styles.element
    for fonts in root.iter(qn("w:rFonts")):  # no theme fonts anywhere: they would win over ours
        for attr in list(fonts.attrib):
            if attr.endswith("Theme") or attr == qn("w:cstheme"):
                del fonts.attrib[attr]
    defaults = root.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, FANGSONG)
    for el in rpr.findall(qn("w:sz")) + rpr.findall(qn("w:szCs")):
        el.set(qn("w:val"), "32")
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    for key, val in (("w:after", "0"), ("w:line", "240"), ("w:lineRule", "auto")):
        spacing.set(qn(key), val)

    J = WD_ALIGN_PARAGRAPH
    _para_style(doc, "Normal", None, east=FANGSONG, size=16, align=J.JUSTIFY, base=None)
    _para_style(doc, "Title", None, east=XBS, size=22, align=J.CENTER, line=Pt(35), after=29)
    h1 = _para_style(doc, "Heading 1", None, east=HEITI, size=16, first_indent_chars=2)
    h2 = _para_style(doc, "Heading 2", None, east=KAITI, size=16, first_indent_chars=2)
    _outline(h1, 0)
    _outline(h2, 1)
    _para_style(doc, "公文正文", "GkBody", east=FANGSONG, size=16, align=J.JUSTIFY, first_indent_chars=2)
    _para_style(doc, "副标题", "GkSubtitle", east=KAITI, size=16, align=J.CENTER, after=14)
    _para_style(doc, "主送机关", "GkAddressee", east=FANGSONG, size=16)
    _para_style(doc, "落款", "GkSignature", east=FANGSONG, size=16, align=J.RIGHT)
    _para_style(doc, "附注", "GkNote", east=FANGSONG, size=16, first_indent_chars=2)
    _para_style(doc, "表头信息", "GkFormInfo", east=FANGSONG, size=14, line=None, after=4)
    _para_style(doc, "表格文字", "GkTableText", east=FANGSONG, size=14, line=None, align=J.LEFT)
    _para_style(doc, "表格标签", "GkTableLabel", east=HEITI, size=14, line=None, align=J.CENTER)
    _para_style(doc, "表格小字", "GkTableSmall", east=FANGSONG, size=10.5, line=None, align=J.LEFT)
    _para_style(doc, "表格小标签", "GkTableSmallLabel", east=HEITI, size=10.5, line=None, align=J.CENTER)
    caption = _para_style(doc, "表格标题", "GkTableCaption", east=HEITI, size=14, line=None,
                          align=J.CENTER, before=6, after=6)
    caption.paragraph_format.keep_with_next = True
    _para_style(doc, "生成说明", "GkGenerated", east=FANGSONG, size=10.5, line=None, before=6, align=J.LEFT)
    _para_style(doc, "表后空行", "GkGap", east=FANGSONG, size=8, line=None)
    _para_style(doc, "页码", "GkPageNumber", east=SONGTI, size=14, line=None)


def _settings(doc: DocumentObject) -> None:
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    doc.settings.odd_and_even_pages_header_footer = True


def _font_table(doc: DocumentObject) -> None:
    part = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    xml = part.blob.decode("utf-8")
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in ALT_NAMES.items())
    part._blob = xml.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _drop_parts(doc: DocumentObject) -> None:
    """The default template's thumbnail (a picture of an English page) and its Word-2010 style copy."""
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            pkg.rels.pop(rid)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.rels.pop(rid)


def _page_number(paragraph: Paragraph) -> None:
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(" —")


def _page_setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(23)
    for footer, align, indent in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                  (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["页码"]
        p.alignment = align
        setattr(p.paragraph_format, f"{indent}_indent", Pt(14))  # 空一字
        _page_number(p)
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False


def new_document(title: str) -> DocumentObject:
    doc = Document()
    _styles(doc)
    _settings(doc)
    _font_table(doc)
    _drop_parts(doc)
    _page_setup(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    cp = doc.core_properties
    cp.title, cp.author, cp.last_modified_by = f"{title}（模板）", "gongkai", "gongkai"
    cp.language, cp.subject, cp.comments = "zh-CN", "党务公开", "由 tools/make_templates.py 生成；双花括号标记请整体保留"
    cp.keywords, cp.category, cp.revision = "", "", 1
    cp.created = cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE
    return doc


# ----------------------------------------------------------------------------- building blocks


def runs(paragraph: Paragraph, text: Part) -> Paragraph:
    for piece in ([text] if isinstance(text, str) else text):
        if piece:
            paragraph.add_run(piece)
    return paragraph


def para(doc, text: Part = "", style: str = "公文正文", **fmt) -> Paragraph:
    p = runs(doc.add_paragraph(style=style), text)
    for key, val in fmt.items():
        setattr(p.paragraph_format, key, val)
    return p


def _tr_flag(row, tag: str) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement(tag)
    if tag == "w:cantSplit":
        trpr.insert_element_before(el, "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
    else:
        trpr.insert_element_before(el, "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del")


def table(doc: DocumentObject, widths: Sequence[float]) -> Table:
    assert abs(sum(widths) - TEXT_WIDTH) < 0.01 or sum(widths) < TEXT_WIDTH, widths
    t = doc.add_table(rows=0, cols=len(widths))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tblw = t._tbl.tblPr.find(qn("w:tblW"))
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(Mm(sum(widths)).twips))
    for col, w in zip(t.columns, widths):
        col.width = Mm(w)
    return t


def row(t: Table, cells: Sequence[tuple[Part, str] | None], *, widths: Sequence[float],
        height: float | None = None, exact: bool = False, top: bool = False):
    """Add a row. `cells` holds (text, style) per grid column; None merges into the cell on its left."""
    r = t.add_row()
    for cell, w in zip(r.cells, widths):
        cell.width = Mm(w)
    if height:
        r.height = Mm(height)
        r.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY if exact else WD_ROW_HEIGHT_RULE.AT_LEAST
    spans: list[tuple[int, int]] = []
    for i, spec in enumerate(cells):
        if spec is None:
            spans[-1] = (spans[-1][0], i)
        else:
            spans.append((i, i))
    grid = list(r.cells)
    for (a, b), spec in zip(spans, [c for c in cells if c is not None]):
        cell: _Cell = grid[a].merge(grid[b]) if b > a else grid[a]
        text, style = spec
        p = cell.paragraphs[0]
        p.style = t.part.document.styles[style]
        runs(p, text)
        at_top = top and "标签" not in style  # labels stay centred beside a tall box
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP if at_top else WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return r


def tag_row(t: Table, tag: str, widths: Sequence[float], style: str = "表格小字"):
    """A docxtpl `{%tr ... %}` row: the whole row is replaced by the tag when rendering."""
    return row(t, [(tag, style)] + [None] * (len(widths) - 1), widths=widths)


def gap(doc) -> None:
    """A small empty paragraph after a table, so the next heading does not stick to the table."""
    para(doc, "", "表后空行")


def cell_paragraph(cell: _Cell, text: Part, style: str, **fmt) -> Paragraph:
    p = runs(cell.add_paragraph(style=style), text)
    for key, val in fmt.items():
        setattr(p.paragraph_format, key, val)
    return p


def signature(doc, org: Part, date: Part) -> None:
    """落款: organ and date right-aligned, 空四字 from the right edge, one blank line above; never
    alone on a page (the last paragraph of the text keeps with it)."""
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    para(doc, "", "公文正文", keep_with_next=True)
    para(doc, org, "落款", right_indent=Pt(16 * 4), keep_with_next=True)
    para(doc, date, "落款", right_indent=Pt(16 * 4))


# ----------------------------------------------------------------------------- the documents


def approval_form() -> DocumentObject:
    doc = new_document("党务公开审批表")
    para(doc, "党务公开审批表", "Title", space_after=Pt(12))
    info = para(doc, ["填报单位：", "{{ org }}"], "表头信息")
    info.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
    info.add_run().add_tab()
    runs(info, ["事项编号：", "{{ item_id }}"])

    w = (26, 52, 26, 52)
    t = table(doc, w)
    L, V = "表格标签", "表格文字"
    row(t, [("公开事项", L), ("{{ title }}", V), None, None], widths=w, height=8)
    row(t, [("发文字号", L), ("{{ doc_number }}", V), ("发文机关", L), ("{{ issuer }}", V)], widths=w, height=8)
    row(t, [("成文日期", L), ("{{ date }}", V), ("内容类别", L), ("{{ category_name }}", V)], widths=w, height=8)
    row(t, [("公开范围", L), ("{{ scope }}", V), ("公开形式", L), ("{{ form }}", V)], widths=w, height=8)
    row(t, [("公开期限", L), ("{{ period }}", V), ("公开时限", L), ("{{ timing }}", V)], widths=w, height=8)
    row(t, [("内容摘要", L), ("{{ summary }}", V), None, None], widths=w, height=18, top=True)
    row(t, [("检查结论", L), ("{{ verdict }}", V), None, None], widths=w, height=8)

    para(doc, "自动检查发现的问题", "表格标题", keep_with_next=True)
    _findings_table(doc, "findings")

    gap(doc)
    rw = (36, 120)  # a label of three lines, not four: two review boxes must stay on the form's one page
    rt = table(doc, rw)
    _review_row(rt, rw, "局党务公开领导小组（局党组）审核意见", "bureau")
    tag_row(rt, "{%tr if need_district %}", rw)
    _review_row(rt, rw, "区党务公开领导小组审核意见", "district")
    tag_row(rt, "{%tr endif %}", rw)
    para(doc, ["系统生成：", "{{ generated }}", "。审核意见栏空白处由审核人手写并签字。", "{{ page_note }}"], "生成说明")
    # the continuation sheet: findings that do not fit on the one-page form
    para(doc, "{%p if more_findings %}")
    para(doc, "附：检查发现的问题（续）", "表格标题", page_break_before=True)
    info = para(doc, ["事项编号：", "{{ item_id }}"], "表头信息")
    info.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
    info.add_run().add_tab()
    runs(info, "第2页 共2页")
    _findings_table(doc, "more_findings")
    para(doc, "{%p endif %}")
    return doc


def _findings_table(doc: DocumentObject, var: str) -> None:
    fw = (20, 66, 46, 24)
    ft = table(doc, fw)
    head = row(ft, [("性质", "表格小标签"), ("问题说明", "表格小标签"), ("原文依据", "表格小标签"),
                    ("位置", "表格小标签")], widths=fw, height=8)
    _tr_flag(head, "w:tblHeader")
    tag_row(ft, "{%%tr for f in %s %%}" % var, fw)
    r = row(ft, [("{{ f.severity }}", "表格小字"), ("{{ f.message }}", "表格小字"), ("{{ f.evidence }}", "表格小字"),
                 ("{{ f.location }}", "表格小字")], widths=fw, height=8)
    _tr_flag(r, "w:cantSplit")
    tag_row(ft, "{%tr endfor %}", fw)


def _review_row(t: Table, widths: Sequence[float], label: str, who: str) -> None:
    r = row(t, [(label, "表格标签"), ("{{ %s_opinion }}" % who, "表格文字")], widths=widths,
            height=19, top=True)  # room to write by hand; two boxes and one finding still fit one page
    _tr_flag(r, "w:cantSplit")
    box = r.cells[1]
    box.paragraphs[0].paragraph_format.first_line_indent = Pt(28)
    # signer and date on one line: the form must keep both boxes on its one page
    cell_paragraph(box, ["审核人签字：", "{{ %s_by }}" % who, "　　", "{{ %s_date }}" % who], "表格文字",
                   alignment=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Mm(4), space_before=Pt(6))


def predisclosure() -> DocumentObject:
    doc = new_document("预公开公示")
    para(doc, "党务公开事项预公开公示", "Title")
    para(doc, ["根据《中国共产党党务公开条例（试行）》和本单位党务公开工作有关规定，经", "{{ org }}",
               "审核同意，现将《", "{{ title }}", "》予以预公开，广泛听取党员、干部和群众的意见建议。"])
    para(doc, "一、预公开内容", "Heading 1")
    para(doc, "{{ summary }}")
    para(doc, "二、公示时间", "Heading 1")
    para(doc, ["{{ start }}", "至", "{{ end }}", "，共", "{{ days }}", "个工作日。"])
    para(doc, "三、意见反馈渠道", "Heading 1")
    para(doc, "公示期间，党员、干部和群众如有意见建议，可通过以下方式反映：")
    para(doc, ["（一）监督电话：", "{{ phone }}", "。"])
    para(doc, ["（二）意见箱：", "{{ box }}", "。"])
    para(doc, ["（三）党务公开监督员：", "{{ supervisors }}", "。"])
    para(doc, ["（四）联系人：", "{{ contact }}", "。"])
    para(doc, "反映意见建议应实事求是、客观公正。以个人名义反映的，请署真实姓名并留下联系方式，"
              "我们将严格保密，并在公示期满后将处理情况予以反馈。")
    signature(doc, "{{ org }}", "{{ start }}")
    para(doc, ["（事项编号：", "{{ item_id }}", "）"], "附注")
    para(doc, ["本公示由党务公开系统生成（", "{{ generated }}", "）。"], "生成说明")
    return doc


def disclosure() -> DocumentObject:
    doc = new_document("党务公开公告")
    para(doc, "党务公开公告", "Title")
    para(doc, ["（", "{{ scope_name }}", "公开）"], "副标题")
    para(doc, ["根据《中国共产党党务公开条例（试行）》和本单位党务公开工作有关规定，经", "{{ org }}",
               "审核同意，现将《", "{{ title }}", "》予以公开。"])
    para(doc, "一、基本情况", "Heading 1")
    para(doc, "{{ basics }}")
    para(doc, ["公开范围：", "{{ scope_text }}", "；公开形式：", "{{ form }}", "。"])
    para(doc, "二、公开内容", "Heading 1")
    para(doc, "{{ summary }}")
    para(doc, "{%p if redacted_note %}")
    para(doc, "{{ redacted_note }}", "公文正文")
    para(doc, "{%p endif %}")
    para(doc, ["党员、干部和群众对公开内容如有意见建议，可向本单位党务公开领导小组办公室反映", "{{ channels }}"])
    signature(doc, "{{ org }}", "{{ generated }}")
    para(doc, ["（事项编号：", "{{ item_id }}", "）"], "附注")
    return doc


def feedback_answer() -> DocumentObject:
    doc = new_document("意见反馈答复单")
    para(doc, "党务公开意见反馈答复单", "Title")
    para(doc, "{%p if round_note %}")
    para(doc, "{{ round_note }}", "生成说明", alignment=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "{%p endif %}")
    info = para(doc, ["单位：", "{{ org }}"], "表头信息")
    info.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
    info.add_run().add_tab()
    runs(info, ["编号：", "{{ feedback_id }}"])
    w = (26, 52, 26, 52)
    t = table(doc, w)
    L, V = "表格标签", "表格文字"
    row(t, [("公开事项", L), ("{{ item_title }}", V), None, None], widths=w, height=10)
    row(t, [("事项编号", L), ("{{ item_id }}", V), ("反映人", L), ("{{ person }}", V)], widths=w, height=10)
    row(t, [("收到日期", L), ("{{ received }}", V), ("反映渠道", L), ("{{ channel }}", V)], widths=w, height=10)
    row(t, [("意见建议", L), ("{{ content }}", V), None, None], widths=w, height=50, top=True)
    row(t, [("答复意见", L), ("{{ answer }}", V), None, None], widths=w, height=70, top=True)
    row(t, [("答复人", L), ("{{ answered_by }}", V), ("答复日期", L), ("{{ answered_at }}", V)],
        widths=w, height=14)
    para(doc, ["本答复单由党务公开系统生成（", "{{ generated }}", "），一式两份，一份交反映人，一份存档。"],
         "生成说明")
    return doc


def handling_results() -> DocumentObject:
    doc = new_document("处理结果公开")
    para(doc, "党务公开意见建议处理结果", "Title")
    para(doc, ["《", "{{ title }}", "》（事项编号：", "{{ item_id }}", "）公开期间，", "{{ org }}",
               "对党员、干部和群众通过各种渠道反映的意见建议逐条进行了研究办理，现将处理结果公开如下："])
    w = (26, 22, 54, 54)
    t = table(doc, w)
    S, SL = "表格小字", "表格小标签"
    head = row(t, [("收到日期", SL), ("反映渠道", SL), ("意见建议", SL), ("处理结果", SL)], widths=w, height=9)
    _tr_flag(head, "w:tblHeader")
    tag_row(t, "{%tr for r in rows %}", w)
    row(t, [("{{ r.received }}", S), ("{{ r.channel }}", S), ("{{ r.content }}", S), ("{{ r.answer }}", S)],
        widths=w, height=9)
    tag_row(t, "{%tr endfor %}", w)
    gap(doc)
    para(doc, "对处理结果仍有意见的，可通过监督电话、意见箱或党务公开监督员继续反映。")
    signature(doc, "{{ org }}", "{{ generated }}")
    return doc


def quarterly_report() -> DocumentObject:
    doc = new_document("季度党务公开情况汇报")
    para(doc, ["关于", "{{ quarter }}", "党务公开情况的汇报"], "Title")
    para(doc, "区党务公开领导小组：", "主送机关")
    para(doc, ["{{ quarter }}", "，", "{{ org }}", "按照党务公开工作有关规定，坚持先党内后党外、"
               "没有明确禁止公开的事项一般予以公开的原则，共收到文稿", "{{ received }}", "件，其中党务公开事项",
               "{{ total }}", "项，涉密或标明不公开、已拦截不予公开的", "{{ blocked }}", "件；审核通过",
               "{{ approved }}", "项次、退回修改", "{{ returned }}", "项次，预公开", "{{ predisclosed }}",
               "项，党内公开", "{{ inside }}", "项，党外公开", "{{ outside }}", "项。现将有关情况汇报如下："])
    para(doc, "一、本季度办理情况", "Heading 1")
    _count_table(doc, "summary", "项目", "数量")
    para(doc, "二、公开事项分类情况", "Heading 1")
    for caption, var in (("（一）按公开内容（本季度收到的党务公开事项）", "by_category"),
                         ("（二）按公开范围（本季度公开的事项）", "by_scope"),
                         ("（三）按公开形式（本季度公开的事项）", "by_form")):
        para(doc, caption, "Heading 2")
        _count_table(doc, var)
    para(doc, "三、已公开事项目录", "Heading 1")
    _list_table(doc, "disclosed", "d", (("事项编号", "id", 34), ("公开事项", "title", 72), ("公开日期", "date", 28),
                                          ("范围", "scope", 22)))
    para(doc, "完整目录见同期导出的党务公开台账（.xlsx）。", "生成说明")
    para(doc, "四、意见建议办理情况", "Heading 1")
    para(doc, ["本季度共收到党员、干部和群众意见建议", "{{ feedback_total }}", "件，答复",
               "{{ feedback_answered }}", "件（含以前收到、本季度答复的），截至季度末尚未答复",
               "{{ feedback_open }}", "件，答复情况已按规定予以公开。"])
    para(doc, "五、逾期未公开事项", "Heading 1")
    _list_table(doc, "overdue", "o", (("事项编号", "id", 34), ("公开事项", "title", 94), ("应公开日期", "due", 28)))
    para(doc, "六、下一步工作", "Heading 1")
    para(doc, "下一步，我们将继续严格执行党务公开审核、预公开和反馈程序，规定性工作按季度定期公开，"
              "阶段性工作在阶段完成后及时公开，临时性工作随时公开，对逾期事项逐项督办，"
              "切实保障党员、群众的知情权、参与权和监督权。")
    para(doc, "特此汇报。")
    signature(doc, "{{ org }}", "{{ generated }}")
    return doc


def _list_table(doc: DocumentObject, var: str, loop: str, columns) -> None:
    """A table with a header row and one row per element of `var` (a repeated header on every page)."""
    w = tuple(c[2] for c in columns)
    t = table(doc, w)
    S, SL = "表格小字", "表格小标签"
    head = row(t, [(c[0], SL) for c in columns], widths=w, height=8)
    _tr_flag(head, "w:tblHeader")
    tag_row(t, "{%tr for " + loop + " in " + var + " %}", w)
    row(t, [("{{ " + loop + "." + c[1] + " }}", S) for c in columns], widths=w, height=8)
    tag_row(t, "{%tr endfor %}", w)
    gap(doc)


def monthly_inspection() -> DocumentObject:
    """工作方案 六.3：每月组织一次检查督办 — for the leadership group."""
    doc = new_document("党务公开工作月度检查督办")
    para(doc, ["{{ month }}", "党务公开工作检查督办情况"], "Title")
    para(doc, "局党务公开领导小组：", "主送机关")
    para(doc, ["按照党务公开工作方案“每月组织一次检查督办”的要求，", "{{ office }}", "对截至", "{{ as_of }}",
               "的党务公开事项进行了检查：待审核、待签字", "{{ n_waiting }}", "项，逾期未公开", "{{ n_overdue }}",
               "项，10个工作日内到期", "{{ n_due_soon }}", "项，预公开期满或即将期满", "{{ n_periods }}",
               "项，意见建议未答复", "{{ n_opinions }}", "件。具体如下："])
    para(doc, "一、待审核、待签字事项", "Heading 1")
    _list_table(doc, "waiting", "r", (("事项编号", "id", 34), ("公开事项", "title", 50), ("环节", "step", 28),
                                       ("已等待（工作日）", "days", 20), ("责任人", "who", 22)))
    para(doc, "二、逾期未公开事项", "Heading 1")
    _list_table(doc, "overdue", "r", (("事项编号", "id", 34), ("公开事项", "title", 50), ("应公开日期", "due", 28),
                                       ("逾期（工作日）", "days", 20), ("责任人", "who", 22)))
    para(doc, "三、10个工作日内到期事项", "Heading 1")
    _list_table(doc, "due_soon", "r", (("事项编号", "id", 34), ("公开事项", "title", 50), ("应公开日期", "due", 28),
                                        ("剩余（工作日）", "days", 20), ("责任人", "who", 22)))
    para(doc, "四、预公开（公示）期满事项", "Heading 1")
    _list_table(doc, "periods", "r", (("事项编号", "id", 34), ("公开事项", "title", 44), ("公示期", "period", 34),
                                       ("情况", "state", 22), ("责任人", "who", 22)))
    para(doc, "五、未答复的意见建议", "Heading 1")
    _list_table(doc, "opinions", "r", (("意见编号", "id", 20), ("登记表编号", "number", 26), ("意见内容", "content", 38),
                                        ("所涉事项", "item", 34), ("已等待（工作日）", "days", 18), ("责任人", "who", 20)))
    para(doc, "六、督办要求", "Heading 1")
    para(doc, "请各责任人对上述事项逐项办理：待审核、待签字事项请尽快审核签字；逾期事项请说明原因并立即公开；"
              "即将到期事项请按期公开；公示期满的事项请及时正式公开；意见建议请在5个工作日内答复。"
              "办理情况于下次检查时通报。")
    signature(doc, "{{ org }}", "{{ generated }}")
    return doc


def annual_catalogue() -> DocumentObject:
    """《中国共产党党务公开条例（试行）》：党务公开目录 of the year."""
    doc = new_document("党务公开目录")
    para(doc, ["{{ org }}", "{{ year }}", "年度党务公开目录"], "Title")
    para(doc, ["本目录收录", "{{ year }}", "年度已公开的党务公开事项", "{{ total }}", "项（党内公开",
               "{{ inside }}", "项，党外公开", "{{ outside }}", "项），按公开内容类别排列。"])
    _list_table(doc, "rows", "r", (("序号", "n", 10), ("公开事项", "title", 46), ("内容类别", "category", 26),
                                    ("公开范围", "scope", 20), ("公开形式", "form", 22), ("公开时间", "date", 32)))
    signature(doc, "{{ org }}", "{{ generated }}")
    return doc


def _count_table(doc: DocumentObject, var: str, head: str = "类别", count: str = "事项数（项）") -> None:
    w = (90, 40)
    t = table(doc, w)
    S, SL = "表格小字", "表格小标签"
    row(t, [(head, SL), (count, SL)], widths=w, height=8)
    tag_row(t, "{%tr for c in " + var + " %}", w)
    row(t, [("{{ c.name }}", S), ("{{ c.count }}", S)], widths=w, height=8)
    t.rows[-1].cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    tag_row(t, "{%tr endfor %}", w)
    gap(doc)


TEMPLATES = {
    "审批表.docx": approval_form,
    "预公开公示.docx": predisclosure,
    "公开公告.docx": disclosure,
    "意见反馈答复单.docx": feedback_answer,
    "处理结果公开.docx": handling_results,
    "季度汇报.docx": quarterly_report,
    "月度检查.docx": monthly_inspection,
    "党务公开目录.docx": annual_catalogue,
}


def to_bytes(doc: DocumentObject) -> bytes:
    """Save, then rewrite the zip with fixed timestamps so the same layout gives the same bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


def main(argv: Sequence[str] = ()) -> int:
    dirs = [Path(a) for a in argv] or list(OUT_DIRS)
    for name, build in TEMPLATES.items():
        data = to_bytes(build())
        for folder in dirs:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
