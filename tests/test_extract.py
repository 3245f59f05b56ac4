"""Stage 2 — metadata: every field of check-report.md, from drafts laid out the way offices write them."""
from __future__ import annotations

import re
from datetime import date

import pytest

from fixtures import (
    APPLICATION, BODY, Centre, Right, application_form, check, make_docx, make_pdf, official_doc, plain_doc,
)

FORMATS = ("docx", "pdf")


def ext(fmt: str) -> str:
    return "." + fmt


# ------------------------------------------------------------------------------------------------ title
@pytest.mark.parametrize("fmt", FORMATS)
def test_title_after_banner_and_docno(tmp_path, fmt):
    md = check(official_doc(tmp_path / ("a" + ext(fmt)), fmt)).metadata
    assert md.title == "中共青川区科学技术局党组关于调整局领导班子成员工作分工的通知"


@pytest.mark.parametrize("fmt", FORMATS)
def test_title_split_over_two_paragraphs(tmp_path, fmt):
    path = official_doc(tmp_path / ("a" + ext(fmt)), fmt,
                        title=["中共青川区科学技术局党组关于调整局领导班子", "成员工作分工的通知"])
    assert check(path).metadata.title == "中共青川区科学技术局党组关于调整局领导班子成员工作分工的通知"


@pytest.mark.parametrize("fmt", FORMATS)
def test_title_split_after_the_organ_name(tmp_path, fmt):
    """GB/T 9704 titles are often broken after the organ: 中共…党组 / 关于…的通知."""
    path = official_doc(tmp_path / ("a" + ext(fmt)), fmt,
                        title=["中共青川区科学技术局党组", "关于调整局领导班子成员工作分工的通知"])
    assert check(path).metadata.title == "中共青川区科学技术局党组关于调整局领导班子成员工作分工的通知"


def test_title_with_copy_number_and_secrecy_above_the_banner(tmp_path):
    path = official_doc(tmp_path / "a.docx", copy_no="000037", secrecy="秘密★1年",
                        title="关于一起违反中央八项规定精神问题查处情况的通报")
    assert check(path).metadata.title == "关于一起违反中央八项规定精神问题查处情况的通报"


def test_title_of_a_draft_without_banner(tmp_path):
    path = official_doc(tmp_path / "a.docx", banner=None, docno=None, title="关于陈一平等同志拟任职务的任前公示",
                        salutation=None, body=["经局党组研究，拟提拔任用以下同志，现予以公示："])
    assert check(path).metadata.title == "关于陈一平等同志拟任职务的任前公示"


def test_title_is_not_the_banner(tmp_path):
    md = check(official_doc(tmp_path / "a.docx")).metadata
    assert md.title != "中共青川区科学技术局党组文件"
    assert md.issuer != "中共青川区科学技术局党组文件"


# ------------------------------------------------------------------------------------------------ 发文字号
DOCNOS = [
    ("青科党〔2023〕21号", "青科党〔2023〕21号"),
    ("青科党[2023]21号", "青科党〔2023〕21号"),
    ("青科党（2024）12号", "青科党〔2024〕12号"),
    ("青科党(2024)12号", "青科党〔2024〕12号"),
    ("青科党【2023】5号", "青科党〔2023〕5号"),
    ("青科党〔2023〕第12号", "青科党〔2023〕12号"),
    ("青科党〔2024〕012号", "青科党〔2024〕12号"),
    ("青科机党[2023]第009号", "青科机党〔2023〕9号"),
]


@pytest.mark.parametrize("fmt, raw, normalized", [("docx", *d) for d in DOCNOS] + [("pdf", *d) for d in DOCNOS[1::2]])
def test_doc_number_is_normalized(tmp_path, fmt, raw, normalized):
    path = official_doc(tmp_path / ("a" + ext(fmt)), fmt, docno=raw)
    assert check(path).metadata.doc_number == normalized


@pytest.mark.parametrize("fmt", FORMATS)
def test_doc_number_with_signer_on_the_same_line(tmp_path, fmt):
    """上行文 (a report to the district committee): 发文字号 left, 签发人 right, on one line."""
    title = "中共青川区科学技术局党组关于2023年度党务公开工作情况的报告"
    path = official_doc(tmp_path / ("a" + ext(fmt)), fmt, docno="青科党〔2023〕21号\u3000\u3000\u3000\u3000签发人：王建国",
                        title=title, salutation="中共青川区委：")
    md = check(path).metadata
    assert (md.doc_number, md.title) == ("青科党〔2023〕21号", title)


def test_full_width_digits_in_doc_number_and_date(tmp_path):
    md = check(official_doc(tmp_path / "a.docx", docno="青科党〔２０２３〕２１号", date="２０２３年９月１２日")).metadata
    assert (md.doc_number, md.date) == ("青科党〔2023〕21号", "2023-09-12")


def test_no_doc_number_is_null(tmp_path):
    path = official_doc(tmp_path / "a.docx", docno=None)
    assert check(path).metadata.doc_number is None


def test_doc_number_cited_in_the_body_is_not_the_documents_own(tmp_path):
    """A plain notice that quotes another document's number (根据《…》（青科党〔2022〕8号）…) has no 发文字号."""
    path = official_doc(tmp_path / "a.docx", banner=None, docno=None, title="关于开展2023年度党员民主评议工作的通知",
                        body=["根据《关于进一步加强党员教育管理工作的意见》（青科党〔2022〕8号）要求，结合我局实际，"
                              "现就开展2023年度党员民主评议工作通知如下。"])
    assert check(path).metadata.doc_number is None


# ------------------------------------------------------------------------------------------------ 成文日期
DATES = [
    ("2023年9月12日", "2023-09-12"),
    ("2023年09月02日", "2023-09-02"),
    ("二〇二三年九月十二日", "2023-09-12"),
    ("二○二三年九月十二日", "2023-09-12"),
    ("二〇二三年十二月三十一日", "2023-12-31"),
    ("二〇二四年二月二十九日", "2024-02-29"),
    ("2023 年 9 月 12 日", "2023-09-12"),
]


@pytest.mark.parametrize("fmt, written, iso", [("docx", *d) for d in DATES] + [("pdf", *d) for d in DATES[:4]])
def test_date_is_iso(tmp_path, fmt, written, iso):
    path = official_doc(tmp_path / ("a" + ext(fmt)), fmt, date=written, imprint=())
    assert check(path).metadata.date == iso


def test_date_is_the_signature_date_not_the_imprint_or_body_dates(tmp_path):
    path = official_doc(tmp_path / "a.docx", date="2023年9月12日",
                        body=["定于2023年10月20日召开党员大会。", "请于2023年10月15日前报送名单。"],
                        imprint=("青川区科学技术局办公室\u3000\u3000\u30002023年9月13日印发",))
    assert check(path).metadata.date == "2023-09-12"


@pytest.mark.parametrize("written", ["2023年9月31日", "2023年2月29日"])
def test_impossible_signature_date_is_null_not_guessed(tmp_path, written):
    path = official_doc(tmp_path / "a.docx", date=written, body=["定于2023年10月20日召开党员大会。"])
    assert check(path).metadata.date is None


def test_no_date_is_null(tmp_path):
    path = official_doc(tmp_path / "a.docx", date=None, imprint=(), body=["请各科室认真贯彻执行。"])
    assert check(path).metadata.date is None


# ------------------------------------------------------------------------------------------------ issuer
@pytest.mark.parametrize("fmt", FORMATS)
def test_issuer_is_the_signing_organ_not_the_banner(tmp_path, fmt):
    path = official_doc(tmp_path / ("a" + ext(fmt)), fmt, signature="中共青川区科学技术局机关委员会")
    assert check(path).metadata.issuer == "中共青川区科学技术局机关委员会"


def test_issuer_of_a_report_without_banner(tmp_path):
    path = plain_doc(tmp_path / "a.docx", "2023年度局领导班子述职述廉报告", "一年来，局领导班子认真落实党风廉政建设责任制。")
    assert check(path).metadata.issuer == "青川区科学技术局办公室"


def test_issuer_of_an_application_is_the_department(tmp_path):
    md = check(application_form(tmp_path / "app.docx")).metadata
    assert md.issuer == "局办公室"


def test_no_signature_gives_null_issuer(tmp_path):
    path = make_docx(tmp_path / "a.docx", ["关于召开党员大会的通知", "定于下周召开党员大会，请全体党员准时参加。"])
    md = check(path).metadata
    assert md.issuer is None
    assert md.date is None


# ------------------------------------------------------------------------------------------------ secrecy
MARKS = [
    ("秘密★1年", "秘密", "1年"),
    ("机密★5年", "机密", "5年"),
    ("绝密★长期", "绝密", "长期"),
    ("秘密★十年", "秘密", "十年"),
    ("机密", "机密", None),
]


@pytest.mark.parametrize("fmt, mark, level, period", [("docx", *m) for m in MARKS] + [("pdf", *m) for m in MARKS[:3]])
def test_secrecy_mark(tmp_path, fmt, mark, level, period):
    path = official_doc(tmp_path / ("a" + ext(fmt)), fmt, copy_no="000037", secrecy=mark)
    md = check(path).metadata
    assert (md.secrecy, md.secrecy_period) == (level, period)


def test_secrecy_mark_only_in_the_page_header(tmp_path):
    path = official_doc(tmp_path / "a.docx", header=["机密★5年"])
    md = check(path).metadata
    assert (md.secrecy, md.secrecy_period) == ("机密", "5年")


def test_no_secrecy_is_null(tmp_path):
    md = check(official_doc(tmp_path / "a.docx")).metadata
    assert (md.secrecy, md.secrecy_period) == (None, None)


# ------------------------------------------------------------------------------------------------ 附注
NOTES = ["此件公开发布", "此件主动公开", "此件党内公开", "此件可依申请公开", "此件不公开"]


@pytest.mark.parametrize("fmt, note", [("docx", n) for n in NOTES] + [("pdf", "此件公开发布"), ("pdf", "此件不公开")])
def test_disclosure_note(tmp_path, fmt, note):
    path = official_doc(tmp_path / ("a" + ext(fmt)), fmt, note=f"（{note}）")
    assert check(path).metadata.disclosure_note == note


def test_no_disclosure_note_is_null(tmp_path):
    assert check(official_doc(tmp_path / "a.docx", note=None)).metadata.disclosure_note is None


# ------------------------------------------------------------------------------------------------ category
CATEGORY_DRAFTS = {
    1: dict(title="中共青川区科学技术局党组关于调整局领导班子成员工作分工的通知", body=BODY),
    2: dict(title="局党组理论学习中心组2024年度学习计划", docno="青科党〔2024〕3号", body=[
        "为深入推进理论武装，加强领导干部理论学习，结合我局实际，制定局党组理论学习中心组2024年度学习计划。",
        "一、学习内容。重点学习党的创新理论和上级重要会议精神。",
        "二、学习方式。中心组每月集中学习一次，每季度开展一次专题研讨。",
    ]),
    3: dict(title="关于2023年第三季度党费收缴、管理和使用情况的通报", docno="青科机党〔2023〕9号",
            signature="中共青川区科学技术局机关委员会", body=[
        "根据党费收缴、使用和管理的有关规定，现将我局2023年第三季度党费收缴、管理和使用情况通报如下。",
        "一、党费收缴情况。第三季度机关党委共收缴党费12860元，全体党员均按时足额交纳。",
        "二、党费使用情况。本季度支出党费3200元，用于订阅党报党刊和慰问困难党员。",
    ]),
    4: dict(title="2023年度局领导班子述职述廉报告", banner=None, docno=None, salutation=None, body=[
        "一年来，局领导班子认真落实党风廉政建设责任制，严格遵守廉洁自律各项规定。",
        "一、严格执行中央八项规定精神，全年无公款吃喝、违规使用公务用车等问题。",
        "二、认真开展述职述廉，主动接受党员群众监督。",
    ]),
    5: dict(title="中共青川区科学技术局党组关于印发《局领导班子议事规则》的通知", docno="青科党〔2023〕15号", body=[
        "现将修订后的《局领导班子议事规则》印发给你们，请认真遵照执行。",
        "第一条 为健全民主决策制度，规范局领导班子议事程序，制定本规则。",
        "第二条 局领导班子议事实行集体领导、民主集中、个别酝酿、会议决定的原则。",
    ]),
    6: dict(title="青川区科学技术局2023年为民办实事项目进展情况", banner=None, docno=None, salutation=None,
            signature="青川区科学技术局", body=[
        "今年以来，我局围绕企业和群众关心的热点难点问题，确定为民办实事项目5项。",
        "一、科技型中小企业创新券兑付。已兑付创新券412万元，惠及企业138家。",
        "二、群众来信来访办理。全年办理群众信访件26件，办结率100%。",
    ]),
    7: dict(title="关于调整机关食堂就餐时间的通知", banner=None, docno=None, signature="青川区科学技术局办公室",
            body=["自10月8日起，机关食堂午餐时间调整为11:30至12:30，请各科室相互转告。"]),
}
CATEGORY_NAMES = {1: "党组织基本情况及工作运行情况", 2: "思想建设", 3: "组织建设", 4: "作风建设", 5: "制度建设",
                  6: "解决企业、群众关心热点难点问题", 7: "其它党务工作事项"}


@pytest.mark.parametrize("code", sorted(CATEGORY_DRAFTS))
def test_category_of_a_typical_draft(tmp_path, code):
    md = check(official_doc(tmp_path / f"c{code}.docx", **CATEGORY_DRAFTS[code])).metadata
    assert (md.category, md.category_name) == (code, CATEGORY_NAMES[code])


@pytest.mark.parametrize("code", [2, 6])
def test_category_of_a_pdf_draft(tmp_path, code):
    md = check(official_doc(tmp_path / f"c{code}.pdf", "pdf", **CATEGORY_DRAFTS[code])).metadata
    assert md.category == code


# ------------------------------------------------------------------------------------------------ application
def test_application_fields(tmp_path):
    md = check(application_form(tmp_path / "app.docx")).metadata
    app = md.application
    assert app is not None
    assert (app.subject, app.department, app.content, app.scope, app.form, app.period, app.applicant, app.date) == (
        APPLICATION["公开事项"], APPLICATION["申请科室"], APPLICATION["公开内容"], APPLICATION["公开范围"],
        APPLICATION["公开形式"], APPLICATION["公开时限"], APPLICATION["申请人"], "2023-12-18")
    assert md.title == APPLICATION["公开事项"]
    assert md.issuer == "局办公室"
    assert md.date == "2023-12-18"


def test_application_with_four_column_rows(tmp_path):
    rows = [["公开事项", "2023年度局机关评先评优结果", "申请科室", "局办公室"],
            ["公开内容", "2023年度局机关优秀共产党员评选结果", "公开范围", "局机关全体党员、干部"],
            ["公开形式", "书面式公开", "公开时限", "临时性工作，随时公开"],
            ["申请人", "章晓鸣", "申请日期", "2023年12月18日"]]
    from fixtures import Table
    path = make_docx(tmp_path / "app4.docx", ["青川区科学技术局党务公开事项申请表", Table(rows)])
    app = check(path).metadata.application
    assert app is not None
    assert (app.subject, app.department, app.scope, app.period, app.date) == (
        "2023年度局机关评先评优结果", "局办公室", "局机关全体党员、干部", "临时性工作，随时公开", "2023-12-18")


def test_category_of_an_application_follows_its_content(tmp_path):
    """An application to publish the 评先评优 results is 思想建设 (表彰、评比)."""
    assert check(application_form(tmp_path / "app.docx")).metadata.category == 2


def test_empty_application_field_is_null(tmp_path):
    app = check(application_form(tmp_path / "app.docx", 公开范围="")).metadata.application
    assert app is not None and app.scope is None


def test_other_drafts_have_no_application(tmp_path):
    assert check(official_doc(tmp_path / "a.docx")).metadata.application is None


def test_a_table_in_a_notice_is_not_an_application(tmp_path):
    path = official_doc(tmp_path / "a.docx", tables=[[["姓名", "职务"], ["王建国", "局长"], ["李明华", "副局长"]]])
    assert check(path).metadata.application is None


@pytest.mark.parametrize("period, kind", [
    ("规定性工作，每季度公开一次", "periodic"),
    ("阶段性工作，阶段工作完成后及时公开", "phase"),
    ("临时性工作，评选结束后随时公开", "temporary"),
])
def test_timing_kind_from_the_application(tmp_path, period, kind):
    r = check(application_form(tmp_path / "app.docx", 公开时限=period))
    assert r.timing is not None and r.timing.kind == kind
    if r.timing.due is not None:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.timing.due)
        assert date.fromisoformat(r.timing.due) >= date(2023, 12, 18)


def test_timing_of_a_quarterly_report(tmp_path):
    path = official_doc(tmp_path / "a.docx", **CATEGORY_DRAFTS[3])
    assert check(path).timing.kind == "periodic"


def test_timing_of_a_pre_appointment_notice(tmp_path):
    path = official_doc(tmp_path / "a.docx", banner=None, docno=None, title="关于陈一平等同志拟任职务的任前公示",
                        salutation=None, body=["经局党组研究，拟提拔任用以下同志，现予以公示：", "公示期为2023年10月9日至10月13日。"])
    assert check(path).timing.kind == "temporary"


# ------------------------------------------------------------------------------------------------ format, pages, no text
def test_format_and_pages(tmp_path):
    d = check(official_doc(tmp_path / "a.docx")).metadata
    p = check(make_pdf(tmp_path / "a.pdf", [[Centre("关于召开党员大会的通知"), "请准时参加。"], [Right("2023年10月10日")]])).metadata
    assert (d.format, d.pages) == ("docx", None)
    assert (p.format, p.pages) == ("pdf", 2)


def test_image_pdf_metadata_is_not_guessed(tmp_path):
    from fixtures import make_image_pdf

    md = check(make_image_pdf(tmp_path / "scan.pdf", pages=2)).metadata
    assert md.pages == 2
    assert (md.title, md.doc_number, md.date, md.issuer, md.category) == (None, None, None, None, None)
