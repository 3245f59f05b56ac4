"""Stage 3 — the rule catalogue of rules.md: every rule fires where it must and stays quiet where the text is
correct (precision matters as much as recall)."""
from __future__ import annotations

import re

import pytest

from fixtures import (
    Table, application_form, check, codes, findings_of, has_cjk, id_check_char, luhn_break, luhn_complete, luhn_ok,
    make_docx, make_image_pdf, official_doc, plain_doc, resident_id, wrong_check,
)
from pipeline.textutil import squeeze

CATALOGUE = {
    "SECRET": "block", "NOT_PUBLIC": "block", "NO_TEXT": "block",
    "PII_ID": "redact", "PII_PHONE": "redact", "PII_BANK": "redact",
    "INSIDE_FIRST": "obligation", "PRE_DISCLOSE": "obligation", "ESCALATE": "obligation",
    "MISSING_FIELD": "fix", "GARBLE": "fix", "BAD_DATE": "fix", "DOCNO_FORMAT": "fix",
}
TITLE = "关于做好2023年度党务公开有关工作的通知"


def draft(tmp_path, *paragraphs: str, fmt: str = "docx", name: str = "d"):
    """Check a short draft: a title line, the given paragraphs, signature and date."""
    return check(plain_doc(tmp_path / f"{name}.{fmt}", TITLE, *paragraphs, fmt=fmt))


def the(report, code: str):
    found = findings_of(report, code)
    assert found, f"{code} expected, got {sorted(codes(report))}"
    return found[0]


# ------------------------------------------------------------------------------------------------ the clean baseline
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_clean_official_document_has_no_findings(tmp_path, fmt):
    r = check(official_doc(tmp_path / f"clean.{fmt}", fmt))
    assert r.status == "ok"
    assert list(r.findings) == []
    assert r.disclosable is True


# ------------------------------------------------------------------------------------------------ SECRET
@pytest.mark.parametrize("mark, level, period", [
    ("秘密★1年", "秘密", "1年"), ("机密★5年", "机密", "5年"), ("绝密★长期", "绝密", "长期"), ("机密▲5年", "机密", "5年")])
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_secret_mark_fires(tmp_path, fmt, mark, level, period):
    r = check(official_doc(tmp_path / f"s.{fmt}", fmt, copy_no="000037", secrecy=mark))
    f = the(r, "SECRET")
    assert f.severity == "block"
    assert level in f.message and period in f.message
    assert mark in squeeze(f.evidence)
    assert r.disclosable is False


def test_secret_mark_in_the_page_header_fires(tmp_path):
    r = check(official_doc(tmp_path / "s.docx", header=["秘密★1年"]))
    assert "SECRET" in codes(r)
    assert r.disclosable is False


@pytest.mark.parametrize("sentence", ["本通报属于党内秘密，请妥善保管，不得外传。", "此件属于国家秘密，阅后收回。"])
def test_secret_declaration_fires(tmp_path, sentence):
    assert "SECRET" in codes(draft(tmp_path, sentence))


def test_secret_not_for_a_statistics_row(tmp_path):
    path = official_doc(tmp_path / "stats.docx", title="关于2023年度保密工作自查情况的报告", body=[
        "按照区保密委员会要求，我局对2023年度文件管理情况进行了全面自查，现将有关情况报告如下。",
        "全年共收发文件412件，各类文件分类统计如下："],
        tables=[[["类别", "数量（件）"], ["属于国家秘密", "0"], ["属于工作秘密", "6"], ["可以公开", "406"]]])
    r = check(path)
    assert "SECRET" not in codes(r)
    assert r.metadata.secrecy is None


@pytest.mark.parametrize("sentence", [
    "本通知内容不涉及国家秘密，可在局域网党务公开专栏发布。",
    "经保密审查，本文件不涉及党内秘密和工作秘密，可以公开。",
])
def test_secret_not_for_a_denial(tmp_path, sentence):
    r = draft(tmp_path, "经局党组审定，现将2023年度党务公开目录印发给你们。", sentence)
    assert "SECRET" not in codes(r)
    assert r.metadata.secrecy is None


def test_secret_not_for_a_mark_quoted_in_a_training_notice(tmp_path):
    r = draft(tmp_path, "各科室在拟制涉密文件时，应当按照“绝密★长期”“机密★5年”的格式在首页左上角标注密级和保密期限。")
    assert "SECRET" not in codes(r)


def test_secret_not_for_keeping_party_secrets_in_general(tmp_path):
    r = draft(tmp_path, "全体党员要严守党的纪律，保守党和国家的秘密，自觉维护党的形象。")
    assert "SECRET" not in codes(r)


# ------------------------------------------------------------------------------------------------ NOT_PUBLIC
@pytest.mark.parametrize("note", ["（此件不公开）", "（此件不予公开）"])
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_not_public_note_fires(tmp_path, fmt, note):
    r = check(official_doc(tmp_path / f"n.{fmt}", fmt, note=note))
    f = the(r, "NOT_PUBLIC")
    assert f.severity == "block"
    assert r.disclosable is False


@pytest.mark.parametrize("mark, level", [("密级：秘密", "秘密"), ("秘密级", "秘密"), ("机 密", "机密")])
def test_a_level_alone_on_its_line_is_a_secrecy_mark(tmp_path, mark, level):
    r = check(official_doc(tmp_path / "s.docx", copy_no="000037", secrecy=mark))
    assert the(r, "SECRET").severity == "block"
    assert r.metadata.secrecy == level


@pytest.mark.parametrize("marker", ["内部资料", "内部资料注意保存", "仅供内部参阅", "内部文件", "不宜公开", "涉密文件"])
def test_not_public_marker_on_its_own_line_fires(tmp_path, marker):
    r = check(official_doc(tmp_path / "n.docx", copy_no=marker, banner=None))
    assert "NOT_PUBLIC" in codes(r)
    assert r.disclosable is False


def test_not_public_marker_in_the_header_fires(tmp_path):
    r = check(official_doc(tmp_path / "n.docx", header=["内部资料"]))
    assert "NOT_PUBLIC" in codes(r)


@pytest.mark.parametrize("note", ["（此件公开发布）", "（此件主动公开）", "（此件党内公开）", "（此件可依申请公开）"])
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_not_public_not_for_public_notes(tmp_path, fmt, note):
    r = check(official_doc(tmp_path / f"p.{fmt}", fmt, note=note))
    assert "NOT_PUBLIC" not in codes(r)
    assert r.disclosable is True


def test_not_public_not_for_a_body_sentence_about_what_may_not_be_disclosed(tmp_path):
    r = draft(tmp_path, "各科室要严格执行保密纪律，涉及个人隐私和党内秘密的内容不得公开，其余事项按规定及时公开。")
    assert "NOT_PUBLIC" not in codes(r)
    assert r.disclosable is True


def test_not_public_not_for_a_short_heading_in_a_disclosure_rulebook(tmp_path):
    path = official_doc(tmp_path / "rules.docx", title="青川区科学技术局党务公开工作制度", body=[
        "一、公开的原则。坚持依法依规、积极稳妥、注重实效的原则。",
        "二、公开的内容。党组织基本情况、思想建设、组织建设等方面的事项。",
        "三、不得公开的事项",
        "涉及党和国家秘密、个人隐私的事项，以及依照法律法规不宜公开的其他事项。",
    ])
    r = check(path)
    assert "NOT_PUBLIC" not in codes(r)
    assert r.disclosable is True


# ------------------------------------------------------------------------------------------------ NO_TEXT
def test_no_text_for_an_image_only_pdf(tmp_path):
    r = check(make_image_pdf(tmp_path / "scan.pdf"))
    assert r.status == "ok"
    f = the(r, "NO_TEXT")
    assert f.severity == "block" and has_cjk(f.message)
    assert r.disclosable is False


def test_no_text_for_a_docx_without_body_text(tmp_path):
    r = check(make_docx(tmp_path / "blank.docx", ["", "  "], header=["青川区科学技术局"]))
    assert r.status == "ok"
    assert "NO_TEXT" in codes(r)
    assert r.disclosable is False


def test_no_text_not_for_a_short_but_real_draft(tmp_path):
    r = check(make_docx(tmp_path / "short.docx", ["关于召开党员大会的通知"]))
    assert "NO_TEXT" not in codes(r)


# ------------------------------------------------------------------------------------------------ PII_ID
ID17 = "33010619850312341"


def test_id_check_character_helper_is_gb11643():
    # the published sample of GB 11643: 11010519491231002X
    assert id_check_char("11010519491231002") == "X"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_pii_id_fires_for_a_valid_number(tmp_path, fmt):
    number = resident_id(ID17)
    r = draft(tmp_path, f"来信人：张某，身份证号码{number}，反映其党组织关系转接问题。", fmt=fmt)
    f = the(r, "PII_ID")
    assert f.severity == "redact"
    assert squeeze(f.evidence) == number
    assert number not in f.message  # the message shows it masked


def test_pii_id_fires_for_a_number_with_x(tmp_path):
    first17 = next(f"3301061985031{n:03d}" + "1" for n in range(1000) if id_check_char(f"3301061985031{n:03d}1") == "X")
    number = first17 + "X"
    assert "PII_ID" in codes(draft(tmp_path, f"身份证号：{number}。"))


def test_pii_id_fires_for_a_15_digit_legacy_number(tmp_path):
    assert "PII_ID" in codes(draft(tmp_path, "身份证号：330106850312341（旧版）。"))


def test_pii_id_not_for_a_wrong_check_character(tmp_path):
    number = wrong_check(resident_id(ID17))
    assert "PII_ID" not in codes(draft(tmp_path, f"来信人：张某，证件编号{number}。"))


def test_pii_id_not_for_an_impossible_birth_date(tmp_path):
    first17 = "33010619851332341"  # born in the 13th month
    number = resident_id(first17)
    assert "PII_ID" not in codes(draft(tmp_path, f"来信人：张某，证件编号{number}。"))


@pytest.mark.parametrize("sep", [" ", "-"])
def test_pii_id_written_in_groups_is_found_and_masked(tmp_path, sep):
    number = resident_id(ID17)
    grouped = sep.join((number[:6], number[6:14], number[14:]))
    f = the(draft(tmp_path, f"来信人：张某，身份证号码 {grouped}，反映其党组织关系转接问题。"), "PII_ID")
    assert squeeze(f.evidence) == squeeze(grouped)
    assert number[6:14] not in f.message


def test_pii_id_in_a_table_cell(tmp_path):
    number = resident_id(ID17)
    path = make_docx(tmp_path / "t.docx", ["信访件登记表"], tables=[[["姓名", "身份证号码"], ["张某", number]]])
    f = the(check(path), "PII_ID")
    assert f.location == "表1第2行"


# ------------------------------------------------------------------------------------------------ PII_PHONE
@pytest.mark.parametrize("phone", ["13857162044", "138-5716-2044", "138 5716 2044", "+86 13857162044"])
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_pii_phone_fires(tmp_path, fmt, phone):
    r = draft(tmp_path, f"联系人：李明华，手机{phone}。", fmt=fmt)
    f = the(r, "PII_PHONE")
    assert f.severity == "redact"
    assert re.sub(r"\D", "", f.evidence).endswith("13857162044")
    assert "13857162044" not in f.message


@pytest.mark.parametrize("phone", ["85820611", "0571-85820611", "（0571）85820611", "0571－85820611"])
def test_pii_phone_not_for_office_landlines(tmp_path, phone):
    r = draft(tmp_path, f"监督电话：{phone}，意见箱设在局机关一楼大厅。")
    assert not (codes(r) & {"PII_PHONE", "PII_ID", "PII_BANK"})


@pytest.mark.parametrize("sentence", [
    "申请人：王某，学号：13857162044，计算机学院2019级。",
    "工号 15912345678 的同志请到组织部报到。",
    "证书编号：18600001111。",
    "准考证号13700002222，考场第3考室。",
    "档案号（13512345678）已归档。",
    "项目编号：19912345678。",
])
def test_pii_phone_not_for_a_number_labelled_as_something_else(tmp_path, sentence):
    assert "PII_PHONE" not in codes(draft(tmp_path, sentence))


def test_pii_phone_fires_when_a_phone_label_is_nearer_than_another_label(tmp_path):
    r = draft(tmp_path, "学号：20190001，联系电话：13857162044。")
    assert [re.sub(r"\D", "", f.evidence) for f in findings_of(r, "PII_PHONE")] == ["13857162044"]


@pytest.mark.parametrize("sentence", ["单价 4197.16981132075 元，共1项。", "折合 0．13857162044 万元。"])
def test_pii_phone_not_for_the_decimals_of_a_number(tmp_path, sentence):
    """An e-invoice's unit price to 11 decimals: the digits after the point are no mobile number."""
    assert "PII_PHONE" not in codes(draft(tmp_path, sentence))


def test_pii_phone_fires_after_an_abbreviated_label(tmp_path):
    assert "PII_PHONE" in codes(draft(tmp_path, "联系人李明华，Tel.13857162044。"))


def test_pii_phone_fires_without_any_label(tmp_path):
    assert "PII_PHONE" in codes(draft(tmp_path, "有意见请联系李明华13857162044。"))


def test_pii_phone_not_for_a_student_number_column(tmp_path):
    """An application form's table: the 学号 column holds 11-digit student numbers; the 手机 column phones."""
    path = make_docx(tmp_path / "t.docx", ["入党积极分子推荐名单"],
                     tables=[[["姓名", "学号", "手机"], ["张某", "13857162044", "13900001111"]]])
    phones = [re.sub(r"\D", "", f.evidence) for f in findings_of(check(path), "PII_PHONE")]
    assert phones == ["13900001111"]


def test_pii_phone_not_for_a_student_number_in_a_form_row(tmp_path):
    path = make_docx(tmp_path / "t.docx", ["入党申请人基本情况表"], tables=[[["姓名", "张某", "学号", "13857162044"]]])
    assert "PII_PHONE" not in codes(check(path))


def test_pii_id_not_for_an_unknown_region_code(tmp_path):
    number = resident_id("99999919850312341")  # valid check character and birth date, no such region
    assert "PII_ID" not in codes(draft(tmp_path, f"身份证号：{number}。"))


def test_pii_id_fires_for_a_person_born_before_the_region_code(tmp_path):
    """330106 (西湖区) dates from 1983; someone born there in 1978 holds it all the same."""
    number = resident_id("33010619780512341")
    assert "PII_ID" in codes(draft(tmp_path, f"身份证号：{number}。"))


# ------------------------------------------------------------------------------------------------ PII_BANK
def test_luhn_helpers():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


@pytest.mark.parametrize("number", [
    luhn_complete("622202123456789"),       # 16 digits
    luhn_complete("621700123456789012"),    # 19 digits
])
def test_pii_bank_fires_for_a_luhn_valid_card(tmp_path, number):
    r = draft(tmp_path, f"补助资金请汇入本人银行卡，卡号{number}，开户行：工商银行青川支行。")
    f = the(r, "PII_BANK")
    assert f.severity == "redact"
    assert re.sub(r"\D", "", f.evidence) == number


def test_pii_bank_fires_for_a_19_digit_card_in_groups_of_four(tmp_path):
    number = luhn_complete("621700123456789012")
    grouped = " ".join(number[i:i + 4] for i in range(0, 19, 4))  # 6217 0012 3456 7890 12x
    f = the(draft(tmp_path, f"卡号：{grouped}。"), "PII_BANK")
    assert re.sub(r"\D", "", f.evidence) == number


def test_pii_bank_a_16_digit_card_before_a_short_number_is_still_the_card(tmp_path):
    number = luhn_complete("622202123456789")
    grouped = " ".join(number[i:i + 4] for i in range(0, 16, 4))
    f = the(draft(tmp_path, f"卡号：{grouped} 12月发放。"), "PII_BANK")
    assert re.sub(r"\D", "", f.evidence) == number


def test_pii_bank_fires_for_a_grouped_card_number(tmp_path):
    number = luhn_complete("622202123456789")
    grouped = " ".join(number[i:i + 4] for i in range(0, 16, 4))
    assert "PII_BANK" in codes(draft(tmp_path, f"卡号：{grouped}。"))


@pytest.mark.parametrize("number", [luhn_break(luhn_complete("622202123456789")),
                                    luhn_break(luhn_complete("621700123456789012"))])
def test_pii_bank_not_for_a_luhn_invalid_number(tmp_path, number):
    assert not luhn_ok(number)
    assert "PII_BANK" not in codes(draft(tmp_path, f"项目合同编号{number}，请妥善存档。"))


# ------------------------------------------------------------------------------------------------ INSIDE_FIRST
@pytest.mark.parametrize("sentence", [
    "经局党组会议研究，拟提拔任用王建国同志为局办公室主任。",
    "局党组对科技专项资金分配作出重大决策，现予公布。",
    "本办法涉及党员切身利益，请各支部组织党员认真学习。",
    "现将《中共青川区科学技术局党组关于表彰2023年度优秀共产党员的决定》印发给你们。",
])
def test_inside_first_fires(tmp_path, sentence):
    f = the(draft(tmp_path, sentence), "INSIDE_FIRST")
    assert f.severity == "obligation"
    assert f.evidence and squeeze(f.evidence) in squeeze(sentence)


@pytest.mark.parametrize("sentence", [
    "自10月8日起，机关食堂午餐时间调整为11:30至12:30。",
    "请各科室于10月15日前报送第三季度党务公开工作总结。",
])
def test_inside_first_not_for_routine_notices(tmp_path, sentence):
    assert "INSIDE_FIRST" not in codes(draft(tmp_path, sentence))


def test_inside_first_not_for_the_decisive_significance_phrase(tmp_path):
    r = draft(tmp_path, "深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”。")
    assert "INSIDE_FIRST" not in codes(r)


@pytest.mark.parametrize("sentence", [
    "这是党中央作出的一项重大决策部署，各地区各部门要抓好落实。",
    "支持和保证人大依法行使立法权、监督权、决定权、任免权。",
    "统筹落实市、区两级涉及社区发展的重大决策和社区建设规划。",
    "认真学习领会党中央关于干部选拔任用的重大决策。",
])
def test_inside_first_not_for_a_mere_mention(tmp_path, sentence):
    """The obligation belongs to what this draft decides, not to a decision it refers to."""
    assert "INSIDE_FIRST" not in codes(draft(tmp_path, sentence))


def test_inside_first_not_for_a_speech(tmp_path):
    """A speech (it opens by addressing the audience) decides nothing: its talk of 任职 and 重大决策 is not
    this draft's own decision."""
    path = make_docx(tmp_path / "speech.docx", [
        "同志们：现在，我代表局党组作工作报告。",
        "过去一年，我们对重大决策实行集体研究，干部任职前严格考察。",
    ])
    assert "INSIDE_FIRST" not in codes(check(path))


def test_inside_first_not_for_a_report_given_at_a_meeting(tmp_path):
    """A branch secretary's 述职报告: title, then 尊敬的各位领导： — it reports, it decides nothing."""
    path = make_docx(tmp_path / "s.docx", [
        "第二党支部书记抓基层党建工作述职报告", "尊敬的各位领导、同志们：",
        "一年来，支部严格执行重大决策集体讨论制度，推荐两名同志提拔任用。",
    ])
    assert "INSIDE_FIRST" not in codes(check(path))


def test_inside_first_still_fires_for_a_notice_that_decides(tmp_path):
    path = make_docx(tmp_path / "n.docx", [
        "关于王建国同志任职的通知", "各科室：", "经局党组会议研究决定，王建国同志任局办公室主任。",
    ])
    assert the(check(path), "INSIDE_FIRST").location == "第1段"


def test_escalate_not_for_a_mention_of_a_decision(tmp_path):
    r = draft(tmp_path, "全区各级党组织要认真贯彻落实区委重大决策，确保全区工作落到实处。")
    assert "ESCALATE" not in codes(r)


# ------------------------------------------------------------------------------------------------ PRE_DISCLOSE
@pytest.mark.parametrize("sentence", [
    "现将《局机关党务公开目录（征求意见稿）》印发给你们，请提出修改意见。",
    "公示期为2023年10月9日至2023年10月13日（5个工作日）。",
    "现将初步方案予以预公开，广泛征求党员群众意见。",
    "对拟表彰对象公示5个工作日。",
])
def test_pre_disclose_fires(tmp_path, sentence):
    f = the(draft(tmp_path, sentence), "PRE_DISCLOSE")
    assert f.severity == "obligation"


def test_pre_disclose_not_for_a_plain_notice(tmp_path):
    assert "PRE_DISCLOSE" not in codes(check(official_doc(tmp_path / "a.docx")))


# ------------------------------------------------------------------------------------------------ ESCALATE
@pytest.mark.parametrize("sentences", [
    ("本办法属于局党组重大决策，资金扶持范围覆盖全区科技型企业。",),
    ("该事项属于特别重大事项，需报区党务公开领导小组审核。",),
])
def test_escalate_fires(tmp_path, sentences):
    f = the(draft(tmp_path, *sentences), "ESCALATE")
    assert f.severity == "obligation"


def test_escalate_not_for_an_internal_major_decision(tmp_path):
    r = draft(tmp_path, "局党组对局机关科室职能调整作出重大决策，现予公布。")
    assert "INSIDE_FIRST" in codes(r)
    assert "ESCALATE" not in codes(r)


def test_escalate_not_for_rules_of_procedure_that_mention_the_district(tmp_path):
    path = official_doc(tmp_path / "rules.docx", title="中共青川区科学技术局党组关于印发《局领导班子议事规则》的通知", body=[
        "为贯彻落实全区党建工作会议精神，进一步规范局领导班子议事程序，制定本规则。",
        "第二条 凡属重大决策、重要干部任免、重大项目安排和大额度资金使用，必须由局党组集体讨论决定。",
    ])
    assert "ESCALATE" not in codes(check(path))


def test_escalate_not_for_a_plain_notice(tmp_path):
    assert "ESCALATE" not in codes(check(official_doc(tmp_path / "a.docx")))


# ------------------------------------------------------------------------------------------------ MISSING_FIELD
@pytest.mark.parametrize("field", ["公开内容", "公开范围", "公开形式", "公开时限"])
def test_missing_field_names_the_empty_field(tmp_path, field):
    r = check(application_form(tmp_path / "app.docx", **{field: ""}))
    missing = findings_of(r, "MISSING_FIELD")
    assert len(missing) == 1
    assert field in missing[0].message
    assert missing[0].severity == "fix"
    assert missing[0].location.startswith("表1第")


@pytest.mark.parametrize("field", ["公开范围", "公开时限"])
def test_missing_field_when_the_row_is_left_out(tmp_path, field):
    r = check(application_form(tmp_path / "app.docx", **{field: None}))
    missing = findings_of(r, "MISSING_FIELD")
    assert [field in f.message for f in missing] == [True]


def test_missing_field_names_every_empty_field(tmp_path):
    r = check(application_form(tmp_path / "app.docx", 公开范围="", 公开形式=""))
    named = sorted(f for f in ("公开内容", "公开范围", "公开形式", "公开时限")
                   for m in findings_of(r, "MISSING_FIELD") if f in m.message)
    assert named == ["公开形式", "公开范围"]


def test_missing_field_not_for_a_complete_application(tmp_path):
    assert "MISSING_FIELD" not in codes(check(application_form(tmp_path / "app.docx")))


def test_missing_field_not_for_a_draft_that_is_not_an_application(tmp_path):
    assert "MISSING_FIELD" not in codes(check(official_doc(tmp_path / "a.docx")))


# ------------------------------------------------------------------------------------------------ GARBLE
# Unambiguous swaps of the synonym-swapping conversion (伪原创): never correct Chinese, reported alone.
GARBLES = [
    ("原那么", "原则", "坚持依法依规、积极稳妥、注重实效的原那么，推进党务公开工作。"),
    ("效劳大局", "服务大局", "坚持围绕中心、效劳大局。"),
    ("志愿效劳", "志愿服务", "组织党员开展志愿效劳活动。"),
    ("科学开展观", "科学发展观", "深入贯彻落实科学开展观，推动各项工作。"),
    ("广阔党员", "广大党员", "组织广阔党员干部认真学习。"),
    ("综台", "综合", "由局综台科负责日常工作。"),
    ("以到达", "以达到", "加强督促检查，以到达公开的目的。"),
    ("反响给", "反馈给", "对收集到的意见及时整理，反响给有关科室。"),
    ("反响制度", "反馈制度", "建立健全意见收集和反响制度。"),
]
# Ambiguous swaps: the wrong word is correct Chinese too (为人民效劳, 政权稳固, 根本要求 …).
AMBIGUOUS = [
    ("效劳", "服务", "全心全意为基层党员群众效劳。"),
    ("根底", "基础", "打牢党务公开工作根底。"),
    ("但凡", "凡是", "但凡涉及党员群众关心的事项，均应按规定公开。"),
    ("稳固", "巩固", "稳固保持党务公开试点工作成果。"),
    ("根本要求", "基本要求", "全面从严治党是根本要求。"),
    ("根本情况", "基本情况", "摸清根本情况。"),
]
EVIDENCE = "坚持民主集中制原那么。"  # an unambiguous swap elsewhere in the same draft


@pytest.mark.parametrize("wrong, right, sentence", GARBLES, ids=[g[0] for g in GARBLES])
def test_garble_fires_and_suggests_the_right_word(tmp_path, wrong, right, sentence):
    r = draft(tmp_path, sentence)
    hits = [f for f in findings_of(r, "GARBLE") if wrong in f.evidence]
    assert hits, f"no GARBLE quoting {wrong}: {r.findings}"
    assert right in hits[0].message
    assert hits[0].severity == "fix"


@pytest.mark.parametrize("wrong, right, sentence", AMBIGUOUS, ids=[g[0] for g in AMBIGUOUS])
def test_ambiguous_garble_alone_does_not_fire(tmp_path, wrong, right, sentence):
    assert "GARBLE" not in codes(draft(tmp_path, sentence))


@pytest.mark.parametrize("wrong, right, sentence", AMBIGUOUS, ids=[g[0] for g in AMBIGUOUS])
def test_ambiguous_garble_fires_where_the_draft_shows_the_conversion(tmp_path, wrong, right, sentence):
    r = draft(tmp_path, sentence, EVIDENCE)
    hits = [f for f in findings_of(r, "GARBLE") if f.evidence and wrong in f.evidence]
    assert len(hits) == 1, r.findings
    assert right in hits[0].message


def test_the_rules_file_marks_which_swaps_are_ambiguous(rules):
    kinds = {g.wrong: g.ambiguous for g in rules.garbles}
    assert (kinds["原那么"], kinds["科学开展观"], kinds["效劳大局"], kinds["广阔党员"]) == (False, False, False, False)
    assert (kinds["稳固"], kinds["根本要求"], kinds["效劳"], kinds["创立成果"]) == (True, True, True, True)


def test_a_swap_inside_a_longer_one_is_reported_once(tmp_path):
    r = draft(tmp_path, "坚持围绕中心、效劳大局。")
    assert [f.message for f in findings_of(r, "GARBLE")] == [the(r, "GARBLE").message]
    assert "服务大局" in the(r, "GARBLE").message


def test_seed_style_draft_reports_every_swap(tmp_path):
    """The seed's conversion: sure and ambiguous swaps in one draft, all reported."""
    r = draft(tmp_path, "一、工作原那么。坚持以人为本、效劳大局，坚持群众性创立与常态化管理相结合。",
              "二、主要任务。组织志愿效劳活动，稳固保持文明单位创立成果。")
    wrongs = {w for f in findings_of(r, "GARBLE") for w in ("原那么", "效劳大局", "群众性创立", "志愿效劳", "稳固", "创立成果")
              if f"“{w}”" in f.message}
    assert wrongs == {"原那么", "效劳大局", "群众性创立", "志愿效劳", "稳固", "创立成果"}


@pytest.mark.parametrize("sentence", [
    "要把这些旧档案还原那么多年前的情况，确实不容易。",
    "组织各支部开展观摩学习活动。",
    "活动开展以来，党员群众反响热烈。",
    "工作人员提前到达现场做好准备。",
    "确保督查组成员可以到达现场。",
    "坚持把为人民服务作为根本任务。",
    "推进党务公开标准化建设。",
    "新建办公楼地基稳固，质量可靠。",
    "党的政治建设是党的根本性建设，全面从严治党是根本要求。",  # a Party congress report's own words
    "确保政权稳固、社会安定。",
    "但凡有空，他都去社区做志愿者。",
    "坚持为群众效劳。",
    "摸清根本情况，建立台账。",
])
def test_garble_not_for_correct_chinese(tmp_path, sentence):
    r = draft(tmp_path, sentence)
    assert "GARBLE" not in codes(r), r.findings


def test_garble_exception_check_is_linear():
    """32,000 repeats of an ambiguous swap next to its exception phrase: the covered positions come from
    one pass per exception (the old check re-scanned the text for each hit)."""
    from pipeline.rules.engine import covered_starts

    text = "稳固的" * 16000 + "稳固" * 16000
    covered = covered_starts(text, "稳固", ("稳固的", "更加稳固"))
    assert len(covered) == 16000
    assert 3 * 15999 in covered and 3 * 16000 not in covered


# ------------------------------------------------------------------------------------------------ BAD_DATE
@pytest.mark.parametrize("sentence, bad", [
    ("总结验收阶段，时间为202223年初。", "202223年"),
    ("组织运行阶段，时间为2023年lo月至11月份。", "lo月"),
    ("请于2023年2月30日前报送材料。", "2月30日"),
    ("计划于2023年13月底前完成。", "13月"),
    ("请于2023年2月29日前报送材料。", "2月29日"),
])
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_bad_date_fires(tmp_path, fmt, sentence, bad):
    r = draft(tmp_path, sentence, fmt=fmt)
    hits = [f for f in findings_of(r, "BAD_DATE") if bad in squeeze(f.evidence)]
    assert hits, r.findings
    assert hits[0].severity == "fix"


def test_bad_date_fires_for_an_impossible_chinese_numeral_date(tmp_path):
    r = check(official_doc(tmp_path / "a.docx", date="二〇二三年二月三十日"))
    assert "BAD_DATE" in codes(r)


def test_bad_date_fires_for_an_impossible_signature_date(tmp_path):
    r = check(official_doc(tmp_path / "a.docx", date="2023年9月31日"))
    assert "BAD_DATE" in codes(r)


@pytest.mark.parametrize("sentence", [
    "请于2月28日前报送材料。",
    "截至2024年2月29日，已完成全部任务。",
    "筹备启动阶段，时间为2023年9月初至12月份。",
    "本项目建设周期为18个月。",
    "2023年1—12月共召开党组会议24次。",
    "根据《社会信用体系建设规划纲要（20142020年）》要求，",  # the PDF text layer lost the dash of 2014—2020年
])
def test_bad_date_not_for_real_dates(tmp_path, sentence):
    r = draft(tmp_path, sentence)
    assert "BAD_DATE" not in codes(r), r.findings


# ------------------------------------------------------------------------------------------------ DOCNO_FORMAT
@pytest.mark.parametrize("raw, normalized", [
    ("青科党[2023]21号", "青科党〔2023〕21号"),
    ("青科党（2024）12号", "青科党〔2024〕12号"),
    ("青科党【2023】5号", "青科党〔2023〕5号"),
    ("青科党〔2023〕第12号", "青科党〔2023〕12号"),
    ("青科党〔2024〕012号", "青科党〔2024〕12号"),
])
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_docno_format_fires_with_the_normalized_form(tmp_path, fmt, raw, normalized):
    r = check(official_doc(tmp_path / f"a.{fmt}", fmt, docno=raw))
    f = the(r, "DOCNO_FORMAT")
    assert normalized in f.message
    assert raw in squeeze(f.evidence)
    assert f.severity == "fix"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_docno_format_not_for_a_correct_number(tmp_path, fmt):
    assert "DOCNO_FORMAT" not in codes(check(official_doc(tmp_path / f"a.{fmt}", fmt, docno="青科党〔2023〕21号")))


# ------------------------------------------------------------------------------------------------ findings and disclosable
@pytest.fixture(scope="module")
def variety(tmp_path_factory):
    """One draft of each kind, made once for the module: name → Report."""
    tmp_path = tmp_path_factory.mktemp("variety")
    number = resident_id(ID17)
    paths = {
        "clean": official_doc(tmp_path / "clean.docx"),
        "pii": plain_doc(tmp_path / "pii.docx", TITLE, f"身份证号码{number}，手机13857162044。"),
        "garble": plain_doc(tmp_path / "garble.docx", TITLE, "组织广阔党员干部认真学习。"),
        "obligation": plain_doc(tmp_path / "ob.docx", TITLE, "经局党组会议研究，拟提拔任用王建国同志。"),
        "secret": official_doc(tmp_path / "secret.docx", secrecy="秘密★1年"),
        "not_public": official_doc(tmp_path / "np.docx", note="（此件不公开）"),
        "no_text": make_image_pdf(tmp_path / "scan.pdf"),
        "secret_pdf": official_doc(tmp_path / "secret.pdf", "pdf", secrecy="机密★5年"),
        "app": application_form(tmp_path / "app.docx", 公开范围=""),
    }
    return {name: check(path) for name, path in paths.items()}


def test_disclosable_is_false_exactly_when_a_block_finding_exists(variety):
    seen = set()
    for name, r in variety.items():
        assert r.status == "ok", name
        blocked = any(f.severity == "block" for f in r.findings)
        assert r.to_json()["disclosable"] is (not blocked), name
        seen.add(blocked)
    assert seen == {True, False}


@pytest.mark.parametrize("name", ["secret", "not_public", "no_text", "secret_pdf"])
def test_blocked_drafts_are_never_disclosable(variety, name):
    r = variety[name]
    assert r.findings and all(f.severity == "block" for f in r.findings if f.code in ("SECRET", "NOT_PUBLIC", "NO_TEXT"))
    assert r.to_json()["disclosable"] is False
    assert r.verdict == "不得公开"


def test_every_finding_has_the_catalogue_severity_and_is_explained(variety):
    all_codes = set()
    for name, r in variety.items():
        for f in r.findings:
            all_codes.add(f.code)
            assert f.code in CATALOGUE, f
            assert f.severity == CATALOGUE[f.code], f
            assert has_cjk(f.message), f
            assert f.evidence, f
            assert f.location, f
    assert {"SECRET", "NOT_PUBLIC", "NO_TEXT", "PII_ID", "PII_PHONE", "GARBLE", "INSIDE_FIRST", "MISSING_FIELD"} <= all_codes


def test_paragraph_locations_count_paragraphs(tmp_path):
    path = make_docx(tmp_path / "loc.docx", [
        "关于科普活动周的通知", "请各科室做好准备。", "联系人：李明华，手机13857162044。",
        Table([["科室", "联系人"], ["办公室", "章晓鸣 13905718826"]]),
    ])
    locations = sorted(f.location for f in findings_of(check(path), "PII_PHONE"))
    assert locations == ["第3段", "表1第2行"]
