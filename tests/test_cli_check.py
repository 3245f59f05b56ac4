"""`gongkai check`: the JSON report of check-report.md, exit codes, the clerk's text output, and the office's
own rules file (--rules)."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess

import pytest

from fixtures import (
    Table, application_form, gongkai_script, has_cjk, make_docx, make_image_pdf, make_pdf, official_doc, plain_doc,
    text_as_docx, write_rules, Centre,
)

TOP_KEYS = {"file", "sha256", "status", "error", "metadata", "findings", "disclosable", "timing"}
SPEC_META_KEYS = {"format", "pages", "title", "doc_number", "date", "issuer", "secrecy", "secrecy_period",
                  "disclosure_note", "category", "category_name", "application"}
META_KEYS = SPEC_META_KEYS | {"category_confidence", "category_candidates"}  # added, never renamed (issue 12)
APP_KEYS = {"subject", "department", "content", "scope", "form", "period", "applicant", "date"}
FINDING_KEYS = {"code", "severity", "message", "evidence", "location"}
TIMING_KEYS = {"kind", "due"}
SEVERITIES = {"block", "redact", "obligation", "fix"}


# ------------------------------------------------------------------------------------------------ JSON shape
def _assert_report_shape(r: dict) -> None:
    assert set(r) == TOP_KEYS
    assert r["status"] in ("ok", "error")
    if r["status"] == "ok":
        assert r["error"] is None
        assert set(r["metadata"]) == META_KEYS
        if r["metadata"]["application"] is not None:
            assert set(r["metadata"]["application"]) == APP_KEYS
        assert isinstance(r["findings"], list)
        for f in r["findings"]:
            assert set(f) == FINDING_KEYS
            assert f["severity"] in SEVERITIES
        assert isinstance(r["disclosable"], bool)
        assert set(r["timing"]) == TIMING_KEYS
        assert r["timing"]["kind"] in (None, "periodic", "phase", "temporary")
    else:
        assert set(r["error"]) == {"code", "message"}
        assert has_cjk(r["error"]["message"])
        for key in ("metadata", "findings", "timing"):
            assert r[key] is None or r[key] == [] or isinstance(r[key], dict)


def test_json_keys_are_exactly_those_of_the_spec(tmp_path, gongkai):
    files = [
        official_doc(tmp_path / "01.docx"),
        official_doc(tmp_path / "02.pdf", "pdf", secrecy="秘密★1年"),
        application_form(tmp_path / "03.docx", 公开范围=""),
        plain_doc(tmp_path / "04.docx", "关于做好信访件办理工作的通知", "来信人联系电话13857162044。"),
        make_image_pdf(tmp_path / "05.pdf"),
        text_as_docx(tmp_path / "06.docx"),
    ]
    result, reports = gongkai.json(*files)
    assert isinstance(reports, list) and len(reports) == len(files)
    for r in reports:
        _assert_report_shape(r)
    assert any(r["metadata"] and r["metadata"]["application"] for r in reports)
    assert any(r["findings"] for r in reports if r["status"] == "ok")


def test_json_values(tmp_path, gongkai):
    path = official_doc(tmp_path / "通知.docx", docno="青科党[2023]21号")
    _, [r] = gongkai.json(path)
    assert r["file"] == str(path)
    assert r["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert r["status"] == "ok"
    md = r["metadata"]
    assert md["format"] == "docx" and md["pages"] is None
    assert md["title"] == "中共青川区科学技术局党组关于调整局领导班子成员工作分工的通知"
    assert md["doc_number"] == "青科党〔2023〕21号"
    assert md["date"] == "2023-09-12"
    assert md["issuer"] == "中共青川区科学技术局党组"
    assert (md["secrecy"], md["secrecy_period"]) == (None, None)
    assert md["disclosure_note"] == "此件公开发布"
    assert (md["category"], md["category_name"]) == (1, "党组织基本情况及工作运行情况")
    assert md["application"] is None
    assert [f["code"] for f in r["findings"]] == ["DOCNO_FORMAT"]
    assert r["disclosable"] is True


def test_json_is_in_input_order(tmp_path, gongkai):
    b = official_doc(tmp_path / "b.docx")
    a = official_doc(tmp_path / "a.pdf", "pdf")
    c = official_doc(tmp_path / "c.docx", secrecy="秘密★1年")
    _, reports = gongkai.json(b, a, c)
    assert [r["file"] for r in reports] == [str(b), str(a), str(c)]


def test_a_folder_stands_for_the_drafts_inside_it(tmp_path, gongkai):
    inbox = tmp_path / "inbox"
    official_doc(inbox / "02_b.docx")
    official_doc(inbox / "01_a.pdf", "pdf")
    official_doc(inbox / "sub" / "03_c.docx")
    _, reports = gongkai.json(inbox)
    names = sorted(r["file"].replace("\\", "/").rsplit("/", 1)[-1] for r in reports)
    assert names == ["01_a.pdf", "02_b.docx", "03_c.docx"]
    assert all(r["status"] == "ok" for r in reports)


def test_json_is_valid_utf8_chinese_not_escaped(tmp_path, gongkai):
    result, _ = gongkai.json(official_doc(tmp_path / "a.docx"))
    assert "中共青川区科学技术局党组" in result.stdout


# ------------------------------------------------------------------------------------------------ exit codes
def test_exit_0_when_all_fine(tmp_path, gongkai):
    result = gongkai("check", official_doc(tmp_path / "a.docx"), official_doc(tmp_path / "b.pdf", "pdf"))
    assert result.exit_code == 0


def test_exit_1_when_a_draft_is_blocked(tmp_path, gongkai):
    result = gongkai("check", official_doc(tmp_path / "a.docx"), official_doc(tmp_path / "s.docx", secrecy="秘密★1年"))
    assert result.exit_code == 1


def test_exit_1_for_a_scanned_pdf(tmp_path, gongkai):
    assert gongkai("check", make_image_pdf(tmp_path / "scan.pdf")).exit_code == 1


def test_exit_3_when_a_file_is_unreadable(tmp_path, gongkai):
    result = gongkai("check", official_doc(tmp_path / "a.docx"), text_as_docx(tmp_path / "伪装.docx"))
    assert result.exit_code == 3


def test_exit_2_for_a_missing_path(tmp_path, gongkai):
    result = gongkai("check", tmp_path / "没有这个文件.docx")
    assert result.exit_code == 2
    assert has_cjk(result.stderr)
    assert "Traceback" not in result.output


def test_exit_2_for_a_missing_path_by_subprocess(tmp_path):
    proc = subprocess.run([gongkai_script(), "check", str(tmp_path / "没有这个文件夹")], capture_output=True, timeout=60)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2
    assert has_cjk(err) and "Traceback" not in err


def test_subprocess_json_run(tmp_path):
    a = official_doc(tmp_path / "a.docx")
    s = official_doc(tmp_path / "s.pdf", "pdf", secrecy="绝密★长期")
    proc = subprocess.run([gongkai_script(), "check", "--json", str(a), str(s)], capture_output=True, timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr.decode("utf-8", "replace")
    reports = json.loads(proc.stdout.decode("utf-8"))
    for r in reports:
        _assert_report_shape(r)
    assert [r["disclosable"] for r in reports] == [True, False]
    assert (reports[1]["metadata"]["secrecy"], reports[1]["metadata"]["secrecy_period"]) == ("绝密", "长期")
    assert "SECRET" in {f["code"] for f in reports[1]["findings"]}


# ------------------------------------------------------------------------------------------------ the text a clerk reads
def test_human_output_has_a_verdict_per_file_and_locations(tmp_path, gongkai):
    para = plain_doc(tmp_path / "a.docx", "关于做好信访件办理工作的通知", "请各科室认真办理。", "来信人联系电话13857162044。")
    table = make_docx(tmp_path / "b.docx", ["信访件登记表", Table([["姓名", "联系电话"], ["张某", "13905718826"]])])
    pdf = make_pdf(tmp_path / "c.pdf", [[Centre("关于科普活动周的通知"), "请各科室做好准备。"], ["联系人手机13857162044。"]])
    secret = official_doc(tmp_path / "d.docx", secrecy="秘密★1年")
    result = gongkai("check", para, table, pdf, secret)
    out = result.stdout
    verdicts = [line.strip() for line in out.splitlines() if line.strip().startswith("结论：")]
    assert len(verdicts) == 4
    assert any("不得公开" in v for v in verdicts)
    assert re.search(r"第3段", out)
    assert "表1第2行" in out
    assert "第2页" in out
    assert "13857162044" in out or "138******44" in out
    assert result.exit_code == 1


def test_human_output_for_an_unreadable_file(tmp_path, gongkai):
    result = gongkai("check", text_as_docx(tmp_path / "伪装.docx"))
    lines = [line for line in result.stdout.splitlines() if "结论：" in line]
    assert len(lines) == 1 and has_cjk(lines[0].split("结论：", 1)[1])
    assert "Traceback" not in result.output


# ------------------------------------------------------------------------------------------------ the office's rules file
CANTEEN = dict(title="关于调整机关食堂就餐时间的通知", banner=None, docno=None, signature="青川区科学技术局办公室",
               body=["自10月8日起，机关食堂午餐时间调整为11:30至12:30，请各科室相互转告。"])


def test_rules_file_adds_a_category_word(tmp_path, gongkai):
    path = official_doc(tmp_path / "食堂.docx", **CANTEEN)
    _, [before] = gongkai.json(path)
    assert before["metadata"]["category"] != 6
    rules = write_rules(tmp_path / "规则.toml", '[categories.6]\nstrong = ["为民办实事", "信访", "机关食堂"]\n')
    _, [after] = gongkai.json("--rules", rules, path)
    assert (after["metadata"]["category"], after["metadata"]["category_name"]) == (6, "解决企业、群众关心热点难点问题")


def test_rules_file_adds_a_garble_pair(tmp_path, gongkai):
    path = plain_doc(tmp_path / "a.docx", "关于做好党务公开工作的通知", "各科室要认真做好党务工开工作。")
    _, [before] = gongkai.json(path)
    assert "GARBLE" not in {f["code"] for f in before["findings"]}
    rules = write_rules(tmp_path / "规则.toml", '[[garble]]\nwrong = "党务工开"\nright = "党务公开"\n')
    _, [after] = gongkai.json("--rules", rules, path)
    garbles = [f for f in after["findings"] if f["code"] == "GARBLE"]
    assert garbles and "党务公开" in garbles[0]["message"] and "党务工开" in garbles[0]["evidence"]


def test_rules_file_adds_a_not_public_keyword(tmp_path, gongkai):
    path = official_doc(tmp_path / "a.docx", copy_no="限阅", banner=None)
    _, [before] = gongkai.json(path)
    assert before["disclosable"] is True
    rules = write_rules(tmp_path / "规则.toml", '[not_public]\nmarkers = ["内部资料", "限阅"]\n')
    result, [after] = gongkai.json("--rules", rules, path)
    assert "NOT_PUBLIC" in {f["code"] for f in after["findings"]}
    assert after["disclosable"] is False
    assert result.exit_code == 1


def test_rules_file_adds_an_obligation_keyword(tmp_path, gongkai):
    path = plain_doc(tmp_path / "a.docx", "关于做好党务公开工作的通知", "局机关将开展年度干部交流轮岗工作。")
    _, [before] = gongkai.json(path)
    assert "INSIDE_FIRST" not in {f["code"] for f in before["findings"]}
    rules = write_rules(tmp_path / "规则.toml", '[[obligation]]\ncode = "INSIDE_FIRST"\nlabel = "干部交流"\nwords = ["交流轮岗"]\n')
    _, [after] = gongkai.json("--rules", rules, path)
    assert "INSIDE_FIRST" in {f["code"] for f in after["findings"]}


@pytest.mark.parametrize("text", [
    '[categories.6\nstrong = ["食堂"]\n',           # unclosed table header
    '[garble]]\nwrong = "a"\n',                     # bad brackets
    '[not_public]\nmarkers = ["内部资料", "限阅"\n',  # unclosed array
    '[limits]\nmax_mb = = 1\n',                     # double equals
])
def test_broken_rules_file_exit_2_with_a_chinese_message(tmp_path, gongkai, text):
    rules = write_rules(tmp_path / "坏规则.toml", text)
    result = gongkai("check", "--rules", rules, official_doc(tmp_path / "a.docx"))
    assert result.exit_code == 2
    assert has_cjk(result.stderr)
    assert "Traceback" not in result.output
    assert result.stdout.strip() == ""


def test_rules_file_with_a_bad_pattern_exit_2(tmp_path, gongkai):
    rules = write_rules(tmp_path / "坏规则.toml", "[docno]\npattern = '([\\u4e00-\\u9fff]+'\n")
    result = gongkai("check", "--rules", rules, official_doc(tmp_path / "a.docx"))
    assert result.exit_code == 2
    assert has_cjk(result.stderr)


def test_missing_rules_file_exit_2(tmp_path, gongkai):
    result = gongkai("check", "--rules", tmp_path / "没有.toml", official_doc(tmp_path / "a.docx"))
    assert result.exit_code == 2
    assert has_cjk(result.stderr)


def test_broken_rules_file_by_subprocess(tmp_path):
    rules = write_rules(tmp_path / "坏规则.toml", '[limits\nmax_mb = 1\n')
    proc = subprocess.run([gongkai_script(), "check", "--rules", str(rules), str(official_doc(tmp_path / "a.docx"))],
                          capture_output=True, timeout=60)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2
    assert has_cjk(err) and "Traceback" not in err


def test_rules_show_prints_a_loadable_rules_file(tmp_path, gongkai):
    result = gongkai("rules", "show")
    assert result.exit_code == 0
    path = write_rules(tmp_path / "copy.toml", result.stdout)
    result = gongkai("check", "--rules", path, official_doc(tmp_path / "a.docx"))
    assert result.exit_code == 0
