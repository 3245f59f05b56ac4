"""The documents the pipeline produces (issue "Generate the documents"), end to end and without mocks.

One real workspace (init_workspace, its gongkai.toml edited to a test organisation and supervision phone) is
fed realistic drafts — an official document, a draft with personal data in a paragraph, a table cell, split
runs and the document properties, an ESCALATE and a PRE_DISCLOSE draft, two 党务公开事项申请表, drafts with
hostile titles — which are ingested and walked through review / predisclose / publish inside + outside /
feedback import + answer / close / quarterly report (CLI with --workspace, and pipeline.api where a date must
be given). The tests then read every produced file back: python-docx, a strict expat parse of the XML parts,
openpyxl for the catalogue. Tests that regenerate or break templates work on a copy of that workspace.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import docx
import openpyxl
import pytest

from doc_helpers import (cn, docx_text, mask, other_parts, pii_draft, predisclosure_period,
                         publications, remnants, strict_parts, xml_parts)
from fixtures import APPLICATION, application_form
from pipeline import api
from pipeline.api import open_session
from pipeline.render import PACKAGED_TEMPLATES, TEMPLATE_KEYS
from pipeline.workdays import Clock
from pipeline.workspace import init_workspace, load_workspace
from wf_helpers import PII_ID, PII_PHONE, WsCli, db_rows, draft, is_chinese, numbered_draft, sha256, status_of

# --------------------------------------------------------------------------------------------- the test office
ORG = "中共青川区测试局党组"
PHONE = "0571-86001234"
BOX = "局机关二楼东侧意见征集箱"
SUPERVISORS = ("王监督", "李监督")
REVIEWER = "陈先荣"
DISTRICT = "李立"
LIAISON = "章晓鸣"

# personal data of the PII draft (valid ID check character; mobiles)
SPACED_PHONE = f"{PII_PHONE[:3]} {PII_PHONE[3:7]} {PII_PHONE[7:]}"  # 138 1234 5678, in a table cell
SPLIT_PHONE = "15987654321"  # over three runs, the middle one bold
PROP_PHONE = "13698765432"  # in the document properties (core title)
PII_NUMBERS = (PII_ID, PII_PHONE, SPLIT_PHONE, PROP_PHONE)

LONG_TITLE = ("关于" + "进一步加强科技项目管理和科技成果转化工作" * 12)[:197] + "的通知"
HOSTILE = {
    "h_path": "关于../../etc/passwd的通知",
    "h_xml": "关于A&B<c>的通知",
    "h_jinja": "关于{{ 7*7 }}和{% if %}的通知",
    "h_long": LONG_TITLE,
    "h_chars": '关于\\ / : * ? " < > |的通知',
    "h_formula": '=HYPERLINK("http://example.com","点击")关于测试的通知',
}
assert len(LONG_TITLE) == 200

# feedback register: one row for the official document (by 发文字号), one hostile row for h_xml
FB_OFFICIAL = ("建议把机关食堂晚餐供应时间延长到十九点。", "已采纳，自下月起晚餐供应延长至十九点。", "王芳")
FB_HOSTILE = ("通知中“A&B<c>”的写法看不懂，{{ 名单 }}指什么？", "感谢指正，{% 已更正 %}为“甲和乙”。<完>", "张明")

# fixed clocks: drafts arrive on Monday 2026-11-02, the liaison enters everything on Monday 2026-11-30
INGESTED = Clock(fixed=datetime(2026, 11, 2, 9, 0))
NOW = Clock(fixed=datetime(2026, 11, 30, 10, 0))
QUARTER, Q_START, Q_END = "2026Q4", date(2026, 10, 1), date(2026, 12, 31)
REVIEWED = "2026-11-03"  # the 党组 meeting that approved them

KEYED = ("official", "pii", "escalate", "pre", "app")
IDLE = ("idle1", "idle2", "app2")  # left at 已登记待审核


@dataclass(frozen=True)
class Built:
    root: Path
    ids: dict[str, str]  # draft key -> item id
    titles: dict[str, str]  # draft key -> title as recorded
    before: dict[str, Path]  # draft key -> copy of its 审批表 right after ingest (before any review)
    sources: dict[str, Path]  # draft key -> the draft as written (outside the workspace)
    feedback: dict[str, str]  # "official" / "hostile" -> feedback id
    quarter: str

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    def folder(self, key: str) -> Path:
        found = [d for d in self.outbox.iterdir() if d.is_dir() and d.name.startswith(self.ids[key] + "_")]
        assert len(found) == 1, (key, found)
        return found[0]

    def file(self, key: str, suffix: str) -> Path:
        return self.folder(key) / f"{self.ids[key]}_{suffix}"


def configure(root: Path) -> None:
    cfg = root / "gongkai.toml"
    text = cfg.read_text(encoding="utf-8")
    for old, new in (('"中共青川区科学技术局党组"', f'"{ORG}"'), ('"85820611"', f'"{PHONE}"'),
                     ('"局机关一楼大厅征求意见箱"', f'"{BOX}"'), ('["陈一平", "章晓鸣"]         # 聘请',
                                                        f'["{SUPERVISORS[0]}", "{SUPERVISORS[1]}"]  # 聘请')):
        assert old in text, old
        text = text.replace(old, new, 1)
    cfg.write_text(text, encoding="utf-8")


def write_register(path: Path, rows: list[tuple]) -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["编号", "收到日期", "渠道", "反映人", "联系方式", "涉及事项", "意见内容"])
    for r in rows:
        sheet.append(list(r))
    wb.save(path)
    return path


def ok(result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.output)
    return result.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    base = tmp_path_factory.mktemp("docs")
    settings, _ = init_workspace(base / "ws")
    configure(settings.root)
    settings = load_workspace(settings.root)
    assert settings.org == ORG and settings.phone == PHONE

    src = base / "src"
    sources = {
        "official": draft(src / "official.docx", "plain"),
        "pii": pii_draft(src / "pii.docx", id_number=PII_ID, phone=PII_PHONE, spaced_phone=SPACED_PHONE,
                         split_phone=SPLIT_PHONE, prop_phone=PROP_PHONE),
        "escalate": draft(src / "escalate.docx", "escalate"),
        "pre": draft(src / "pre.docx", "pre_disclose"),
        "app": application_form(src / "app.docx"),
        "app2": application_form(src / "app2.docx", 公开事项="2023年第四季度党费收缴使用情况",
                                 公开内容="2023年第四季度党费收缴、使用和管理情况", 公开形式="书面式公开、网络式公开"),
        "idle1": numbered_draft(src / "idle1.docx", 1),
        "idle2": numbered_draft(src / "idle2.docx", 2),
    }
    for n, (key, title) in enumerate(HOSTILE.items()):
        sources[key] = draft(src / f"{key}.docx", "plain", title=title, docno=f"青科党〔2023〕{60 + n}号")
    for key, path in sources.items():
        shutil.copy2(path, settings.inbox / f"{key}.docx")

    with open_session(settings, clock=INGESTED) as s:
        outcomes = api.run_ingest(s)
    assert all(o.kind == "recorded" for o in outcomes), [(o.file, o.kind, o.message) for o in outcomes]
    ids = {Path(o.file).stem: o.item_id for o in outcomes}
    assert set(ids) == set(sources)
    titles = {k: db_rows(settings.root, "SELECT title FROM items WHERE id=?", (i,))[0][0] for k, i in ids.items()}

    before = {}
    for key, item_id in ids.items():
        form = next(settings.outbox.glob(f"{item_id}_*/{item_id}_党务公开审批表.docx"))
        before[key] = shutil.copy2(form, base / f"before_{key}.docx")

    cli = WsCli(settings.root, NOW)
    for key in (*KEYED, *HOSTILE):
        ok(cli("review", ids[key], "--approve", "--by", REVIEWER, "--date", REVIEWED))
    ok(cli("review", ids["escalate"], "--approve", "--by", DISTRICT, "--level", "district", "--date", "2026-11-04"))
    ok(cli("predisclose", ids["pre"], "--days", "1", "--by", LIAISON, "--date", "2026-11-04"))
    ok(cli("publish", ids["pre"], "--scope", "inside", "--by", LIAISON, "--date", "2026-11-06"))
    for key in ("official", "pii", "escalate", "app", *HOSTILE):
        ok(cli("publish", ids[key], "--scope", "inside"))
    for key in ("official", "pii", "h_xml"):
        ok(cli("publish", ids[key], "--scope", "outside"))

    received = datetime(2026, 11, 10)
    register = write_register(base / "意见登记表.xlsx", [
        ("1", received, "意见箱", FB_OFFICIAL[2], None, "青科党〔2023〕30号", FB_OFFICIAL[0]),
        ("2", received, "监督电话", FB_HOSTILE[2], None, "青科党〔2023〕61号", FB_HOSTILE[0]),
    ])
    out = ok(cli("feedback", "import", register))
    assert "新增 2 条意见" in out and "无法自动关联" not in out, out
    fb = {r[0]: r[1:] for r in db_rows(settings.root, "SELECT content, id, item_id FROM feedback")}
    feedback = {"official": fb[FB_OFFICIAL[0]][0], "hostile": fb[FB_HOSTILE[0]][0]}
    assert fb[FB_OFFICIAL[0]][1] == ids["official"] and fb[FB_HOSTILE[0]][1] == ids["h_xml"]
    ok(cli("feedback", "answer", feedback["official"], "--text", FB_OFFICIAL[1], "--by", LIAISON))
    ok(cli("feedback", "answer", feedback["hostile"], "--text", FB_HOSTILE[1], "--by", LIAISON))
    ok(cli("close", ids["official"]))
    ok(cli("close", ids["h_xml"]))

    quarter = QUARTER
    out = ok(cli("generate", "report", "--quarter", quarter))
    assert "共生成 2 个文件" in out, out
    return Built(settings.root, ids, titles, before, sources, feedback, quarter)


def copy_ws(built: Built, tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(built.root, root)
    return root


def literal_values(built: Built) -> tuple[str, ...]:
    """Values that legitimately contain braces (hostile titles and feedback)."""
    return (*built.titles.values(), *HOSTILE.values(), FB_HOSTILE[0], FB_HOSTILE[1])


def all_docx(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.docx"))


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith((".tmp", ".part")) or p.name.startswith(".")]


# ============================================================================ 1. names and folders
def test_every_document_kind_is_written_with_the_expected_names(built: Built) -> None:
    i = built.ids
    fb = built.feedback["official"]
    expected = {
        "official": {f"{i['official']}_党务公开审批表.docx", f"{i['official']}_检查报告.json", f"{i['official']}_公开稿.docx",
                     f"{i['official']}_党务公开公告（党内）.docx", f"{i['official']}_党务公开公告（党外）.docx",
                     f"{fb}_意见反馈答复单.docx", f"{i['official']}_处理结果公开.docx"},
        "pii": {f"{i['pii']}_党务公开审批表.docx", f"{i['pii']}_检查报告.json", f"{i['pii']}_公开稿.docx",
                f"{i['pii']}_党务公开公告（党内）.docx", f"{i['pii']}_党务公开公告（党外）.docx"},
        "escalate": {f"{i['escalate']}_党务公开审批表.docx", f"{i['escalate']}_检查报告.json", f"{i['escalate']}_公开稿.docx",
                     f"{i['escalate']}_党务公开公告（党内）.docx"},
        "pre": {f"{i['pre']}_党务公开审批表.docx", f"{i['pre']}_检查报告.json", f"{i['pre']}_预公开公示.docx",
                f"{i['pre']}_公开稿.docx",
                f"{i['pre']}_党务公开公告（党内）.docx"},
        "app": {f"{i['app']}_党务公开审批表.docx", f"{i['app']}_检查报告.json", f"{i['app']}_党务公开公告（党内）.docx",
                f"{i['app']}_公开稿.docx"},
        "idle1": {f"{i['idle1']}_党务公开审批表.docx", f"{i['idle1']}_检查报告.json", f"{i['idle1']}_公开稿.docx"},
    }
    for key, names in expected.items():
        folder = built.folder(key)
        assert folder.parent == built.outbox
        assert folder.name == f"{i[key]}_{built.titles[key]}"  # short, safe titles are kept whole
        assert {p.name for p in folder.iterdir()} == names, key
    assert re.fullmatch(r"YJ-\d+", fb)
    # the patterns of the issue
    patterns = ["*党务公开审批表.docx", "*检查报告.json", "*公开稿.docx", "*预公开公示.docx", "*党务公开公告（党内）.docx",
                "*党务公开公告（党外）.docx", "YJ-*_意见反馈答复单.docx", "*处理结果公开.docx"]
    for pattern in patterns:
        assert list(built.outbox.glob(f"*/{pattern}")), pattern
    # every item that may be published has its sanitised 公开稿 (the outside publication needs it)
    assert sorted(p.name for p in built.outbox.glob("*/*公开稿.docx")) == sorted(f"{v}_公开稿.docx" for v in i.values())
    reports = built.outbox / "季度汇报"
    assert sorted(p.name for p in reports.iterdir()) == sorted(
        [f"{built.quarter}_季度党务公开情况汇报.docx", f"{built.quarter}_党务公开目录.xlsx"])
    # nothing but item folders and the report folder; no temporary file anywhere
    assert {d.name for d in built.outbox.iterdir()} == {built.folder(k).name for k in built.ids} | {"季度汇报"}
    assert leftovers(built.outbox) == []


def test_check_report_json_describes_the_item(built: Built) -> None:
    for key in built.ids:
        data = json.loads(built.file(key, "检查报告.json").read_text(encoding="utf-8"))
        assert data["status"] == "ok" and data["metadata"]["title"] == built.titles[key]
    pii = json.loads(built.file("pii", "检查报告.json").read_text(encoding="utf-8"))
    assert {f["code"] for f in pii["findings"]} >= {"PII_ID", "PII_PHONE"}
    assert pii["metadata"]["doc_number"] == "青科党〔2023〕33号"


# ============================================================================ 2. every .docx is sound and filled
def test_every_docx_opens_parses_strictly_and_has_no_template_remnants(built: Built) -> None:
    docs = all_docx(built.outbox) + list(built.before.values())
    assert len(docs) >= 40
    allowed = literal_values(built)
    for path in docs:
        document = docx.Document(str(path))
        assert document.paragraphs or document.tables, path
        assert strict_parts(path), path  # every XML part parsed by expat
        assert remnants(path, allowed) == [], path
        if "公开稿" not in path.name:
            assert document.core_properties.language == "zh-CN", path


def test_documents_are_filled_from_the_ledger_and_the_config(built: Built) -> None:
    for key in (*KEYED, *HOSTILE, *IDLE):
        item_id, title = built.ids[key], built.titles[key]
        for path in all_docx(built.folder(key)):
            if path.name.endswith("公开稿.docx"):
                continue
            text = docx_text(path)
            assert item_id in text, path
            assert title in text, path
            assert ORG in text, path  # the organisation of gongkai.toml, not the shipped default

    def text(key: str, suffix: str) -> str:
        return docx_text(built.file(key, suffix))

    for key in ("official", "pii", "escalate", "pre"):
        docno = db_rows(built.root, "SELECT doc_number FROM items WHERE id=?", (built.ids[key],))[0][0]
        assert docno and docno.startswith("青科党〔2023〕")
        assert docno in text(key, "党务公开审批表.docx")
        assert f"发文字号：{docno}" in text(key, "党务公开公告（党内）.docx")
    assert "青科党〔2023〕30号" in text("official", "党务公开公告（党外）.docx")

    # the application form's own fields
    form = text("app", "党务公开审批表.docx")
    for field in ("公开内容", "公开范围", "公开形式", "公开时限", "申请科室"):
        assert APPLICATION[field] in form, field

    # pre-disclosure notice: the recorded period and the office's channels from gongkai.toml
    period = predisclosure_period(built.root, built.ids["pre"])
    notice = text("pre", "预公开公示.docx")
    assert f"{cn(period['start'])}至{cn(period['end'])}" in notice
    for value in (PHONE, BOX, *SUPERVISORS, ORG):
        assert value in notice, value

    # the outside notice of the PII item says it refers to the 公开稿 and shows no personal data
    outside = text("pii", "党务公开公告（党外）.docx")
    assert "公开稿" in outside and "全体干部职工和社会公众" in outside
    assert "全体党员" in text("pii", "党务公开公告（党内）.docx")
    for number in PII_NUMBERS:
        assert number not in outside and number not in text("pii", "党务公开公告（党内）.docx")

    # feedback: the response and the results carry content, answer, person and who answered
    folder = built.folder("official")
    response = docx_text(folder / f"{built.feedback['official']}_意见反馈答复单.docx")
    for value in (*FB_OFFICIAL, LIAISON, built.feedback["official"], "2026年11月30日"):
        assert value in response, value
    results = text("official", "处理结果公开.docx")
    assert FB_OFFICIAL[0] in results and FB_OFFICIAL[1] in results
    hostile = docx_text(built.folder("h_xml") / f"{built.feedback['hostile']}_意见反馈答复单.docx")
    assert FB_HOSTILE[0] in hostile and FB_HOSTILE[1] in hostile

    # quarterly report
    report = docx_text(built.outbox / "季度汇报" / f"{QUARTER}_季度党务公开情况汇报.docx")
    assert ORG in report and "2026年第四季度" in report
    for item_id, _, day in publications(built.root):
        assert Q_START <= date.fromisoformat(day[:10]) <= Q_END
        assert item_id in report
    assert f"共收到文稿{len(built.ids)}件，其中党务公开事项{len(built.ids)}项" in report


# ============================================================================ 3. the 审批表 boxes
def form_rows(path: Path) -> dict[str, str]:
    """First cell text -> text of the rest of the row, for every table row of the 审批表."""
    rows = {}
    for table in docx.Document(str(path)).tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            rows.setdefault(cells[0], "\n".join(dict.fromkeys(cells[1:])))
    return rows


def box(rows: dict[str, str], level: str) -> str | None:
    label = {"bureau": "局党务公开领导小组（局党组）审核意见", "district": "区党务公开领导小组审核意见"}[level]
    return rows.get(label)


def test_approval_form_boxes_before_and_after_review(built: Built) -> None:
    for key, path in built.before.items():
        rows = form_rows(path)
        bureau, district = box(rows, "bureau"), box(rows, "district")
        assert bureau is not None, key
        assert (district is not None) == (key == "escalate"), key  # the district box only for ESCALATE
        text = docx_text(path)
        assert REVIEWER not in text and DISTRICT not in text and "同意" not in text, key
        assert "审核人签字：" in bureau and "年　　月　　日" in bureau and "同意" not in bureau

    today = "2026年11月3日"  # the meeting's date given with --date, not the day it was entered
    for key in (*KEYED, *HOSTILE):
        rows = form_rows(built.file(key, "党务公开审批表.docx"))
        bureau, district = box(rows, "bureau"), box(rows, "district")
        assert REVIEWER in bureau and "同意" in bureau and today in bureau, key
        assert (district is not None) == (key == "escalate"), key
    district = box(form_rows(built.file("escalate", "党务公开审批表.docx")), "district")
    assert DISTRICT in district and "同意" in district and REVIEWER not in district
    for key in IDLE:  # never reviewed: still empty
        bureau = box(form_rows(built.file(key, "党务公开审批表.docx")), "bureau")
        assert REVIEWER not in bureau and "同意" not in bureau


# ============================================================================ 4. the 公开稿
def test_redacted_copy_masks_every_number_and_keeps_everything_else(built: Built) -> None:
    redacted = built.file("pii", "公开稿.docx")
    archived = built.root / db_rows(built.root, "SELECT archived FROM versions WHERE item_id=?",
                                    (built.ids["pii"],))[0][0]
    assert sha256(archived) == sha256(built.sources["pii"])  # the original is archived unchanged
    strict_parts(redacted)

    # no number, raw or spaced or split over runs, in any XML part (document properties included)
    spaced = [f"{n[:3]} {n[3:7]} {n[7:]}" for n in PII_NUMBERS[1:]] + [f"{n[:3]}-{n[3:7]}-{n[7:]}" for n in PII_NUMBERS[1:]]
    for name, xml in xml_parts(redacted).items():
        squeezed = re.sub(r"[\s-]", "", re.sub(r"<[^>]+>", "", xml))
        for number in (*PII_NUMBERS, *spaced):
            assert number not in xml, (name, number)
        for number in PII_NUMBERS:
            assert number not in squeezed, (name, number)
    masked = {PII_ID: mask(PII_ID, 6, 4), PII_PHONE: mask(PII_PHONE), SPACED_PHONE: mask(SPACED_PHONE),
              SPLIT_PHONE: mask(SPLIT_PHONE), PROP_PHONE: mask(PROP_PHONE)}
    assert masked[PII_ID] == PII_ID[:6] + "*" * 8 + PII_ID[-4:] and masked[SPACED_PHONE] == "138 **** 5678"
    text = docx_text(redacted)
    for number in (PII_ID, PII_PHONE, SPACED_PHONE, SPLIT_PHONE):
        assert masked[number] in text, number
    assert masked[PROP_PHONE] in docx.Document(str(redacted)).core_properties.title

    def expect(s: str) -> str:
        for number, m in masked.items():
            s = s.replace(number, m)
        return s

    orig, red = docx.Document(str(archived)), docx.Document(str(redacted))
    assert len(red.paragraphs) == len(orig.paragraphs) and len(red.tables) == len(orig.tables)
    changed = 0
    for po, pr in zip(orig.paragraphs, red.paragraphs):
        assert pr.text == expect(po.text)
        changed += pr.text != po.text
        # formatting kept: same runs, same bold, same alignment and style
        assert [r.bold for r in pr.runs] == [r.bold for r in po.runs]
        assert [len(r.text) for r in pr.runs] == [len(r.text) for r in po.runs]
        assert pr.alignment == po.alignment and pr.style.name == po.style.name
    assert changed == 2  # the ID + mobile paragraph and the split-run paragraph; all others identical
    for to, tr in zip(orig.tables, red.tables):
        assert [[c.text for c in row.cells] for row in tr.rows] == \
               [[expect(c.text) for c in row.cells] for row in to.rows]
    assert red.tables[0].cell(1, 1).text == "138 **** 5678"
    assert other_parts(redacted) == other_parts(archived)  # styles, numbering, settings … byte for byte


# ============================================================================ 5. the catalogue
def test_catalogue_has_a_header_and_a_row_per_publication_formulas_stay_text(built: Built) -> None:
    q, start, end = QUARTER, Q_START, Q_END
    path = built.outbox / "季度汇报" / f"{q}_党务公开目录.xlsx"
    wb = openpyxl.load_workbook(path)
    sheet = wb.active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["序号", "事项编号", "标题", "发文字号", "内容类别", "公开范围", "公开日期", "原文件"]
    published = [(i, d) for i, _, d in publications(built.root) if start <= date.fromisoformat(d[:10]) <= end]
    assert len(rows) - 1 == len(published)  # one row for each publication (an item public inside and outside: two)
    assert {r[1] for r in rows[1:]} == {i for i, _ in published}
    assert [r[0] for r in rows[1:]] == list(range(1, len(rows)))
    by_id = {built.ids[k]: k for k in built.ids}
    for r in rows[1:]:
        assert r[2] == built.titles[by_id[r[1]]]
    disclosed = {built.ids[k] for k in (*KEYED, *HOSTILE)}
    assert {i for i, _ in published} <= disclosed

    formula_id = built.ids["h_formula"]
    cells = [row[2] for row in sheet.iter_rows(min_row=2) if row[1].value == formula_id]
    assert cells and all(c.value == built.titles["h_formula"] and c.value.startswith("=") for c in cells)
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert sheets and not any(re.search(r"<(\w+:)?f[ >]", z.read(n).decode()) for n in sheets)


# ============================================================================ 6. hostile titles
@pytest.mark.parametrize("key", list(HOSTILE))
def test_hostile_title_through_the_whole_pipeline(built: Built, key: str) -> None:
    title = built.titles[key]
    assert title == re.sub(r"\s", "", HOSTILE[key])  # recorded as drafted (the checker drops whitespace)
    assert status_of(built.root, built.ids[key]) in ("disclosed_inside", "disclosed", "closed")
    folder = built.folder(key)
    assert folder.resolve().parent == built.outbox.resolve()
    part = folder.name[len(built.ids[key]) + 1:]
    assert 0 < len(part) <= 45 and not set('/\\:*?"<>|') & set(part) and ".." not in part
    for path in folder.iterdir():
        assert path.resolve().parent == folder.resolve()
        assert len(path.name.encode()) <= 255
    form = docx_text(built.file(key, "党务公开审批表.docx"))
    assert title in form
    for path in all_docx(folder):  # notices, responses, results: the title literally (the 公开稿 as drafted)
        assert title in re.sub(r"\s", "", docx_text(path)), path
    report = docx_text(built.outbox / "季度汇报" / f"{built.quarter}_季度党务公开情况汇报.docx")
    assert title in report
    if key == "h_jinja":
        assert "{{7*7}}" in form and "{%if%}" in form and "关于49" not in form
    if key == "h_xml":
        assert "A&B<c>" in form
        assert "A&amp;B&lt;c&gt;" in xml_parts(built.file(key, "党务公开审批表.docx"))["word/document.xml"]


# ============================================================================ 7. regeneration
def outbox_listing(root: Path) -> set[str]:
    return {str(p.relative_to(root / "outbox")) for p in (root / "outbox").rglob("*") if p.is_file()}


def test_generate_forms_for_received_items_replaces_files_atomically(built: Built, tmp_path: Path) -> None:
    root = copy_ws(built, tmp_path)
    received = [r[0] for r in db_rows(root, "SELECT id FROM items WHERE status='received' ORDER BY id")]
    assert sorted(received) == sorted(built.ids[k] for k in IDLE)
    targets = {}
    for item_id in received:
        folder = next((root / "outbox").glob(f"{item_id}_*"))
        for p in (folder / f"{item_id}_党务公开审批表.docx", folder / f"{item_id}_检查报告.json",
                  folder / f"{item_id}_公开稿.docx"):
            os.utime(p, (1_000_000_000, 1_000_000_000))  # 2001: any rewrite gives a newer mtime
            targets[p] = p.stat().st_ino
    listing = outbox_listing(root)
    others = {p: sha256(p) for p in (root / "outbox").rglob("*") if p.is_file() and p not in targets}

    out = ok(WsCli(root, NOW)("generate", "forms", "--status", "received"))
    printed = {Path(line.strip()) for line in out.splitlines() if line.startswith("  ")}
    assert printed == {p for p in targets if p.suffix == ".docx"}  # 审批表 and 公开稿
    assert f"共生成 {2 * len(received)} 个文件" in out  # each one's 审批表 and 公开稿
    for p, inode in targets.items():
        assert p.stat().st_mtime > 1_000_000_000, p
        assert p.stat().st_ino != inode, p  # a new file renamed over the old one, not rewritten in place
    assert outbox_listing(root) == listing and leftovers(root / "outbox") == []
    assert all(sha256(p) == digest for p, digest in others.items())
    for p in targets:
        if p.suffix == ".docx":
            strict_parts(p)
            assert REVIEWER not in docx_text(p)


def test_generate_notices_and_responses_rewrite_the_same_files(built: Built, tmp_path: Path) -> None:
    root = copy_ws(built, tmp_path)
    cli = WsCli(root, NOW)
    listing = outbox_listing(root)
    before = {p: docx_text(p) for p in (root / "outbox").rglob("*.docx")}

    for key, names in (("pii", ("党务公开公告（党内）", "党务公开公告（党外）")),
                       ("pre", ("预公开公示", "党务公开公告（党内）"))):
        item_id = built.ids[key]
        out = ok(cli("generate", "notices", "--item", item_id))
        printed = {Path(line.strip()) for line in out.splitlines() if line.startswith("  ")}
        folder = next((root / "outbox").glob(f"{item_id}_*"))
        assert printed == {folder / f"{item_id}_{n}.docx" for n in names}, key
    out = ok(cli("generate", "responses"))
    printed = {Path(line.strip()) for line in out.splitlines() if line.startswith("  ")}
    assert printed == {p for p in (root / "outbox").rglob("*.docx")
                       if p.name.endswith(("意见反馈答复单.docx", "处理结果公开.docx"))}
    assert len(printed) == 4
    assert outbox_listing(root) == listing and leftovers(root / "outbox") == []
    for p in (root / "outbox").rglob("*.docx"):
        assert docx_text(p) == before[p], p  # the same content, regenerated from the ledger


def test_generate_forms_with_two_workers_gives_the_same_files(built: Built, tmp_path: Path) -> None:
    root = copy_ws(built, tmp_path)
    cli = WsCli(root, NOW)
    listing = outbox_listing(root)

    def run(*extra: str) -> tuple[set[Path], dict[Path, str]]:
        out = ok(cli("generate", "forms", *extra))
        printed = {Path(line.strip()) for line in out.splitlines() if line.startswith("  ")}
        return printed, {p: docx_text(p) for p in printed}

    one_paths, one_text = run()
    two_paths, two_text = run("--workers", "2")
    assert one_paths == two_paths
    assert len(one_paths) == 2 * len(built.ids)  # every 审批表 and every 公开稿 (no item here is blocked)
    assert one_text == two_text
    assert outbox_listing(root) == listing and leftovers(root / "outbox") == []
    for key in (*KEYED, *HOSTILE):  # regenerated from the ledger: the review is still there
        form = next((root / "outbox").glob(f"{built.ids[key]}_*/{built.ids[key]}_党务公开审批表.docx"))
        assert REVIEWER in docx_text(form)


# ============================================================================ 8. templates check
def test_templates_check_lists_the_eight_templates_and_their_variables(built: Built) -> None:
    result = WsCli(built.root, NOW)("templates", "check")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    heads = [i for i, line in enumerate(lines) if line.startswith(("✓", "✗"))]
    assert len(heads) == 8 and all(lines[i].startswith("✓") for i in heads)
    listed = {}
    for i in heads:
        name = Path(lines[i][2:].strip()).stem
        assert lines[i + 1].strip().startswith("变量：")
        listed[name] = set(lines[i + 1].strip()[len("变量："):].split("、"))
    assert listed == TEMPLATE_KEYS
    assert "全部模板检查通过" in result.stdout


def error_line(result) -> str:
    """The one `错误：…` line the CLI prints on stderr (a progress bar label may come before it)."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("错误：")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def nonsense_template(folder: Path, name: str = "审批表") -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / f"{name}.docx"
    shutil.copy(PACKAGED_TEMPLATES / f"{name}.docx", target)
    document = docx.Document(str(target))
    document.add_paragraph("{{ nonsense }}")
    document.save(str(target))
    return target


def test_templates_check_names_an_unknown_variable(built: Built, tmp_path: Path) -> None:
    root = copy_ws(built, tmp_path)
    nonsense_template(root / "templates")
    result = WsCli(root, NOW)("templates", "check")
    assert result.exit_code == 7, result.output
    problem = [line for line in result.stdout.splitlines() if "问题：" in line]
    assert len(problem) == 1 and "nonsense" in problem[0] and "未知变量" in problem[0] and "审批表.docx" in problem[0]
    assert result.stdout.count("✓") == 7 and result.stdout.count("✗") == 1
    assert is_chinese(result.stderr) and "Traceback" not in result.output

    # rendering with it fails the same way, in Chinese, and leaves the existing 审批表 alone
    form = next((root / "outbox").glob(f"{built.ids['official']}_*/*审批表.docx"))
    digest = sha256(form)
    result = WsCli(root, NOW)("generate", "forms", "--item", built.ids["official"])
    assert result.exit_code == 7, result.output
    error = error_line(result)
    assert "nonsense" in error and "审批表.docx" in error and is_chinese(error)
    assert sha256(form) == digest and leftovers(root / "outbox") == []


def test_a_workspace_template_that_is_not_a_docx(built: Built, tmp_path: Path) -> None:
    root = copy_ws(built, tmp_path)
    (root / "templates").mkdir(exist_ok=True)  # init copies the templates in
    (root / "templates" / "公开公告.docx").write_text("这不是 Word 文件，是记事本保存的文字。", encoding="utf-8")
    result = WsCli(root, NOW)("templates", "check")
    assert result.exit_code == 7, result.output
    problem = [line for line in result.stdout.splitlines() if "问题：" in line]
    assert len(problem) == 1 and "公开公告.docx" in problem[0] and "无法读取模板" in problem[0]
    assert is_chinese(problem[0]) and "Traceback" not in result.output

    item_id = built.ids["pii"]
    notices = sorted((root / "outbox").glob(f"{item_id}_*/*公告*.docx"))
    digests = [sha256(p) for p in notices]
    result = WsCli(root, NOW)("generate", "notices", "--item", item_id)
    assert result.exit_code == 7, result.output
    error = error_line(result)
    assert "公开公告.docx" in error and is_chinese(error)
    assert "Traceback" not in result.output
    assert [sha256(p) for p in notices] == digests and leftovers(root / "outbox") == []


# ============================================================================ 9. bad quarter
def test_report_with_an_impossible_quarter_is_a_usage_error(built: Built) -> None:
    result = WsCli(built.root, NOW)("generate", "report", "--quarter", "2023Q5")
    assert result.exit_code == 2, result.output
    error = error_line(result)
    assert "季度" in error and "2023Q5" in error and is_chinese(error)
    assert "Traceback" not in result.output
    assert not list((built.outbox / "季度汇报").glob("2023Q5*"))


# ============================================================================ bugs found
def report_tables(built: Built) -> list[list[list[str]]]:
    path = built.outbox / "季度汇报" / f"{built.quarter}_季度党务公开情况汇报.docx"
    return [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(str(path)).tables]


def test_quarterly_report_counts_each_form_of_disclosure_once(built: Built) -> None:
    by_form = report_tables(built)[3]  # after the summary, by category and by scope
    assert by_form[0] == ["类别", "事项数（项）"]
    forms = {}
    for key in built.ids:
        cells = [c.text for t in docx.Document(str(built.file(key, "党务公开审批表.docx"))).tables for row in t.rows
                 for c in row.cells]
        forms[key] = cells[cells.index("公开形式") + 1]
    names = [row[0] for row in by_form[1:]]
    assert set(names) <= set(forms.values()), (names, set(forms.values()))
    assert len(names) == len(set(forms.values()))


def test_predisclosure_notice_states_the_length_of_its_period_consistently(built: Built) -> None:
    period = predisclosure_period(built.root, built.ids["pre"])
    notice = docx_text(built.file("pre", "预公开公示.docx"))
    calendar_days = (date.fromisoformat(period["end"]) - date.fromisoformat(period["start"])).days + 1
    assert f"共{period['days']}个工作日" in notice or f"共{calendar_days}天" in notice
