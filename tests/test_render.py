"""Real rendering of every template (no mocks): realistic and hostile contexts, strict XML checks."""
from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import docx
import pytest

from pipeline.errors import RenderError
from pipeline.render import (
    PACKAGED_TEMPLATES,
    TEMPLATE_KEYS,
    cn_date,
    find_template,
    lint_template,
    render_docx,
    safe_name,
    template_variables,
)

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "A&B<c>{{ x }}{% if %}\x07../../etc"
HOSTILE_SHOWN = "A&B<c>{{ x }}{% if %}../../etc"  # the bell character is not legal in XML
ORG = "中共青川区科学技术局党组"

FINDINGS = [
    {"severity": "redact", "code": "PII_ID", "message": "含公民身份号码，对外公开前须脱敏",
     "evidence": "身份证号3301061990********", "location": "第3段"},
    {"severity": "obligation", "code": "PRE_DISCLOSE", "message": "涉及党员群众切身利益，须先预公开",
     "evidence": "公示期为5个工作日", "location": "第5段"},
    {"severity": "fix", "code": "DOCNO_FORMAT", "message": "发文字号格式不规范，应使用六角括号〔〕",
     "evidence": "青科党〔2023〕07号", "location": "页眉"},
]


def contexts() -> dict[str, dict]:
    base = {"org": ORG, "item_id": "GK-2023-0007", "generated": "2023年11月20日"}
    title = "关于陈一平等同志拟任职务的任前公示"
    summary = ("经局党组研究，拟提拔陈一平同志为局办公室主任，章晓鸣同志为科技发展科科长。\n"
               "现将有关情况予以公示，公示期间如有意见请反映。")
    return {
        "审批表": {**base, "title": title, "doc_number": "青科党〔2023〕7号", "category_name": "组织建设",
                "issuer": ORG, "date": cn_date("2023-10-08"), "summary": summary, "scope": "党内，后党外",
                "form": "书面式公开、网络式公开", "period": "5个工作日", "timing": "临时性工作，随时公开",
                "verdict": "需脱敏后对外公开", "findings": FINDINGS, "bureau_opinion": "",
                "bureau_by": "", "bureau_date": "", "need_district": True, "district_opinion": "",
                "district_by": "", "district_date": "", "more_findings": [], "page_note": ""},
        "预公开公示": {**base, "title": "青川区科学技术局2024年为民办实事项目（初步方案）", "summary": summary,
                  "start": "2023年11月21日", "end": "2023年11月27日", "days": 7, "phone": "85820611",
                  "supervisors": "陈翔峰、张正浩", "box": "局机关一楼大厅党务公开意见箱",
                  "contact": "章晓鸣，局办公室"},
        "公开公告": {**base, "title": "2023年第三季度党费收缴使用情况", "scope_name": "党内",
                 "scope_text": "本局全体党员", "summary": summary, "form": "书面式公开",
                 "basics": f"发文字号：青科党〔2023〕12号；成文日期：{cn_date('2023-10-15')}。",
                 "channels": "，也可通过监督电话：85820611；意见箱：局机关一楼大厅党务公开意见箱反映。",
                 "redacted_note": "本件已对个人身份信息作脱敏处理。"},
        "意见反馈答复单": {**base, "feedback_id": "YJ-2023-0003", "item_title": title, "person": "王某（党员）",
                    "received": cn_date("2023-10-10"), "channel": "意见箱", "content": "建议公示中写明拟任职务的任职时间。",
                    "answer": "感谢您的建议。任职时间将在任职通知中写明，并在党务公开栏公开。",
                    "answered_by": "", "answered_at": "", "round_note": "第2次答复（取代2023年10月12日章晓鸣的第1次答复）"},
        "处理结果公开": {**base, "title": title, "rows": [
            {"received": "2023-10-10", "channel": "意见箱", "content": "建议写明任职时间。",
             "answer": "已采纳，将在任职通知中写明。"},
            {"received": "2023-10-11", "channel": "监督电话", "content": "询问公示期限。",
             "answer": "已电话答复：公示期为5个工作日。"}]},
        "季度汇报": {"org": ORG, "generated": base["generated"], "quarter": "2023年第四季度", "received": 14,
                 "total": 12, "blocked": 2, "approved": 11, "returned": 1, "predisclosed": 2, "inside": 7, "outside": 5,
                 "summary": [{"name": "收到文稿（件）", "count": 14}, {"name": "逾期未公开（项）", "count": 1}],
                 "by_category": [{"name": "组织建设", "count": 5}, {"name": "作风建设", "count": 4},
                                 {"name": "制度建设", "count": 3}],
                 "by_scope": [{"name": "党内", "count": 7}, {"name": "党外", "count": 5}],
                 "by_form": [{"name": "书面式公开", "count": 8}, {"name": "网络式公开", "count": 4}],
                 "disclosed": [{"id": f"GK-2023-00{i:02d}", "title": f"第{i}项公开事项", "date": "2023-11-01",
                                "scope": "党内"} for i in range(1, 6)],
                 "feedback_total": 6, "feedback_answered": 5, "feedback_open": 1,
                 "overdue": [{"id": "GK-2023-0011", "title": "2023年度述职述廉报告", "due": "2023-12-31"}]},
        "月度检查": {"org": ORG, "office": "局党务公开领导小组办公室", "month": "2023年11月", "as_of": "2023年11月30日",
                 "n_waiting": 1, "n_overdue": 1, "n_due_soon": 1, "n_periods": 1, "n_opinions": 1,
                 "waiting": [{"id": "GK-2023-0012", "title": title, "step": "待局党务公开领导小组审核", "days": "3",
                              "who": "陈先荣"}],
                 "overdue": [{"id": "GK-2023-0011", "title": "2023年度述职述廉报告", "due": "2023-11-20", "days": "8",
                              "who": "章晓鸣"}],
                 "due_soon": [{"id": "GK-2023-0013", "title": "第13项", "due": "2023-12-05", "days": "3", "who": "章晓鸣"}],
                 "periods": [{"id": "GK-2023-0014", "title": "第14项", "period": "2023-11-20 至 2023-11-27",
                              "state": "已期满，待正式公开", "who": "章晓鸣"}],
                 "opinions": [{"id": "YJ-0003", "number": "YJ2023-003", "content": "建议写明任职时间。", "item": "GK-2023-0012", "days": "5",
                               "who": "章晓鸣"}],
                 "generated": base["generated"]},
        "党务公开目录": {"org": ORG, "year": "2023", "total": 2, "inside": 2, "outside": 1, "generated": base["generated"],
                   "rows": [{"n": "1", "title": title, "category": "第3类 组织建设", "scope": "党内、党外（社会）",
                             "form": "书面式公开", "date": "2023-10-16（党内）"},
                            {"n": "2", "title": "第2项", "category": "类别待定", "scope": "党内", "form": "书面式公开",
                             "date": "2023-11-02（党内）"}]},
    }


def hostile(ctx: dict) -> dict:
    """Every string value replaced by the hostile text (lists of rows too)."""
    def swap(v):
        if isinstance(v, str):
            return HOSTILE
        if isinstance(v, list):
            return [swap(x) for x in v]
        if isinstance(v, dict):
            return {k: swap(x) for k, x in v.items()}
        return v
    return swap(ctx)


def parts(path: Path) -> dict[str, ET.Element]:
    with zipfile.ZipFile(path) as z:
        return {n: ET.fromstring(z.read(n)) for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")}


def body_text(path: Path) -> str:
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = parts(path)["word/document.xml"]
    return "\n".join("".join(t.text or "" for t in p.iter(f"{w}t")) for p in root.iter(f"{w}p"))


@pytest.mark.parametrize("name", sorted(TEMPLATE_KEYS))
def test_realistic_render(name: str, tmp_path: Path) -> None:
    ctx = contexts()[name]
    assert set(ctx) == TEMPLATE_KEYS[name]
    out = render_docx(find_template(name, None), ctx, tmp_path / f"{name}.docx")
    assert out.is_file()
    document = docx.Document(str(out))
    assert document.core_properties.title == ctx.get("title", name)
    assert document.core_properties.language == "zh-CN"
    text = body_text(out)
    assert ORG in text
    assert not re.search(r"\{\{|\{%|%\}|\}\}", text)
    assert os.listdir(tmp_path) == [f"{name}.docx"]


def test_approval_form_content(tmp_path: Path) -> None:
    ctx = contexts()["审批表"]
    out = render_docx(find_template("审批表", None), ctx, tmp_path / "a.docx")
    text = body_text(out)
    assert "需脱敏" in text and "身份证号3301061990********" in text  # severities in Chinese
    assert "PII_ID" not in text  # the form has no code column: readers see Chinese only
    assert "区党务公开领导小组审核意见" in text and "审核人签字：" in text and "年　　月　　日" in text
    ctx2 = {**ctx, "need_district": False, "findings": [], "bureau_opinion": "同意公开。", "bureau_by": "陈先荣",
            "bureau_date": "2023年10月9日"}
    text2 = body_text(render_docx(find_template("审批表", None), ctx2, tmp_path / "b.docx"))
    assert "区党务公开领导小组审核意见" not in text2 and "未发现问题" in text2
    assert "同意公开。" in text2 and "陈先荣" in text2 and "2023年10月9日" in text2


def test_tags_are_whole_runs() -> None:
    """Each tag sits in one w:t of its own, so rewording the text around it in Word cannot split it."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    whole = re.compile(r"\{\{ [a-z_.]+ \}\}|\{%(tr|p) [a-z_ ]+ %\}")
    for name in TEMPLATE_KEYS:
        for part, root in parts(PACKAGED_TEMPLATES / f"{name}.docx").items():
            for t in root.iter(f"{w}t"):
                if t.text and re.search(r"[{}%]", t.text):
                    assert whole.fullmatch(t.text), (name, part, t.text)


def test_newlines_become_paragraphs(tmp_path: Path) -> None:
    ctx = {**contexts()["公开公告"], "summary": "第一段内容。\n第二段内容。\r\n第三段\t内容。"}
    out = render_docx(find_template("公开公告", None), ctx, tmp_path / "p.docx")
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "第一段内容。" in paragraphs and "第二段内容。" in paragraphs and "第三段\t内容。" in paragraphs
    assert cn_date("2023-10-08") == "2023年10月8日" and cn_date("十月") == "十月" and cn_date(None) == ""


def test_cn_date_takes_a_ledger_timestamp_with_its_offset():
    assert cn_date("2026-12-02T04:22:05+08:00") == "2026年12月2日"


def test_optional_note_and_empty_rows(tmp_path: Path) -> None:
    c = contexts()
    notice = body_text(render_docx(find_template("公开公告", None), {**c["公开公告"], "redacted_note": ""},
                                   tmp_path / "n.docx"))
    assert "脱敏" not in notice and "党务公开公告" in notice
    results = body_text(render_docx(find_template("处理结果公开", None), {**c["处理结果公开"], "rows": []},
                                    tmp_path / "r.docx"))
    assert "公开期间未收到意见建议" in results
    report = {**c["季度汇报"], "overdue": [], "disclosed": [], "by_form": []}
    text = body_text(render_docx(find_template("季度汇报", None), report, tmp_path / "q.docx"))
    assert "无逾期未公开事项" in text and "本季度无已公开事项" in text


@pytest.mark.parametrize("name", sorted(TEMPLATE_KEYS))
def test_hostile_values_are_literal(name: str, tmp_path: Path) -> None:
    ctx = hostile(contexts()[name])
    out = render_docx(find_template(name, None), ctx, tmp_path / "out.docx", title=HOSTILE)
    parsed = parts(out)  # strict expat parse of every word/ part
    assert "word/document.xml" in parsed
    document = docx.Document(str(out))
    assert document.core_properties.title == HOSTILE_SHOWN
    text = body_text(out)
    assert HOSTILE_SHOWN in text
    assert "\x07" not in text
    # every tag came out of the template: only the values' own braces remain
    template_tags = len(re.findall(r"\{\{|\{%", text))
    assert template_tags == text.count(HOSTILE_SHOWN) * 2
    assert os.listdir(tmp_path) == ["out.docx"]


def test_missing_key_is_a_render_error_and_leaves_nothing(tmp_path: Path) -> None:
    ctx = dict(contexts()["公开公告"])
    del ctx["summary"]
    target = tmp_path / "x.docx"
    with pytest.raises(RenderError, match="summary"):
        render_docx(find_template("公开公告", None), ctx, target)
    assert os.listdir(tmp_path) == []


def test_existing_output_replaced_atomically(tmp_path: Path) -> None:
    target = tmp_path / "x.docx"
    target.write_bytes(b"old")
    ctx = contexts()["处理结果公开"]
    render_docx(find_template("处理结果公开", None), ctx, target)
    assert docx.Document(str(target)) and os.listdir(tmp_path) == ["x.docx"]
    with pytest.raises(RenderError):
        render_docx(find_template("处理结果公开", None), {"org": ORG}, target)
    assert os.listdir(tmp_path) == ["x.docx"] and docx.Document(str(target))


def test_sandbox_blocks_unsafe_template(tmp_path: Path) -> None:
    tpl = tmp_path / "evil.docx"
    d = docx.Document()
    d.add_paragraph().add_run("{{ org.__class__.__mro__ }}")
    d.save(str(tpl))
    with pytest.raises(RenderError):
        render_docx(tpl, {"org": "x"}, tmp_path / "out.docx")


def test_template_remnant_is_detected(tmp_path: Path) -> None:
    """Braces that come out of the template (not out of a value) mean a tag was not rendered."""
    tpl = tmp_path / "remnant.docx"
    d = docx.Document()
    d.add_paragraph().add_run("{{ org }}")
    d.add_paragraph().add_run("{{ '{{' }}")
    d.save(str(tpl))
    with pytest.raises(RenderError, match="未被替换"):
        render_docx(tpl, {"org": "x"}, tmp_path / "out.docx")
    assert os.listdir(tmp_path) == ["remnant.docx"]
    out = render_docx(_one_tag(tmp_path), {"org": "{_{ \ue000 }_}"}, tmp_path / "ok.docx")
    assert "{_{  }_}" in body_text(out)  # docxtpl's own {_{ rewrite does not touch values; sentinels dropped


def _one_tag(folder: Path) -> Path:
    tpl = folder / "one.docx"
    d = docx.Document()
    d.add_paragraph().add_run("{{ org }}")
    d.save(str(tpl))
    return tpl


def test_lint_unknown_variable_and_syntax(tmp_path: Path) -> None:
    tpl = tmp_path / "t.docx"
    d = docx.Document()
    d.add_paragraph().add_run("{{ org }}")
    d.add_paragraph().add_run("{{ nonsense }}")
    d.save(str(tpl))
    assert template_variables(tpl) == {"org", "nonsense"}
    problems = lint_template(tpl, {"org"})
    assert len(problems) == 1 and "nonsense" in problems[0] and "未知变量" in problems[0]

    bad = tmp_path / "bad.docx"
    d = docx.Document()
    d.add_paragraph().add_run("一段正文")
    d.add_paragraph().add_run("{% if org %}没有结束")
    d.save(str(bad))
    problems = lint_template(bad, {"org"})
    assert len(problems) == 1 and "语法错误" in problems[0]

    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    assert "无法读取" in lint_template(broken, set())[0]


@pytest.mark.parametrize("name", sorted(TEMPLATE_KEYS))
def test_shipped_templates_lint_clean_and_identical(name: str) -> None:
    packaged = PACKAGED_TEMPLATES / f"{name}.docx"
    assert lint_template(packaged, TEMPLATE_KEYS[name]) == []
    assert template_variables(packaged) == TEMPLATE_KEYS[name]
    workspace = ROOT / "templates" / f"{name}.docx"
    assert workspace.read_bytes() == packaged.read_bytes()


def test_template_fonts_and_language() -> None:
    with zipfile.ZipFile(PACKAGED_TEMPLATES / "审批表.docx") as z:
        styles = z.read("word/styles.xml").decode()
        settings = z.read("word/settings.xml").decode()
    assert "eastAsiaTheme" not in styles and 'w:eastAsia="仿宋_GB2312"' in styles
    assert 'w:eastAsia="zh-CN"' in styles and 'w:eastAsia="zh-CN"' in settings and "ja-JP" not in settings


def test_find_template_prefers_workspace(tmp_path: Path) -> None:
    assert find_template("审批表", None) == PACKAGED_TEMPLATES / "审批表.docx"
    assert find_template("审批表.docx", tmp_path) == PACKAGED_TEMPLATES / "审批表.docx"
    (tmp_path / "审批表.docx").write_bytes((PACKAGED_TEMPLATES / "审批表.docx").read_bytes())
    assert find_template("审批表", tmp_path) == tmp_path / "审批表.docx"
    for bad in ("../审批表", "不存在", "a/b"):
        with pytest.raises(RenderError):
            find_template(bad, tmp_path)


@pytest.mark.parametrize("text", ["../../etc/passwd", "..", "...", "/", "a/../b", "\\\\server\\share",
                                  "C:\\Windows\\x", " . .hidden", "x" * 200, "", "   ", "\x00\x07",
                                  "CON", "con.txt", "LPT1", "\u202eexe.docx", "关于《通知》的*公示?"])
def test_safe_name_never_escapes(text: str, tmp_path: Path) -> None:
    name = safe_name(text)
    assert name and len(name) <= 40
    assert not set('/\\:*?"<>|') & set(name) and ".." not in name
    assert not name.startswith((".", " ")) and not name.endswith((".", " "))
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "LPT1"}
    assert (tmp_path / name).resolve().parent == tmp_path.resolve()


def test_safe_name_values() -> None:
    assert safe_name("../../etc/passwd") == "etcpasswd"
    assert safe_name("") == safe_name("   ") == "未命名"
    assert safe_name("关于《通知》的*公示?") == "关于《通知》的公示"
    assert safe_name("甲" * 200) == "甲" * 40
    assert safe_name("a   b\n\tc") == "a b c"
    assert safe_name("x" * 200, max_len=10) == "x" * 10
    assert safe_name("CON") == "_CON"
