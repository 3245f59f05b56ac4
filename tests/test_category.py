"""Content categories decided with weights and a confidence (issue 12): the misses seen on real Party
documents, rebuilt as synthetic look-alikes; an undecided category stays null with two candidates, the
approval form says 类别待定, and the reviewer sets it with `gongkai review … --category N`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixtures import Centre, Para, check, make_docx, make_pdf, official_doc
from pipeline.category import classify
from pipeline.read import read_draft
from pipeline.workspace import init_workspace
from wf_helpers import WsCli, db_rows, docx_text, event_count, item_dir, one, status_of

REVIEWER = "陈先荣"
# Two categories with the same evidence: 党风廉政 (4 作风建设) and 宣传教育 (2 思想建设), both in the title.
UNDECIDED = dict(title="关于开展党风廉政宣传教育月活动的通知", docno="青科党〔2023〕40号",
                 body=["请各支部按照安排组织开展活动。"])


def md_of(path: Path):
    return check(path).metadata


def test_a_probationary_member_notice_is_organisation_work(tmp_path):
    """A branch notice on 预备党员转正 (its body warns that only misconduct delays it) is 组织建设, not 作风建设."""
    path = make_docx(tmp_path / "n.docx", [
        "关于做好预备党员转正工作的通知",
        "各党小组：",
        "预备党员应在预备期满前一个月向党支部提交转正申请。",
        "只有违反纪律、犯有错误的，才能延长预备期。",
        "支部大会讨论转正时，应充分听取党小组和入党介绍人的意见。",
    ])
    assert md_of(path).category == 3


def test_a_party_organs_final_accounts_are_its_basic_information(tmp_path):
    """A Party organ's 部门决算 (a cover, the 主要职能, tables of 补助 spending) is category 1, not 热点难点."""
    path = make_pdf(tmp_path / "j.pdf", [
        [Centre("中共青川区委组织部2024年度部门决算", 30)],
        [Centre("第一部分 部门概况", 16), Para("一、主要职能。负责全区党的组织建设和干部工作的规划、指导和协调。"),
         Para("二、部门决算单位构成。本部门决算包括部机关本级决算。"),
         Para("对个人和家庭的补助支出12.3万元，主要用于离退休人员补助；企业职工培训经费0.5万元。")],
    ])
    md = md_of(path)
    assert (md.category, md.category_name) == (1, "党组织基本情况及工作运行情况")


def test_a_branch_resolution_on_study_rules_is_not_category_1(tmp_path):
    """A branch 决议 on a study-hours rule for 入党积极分子: the document type 决议 says nothing of its
    content; the content is the development of Party members (组织建设)."""
    path = make_docx(tmp_path / "r.docx", [
        "关于实行入党积极分子考察学时制度的决议",
        "为进一步加强对入党积极分子的培养考察，经支部党员大会讨论，决定实行考察学时制度。",
        "一、入党积极分子每季度须完成规定的考察学时。",
        "二、考察学时作为确定发展对象的重要依据。",
    ])
    assert md_of(path).category == 3


def test_the_title_outweighs_the_body(tmp_path):
    """A 党费 report that opens with a 宣传活动 (a strong word of 思想建设) is still 组织建设: the title counts most."""
    path = official_doc(tmp_path / "d.docx", title="关于2023年度党费收缴使用情况的报告", docno="青科党〔2023〕41号", body=[
        "今年以来，机关党委结合主题宣传活动，认真做好各项工作。",
        "一、全年收缴情况良好。", "二、使用情况符合规定。",
    ])
    assert md_of(path).category == 3


def test_a_draft_without_party_vocabulary_is_category_7_with_full_confidence(tmp_path):
    path = official_doc(tmp_path / "d.docx", title="关于调整机关食堂就餐时间的通知", docno="青科党〔2023〕42号",
                        body=["自10月8日起，机关食堂午餐时间调整为11:30至12:30。"])
    md = md_of(path)
    assert (md.category, md.category_confidence, md.category_candidates) == (7, 1.0, None)


def test_an_even_split_leaves_the_category_null_with_two_candidates(tmp_path):
    md = md_of(official_doc(tmp_path / "d.docx", **UNDECIDED))
    assert md.category is None
    assert md.category_name is None
    assert [(c.code, c.name) for c in md.category_candidates] == [(2, "思想建设"), (4, "作风建设")]
    assert md.category_confidence == 0.0


def test_the_confidence_is_the_lead_over_the_runner_up(tmp_path, rules):
    path = official_doc(tmp_path / "d.docx", title="关于2023年度党费收缴使用情况的报告", docno="青科党〔2023〕43号",
                        body=["机关党委按时收缴党费。"])
    c = classify(read_draft(path, rules.limits), "关于2023年度党费收缴使用情况的报告", rules)
    best, second = sorted(c.scores.values(), reverse=True)[:2]
    assert c.confidence == round((best - second) / best, 2)


def test_the_threshold_is_read_from_the_rules_file(tmp_path):
    from fixtures import write_rules
    from pipeline.rules import load_rules

    rules = load_rules(write_rules(tmp_path / "规则.toml", "[category]\nthreshold = 1.01\n"))
    path = official_doc(tmp_path / "d.docx", title="关于2023年度党费收缴使用情况的报告", docno="青科党〔2023〕44号",
                        body=["机关党委按时收缴党费。"])
    assert check(path, rules).metadata.category is None


def test_the_report_keeps_the_spec_keys_and_adds_two(tmp_path, gongkai):
    _, [r] = gongkai.json(official_doc(tmp_path / "d.docx", **UNDECIDED))
    md = r["metadata"]
    assert (md["category"], md["category_name"]) == (None, None)
    assert md["category_candidates"] == [{"code": 2, "name": "思想建设"}, {"code": 4, "name": "作风建设"}]
    assert md["category_confidence"] == 0.0


# ------------------------------------------------------------------------------------------------ workflow
@pytest.fixture
def undecided_item(tmp_path):
    settings, _ = init_workspace(tmp_path / "ws")
    official_doc(settings.inbox / "d.docx", **UNDECIDED)
    cli = WsCli(settings.root)
    r = cli("ingest")
    assert r.exit_code == 0, r.output
    item_id = db_rows(settings.root, "SELECT id FROM items")[0][0]
    return settings.root, item_id, cli


def form_text(root: Path, item_id: str) -> str:
    return docx_text(one(item_dir(root, item_id), "*_党务公开审批表.docx"))


def test_the_approval_form_says_category_undecided(undecided_item):
    root, item_id, _ = undecided_item
    text = form_text(root, item_id)
    assert "类别待定（可能是第2类或第4类，请审核人设定）" in text  # the form's narrow cell: numbers only


def test_the_reviewer_sets_the_category(undecided_item):
    root, item_id, cli = undecided_item
    r = cli("review", item_id, "--approve", "--by", REVIEWER, "--category", "4")
    assert r.exit_code == 0, r.output
    shown = json.loads(cli("show", item_id, "--json").output)
    md = shown["report"]["metadata"] if "report" in shown else shown["metadata"]
    assert (md["category"], md["category_name"], md["category_candidates"]) == (4, "作风建设", None)
    assert "设定内容类别：第4类 作风建设" in cli("show", item_id).output
    text = form_text(root, item_id)
    assert "第4类 作风建设" in text and "类别待定" not in text
    assert status_of(root, item_id) == "approved"


def test_an_unknown_category_is_refused_and_changes_nothing(undecided_item):
    root, item_id, cli = undecided_item
    events = event_count(root, item_id)
    r = cli("review", item_id, "--approve", "--by", REVIEWER, "--category", "9")
    assert r.exit_code == 2
    assert "--category" in r.output and "1–7" in r.output
    assert (status_of(root, item_id), event_count(root, item_id)) == ("received", events)


def test_a_refused_review_sets_no_category(undecided_item):
    root, item_id, cli = undecided_item
    assert cli("review", item_id, "--approve", "--by", REVIEWER).exit_code == 0
    events = event_count(root, item_id)
    r = cli("review", item_id, "--approve", "--by", REVIEWER, "--category", "4")  # already reviewed
    assert r.exit_code == 4
    report = json.loads(db_rows(root, "SELECT report FROM versions WHERE item_id=?", (item_id,))[0][0])
    assert (report["metadata"]["category"], event_count(root, item_id)) == (None, events)


def test_a_decision_on_how_branches_are_set_up_is_basic_information(tmp_path):
    """党组织设置 is category 1, though the title also names 党支部 (a plain word of 组织建设)."""
    path = official_doc(tmp_path / "d.docx", title="关于调整机关党支部设置的决定", docno="青科党〔2023〕45号",
                        body=["经局党组研究决定，调整机关党支部设置。"])
    assert md_of(path).category == 1
