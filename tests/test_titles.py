"""Titles found from the layout: shapes met in real Party documents (branch resolutions with a table of
contents, a Party organ's 部门决算 with a cover page, a department's working paper with numbered headings,
a two-line form title, a speech that has no title), each rebuilt here as a synthetic look-alike."""
from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.shared import Pt

from fixtures import Centre, Left, Para, check, make_pdf


def sized_docx(path: Path, lines, table=None) -> Path:
    """lines: (text, size) pairs, or "PAGE" for a page break; table: rows appended after the lines."""
    document = docx.Document()
    for line in lines:
        if line == "PAGE":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        text, size = line
        document.add_paragraph().add_run(text).font.size = Pt(size)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
    document.save(str(path))
    return path


def title_of(path: Path) -> str | None:
    return check(path).metadata.title


BODY = "为进一步规范党员发展工作，经支部委员会讨论，结合本支部实际，制定本决议，请各党小组认真执行。"


def test_a_table_of_contents_is_not_part_of_the_title(tmp_path):
    path = sized_docx(tmp_path / "r.docx", [
        ("关于实行入党积极分子考察学时制度的决议（2023年修订）", 16), ("目录", 16),
        ("关于实行入党积极分子考察学时制度的决议\t1", 10.5), ("背景\t1", 10.5), ("一、\t基本原则\t1", 10.5),
        ("背景", 16), (BODY, 10.5),
    ])
    assert title_of(path) == "关于实行入党积极分子考察学时制度的决议（2023年修订）"


def test_a_spaced_toc_heading_and_leader_lines_end_the_title(tmp_path):
    path = sized_docx(tmp_path / "r.docx", [
        ("第三党支部2023年度党费收缴使用情况", 18), ("目  录", 18), ("一、收缴情况……………………2", 12), (BODY, 12),
    ])
    assert title_of(path) == "第三党支部2023年度党费收缴使用情况"


def test_the_cover_page_of_a_report_ends_its_title(tmp_path):
    """A Party organ's 部门决算: the title alone on its cover, the contents on page 2."""
    path = make_pdf(tmp_path / "j.pdf", [
        [Centre("中共青川区委组织部2024年度部门决算", 30)],
        [Centre("目 录", 16), Left("第一部分 中共青川区委组织部概况", 15), Left("一、主要职能", 15)],
        [Para(BODY)],
    ])
    assert title_of(path) == "中共青川区委组织部2024年度部门决算"


def test_the_title_does_not_run_onto_the_next_page(tmp_path):
    path = make_pdf(tmp_path / "j.pdf", [
        [Centre("中共青川区委组织部2024年度部门决算", 22)],
        [Centre("单位概况", 22), Para(BODY)],
    ])
    assert title_of(path) == "中共青川区委组织部2024年度部门决算"


def test_the_organ_before_the_year_of_a_report_title_is_its_issuer(tmp_path):
    path = make_pdf(tmp_path / "j.pdf", [[Centre("中共青川区委组织部2024年度部门决算", 30)], [Para(BODY)]])
    assert check(path).metadata.issuer == "中共青川区委组织部"


def test_numbered_section_headings_are_not_glued_to_a_short_title(tmp_path):
    """A working paper set all in one size: the numbered headings under it start the body."""
    path = sized_docx(tmp_path / "w.docx", [
        ("党员信息管理系统功能初步构想", 14), ("一、功能模块", 14), ("1. 信息管理", 14),
        ("基层党组织信息：党委、党总支、党支部。", 14),
    ])
    assert title_of(path) == "党员信息管理系统功能初步构想"


def test_a_smaller_line_under_the_title_is_not_part_of_it(tmp_path):
    path = sized_docx(tmp_path / "w.docx", [
        ("党员组织关系转接需求说明", 18), ("教工组织关系转出", 14), ("学生组织关系转出", 14), (BODY, 14),
    ])
    assert title_of(path) == "党员组织关系转接需求说明"


def test_a_two_line_form_title_is_taken_whole(tmp_path):
    """An application form whose title is set on two lines of the same size: both lines, not the second."""
    path = sized_docx(tmp_path / "f.docx", [("青川区科学技术局第二党支部", 18), ("入党积极分子推荐申请表", 18)],
                      table=[["姓名", "张某", "性别", "男"], ["所在支部", "第二党支部", "申请日期", "2023年3月1日"]])
    assert title_of(path) == "青川区科学技术局第二党支部入党积极分子推荐申请表"


def test_a_two_line_form_title_without_an_organ_is_taken_whole(tmp_path):
    path = sized_docx(tmp_path / "f.docx", [("2023年度优秀共产党员", 18), ("推荐审批表", 18)],
                      table=[["姓名", "张某"], ["推荐理由", "工作认真"]])
    assert title_of(path) == "2023年度优秀共产党员推荐审批表"


def test_a_guanyu_title_whose_first_line_ends_in_a_document_type_word_runs_on(tmp_path):
    """A regulator's notice in its web reprint: 关于做好…信息报告 / 工作的通知, both lines the same size —
    报告 ends the first line but not the title."""
    path = sized_docx(tmp_path / "t.docx", [
        ("青川区科学技术局办公室关于做好党员信息报告", 18), ("工作的通知", 18), ("各党支部：", 15), (BODY, 15),
    ])
    assert title_of(path) == "青川区科学技术局办公室关于做好党员信息报告工作的通知"


def test_a_finished_guanyu_title_does_not_take_the_next_line_of_its_size(tmp_path):
    path = sized_docx(tmp_path / "t.docx", [
        ("关于召开组织生活会的通知", 18), ("组织生活会的报告", 18), ("各党支部：", 15), (BODY, 15),
    ])
    assert title_of(path) == "关于召开组织生活会的通知"


def test_a_speech_without_a_title_has_no_title(tmp_path):
    """A speech text that opens with its salutation and first sentence: no title, not the first sentence."""
    path = sized_docx(tmp_path / "s.docx", [
        ("同志们：现在，我代表局党组向大会作工作报告。", 10.5), (BODY, 10.5), (BODY, 10.5),
    ])
    assert title_of(path) is None


@pytest.mark.parametrize("lines, title", [
    ([("关于召开2023年度组织生活会的通知", 22), ("各党支部：", 16), (BODY, 16)], "关于召开2023年度组织生活会的通知"),
    ([("中共青川区科学技术局机关委员会", 22), ("关于王某某同志预备党员转正的公示", 22), (BODY, 16)],
     "中共青川区科学技术局机关委员会关于王某某同志预备党员转正的公示"),
    ([("关于2023年第四季度", 22), ("党务公开目录的报告", 22), (BODY, 16)], "关于2023年第四季度党务公开目录的报告"),
])
def test_ordinary_titles_still_join_their_lines(tmp_path, lines, title):
    assert title_of(sized_docx(tmp_path / "t.docx", lines)) == title


@pytest.mark.parametrize("label", ["材料12", "附件2", "附表1"])
def test_a_material_label_above_a_form_title_is_not_part_of_it(tmp_path, label):
    """A branch's filing form: a small 材料12 label, then the letter-spaced title in a larger size."""
    path = sized_docx(tmp_path / "f.docx", [(label, 16), ("确 定 发 展 对 象 备 案 表", 22),
                                            ("中共青川区科学技术局机关委员会：", 16)],
                      table=[["支部", "姓名", "性别", "出生年月"], ["第二党支部", "张某", "男", "1998年3月"]])
    assert title_of(path) == "确定发展对象备案表"
