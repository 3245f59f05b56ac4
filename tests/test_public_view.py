"""Issue 10: what leaves the office is right. Real drafts, a real workspace, real SQLite; every assertion
reads the generated files themselves (zip parts, XML, JSON, xlsx) or the ledger."""
from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

import hidden_fixtures as hf
from fixtures import application_form, official_doc, resident_id
from pipeline import api
from pipeline.api import open_session
from pipeline.errors import UsageError, WorkflowError
from pipeline.workdays import Clock, When
from pipeline.workspace import init_workspace
from wf_helpers import WsCli, docx_text

ID = resident_id("33010619780512341")
PHONE = "13857162044"
BANK = "6222021234567890128"  # Luhn-valid
NAME = "赵建国"
RAW = (ID, PHONE, BANK, NAME, "1385716", "197805")  # nor parts that give the number or birth date away
NOW = Clock(fixed=datetime(2026, 11, 30, 10, 0))
LATER = Clock(fixed=datetime(2027, 3, 15, 10, 0))


def petition(path: Path) -> Path:
    return official_doc(path, docno="青科党〔2023〕41号", title=f"关于{PHONE}来信反映问题办理情况的报告",
                        body=[f"来信人{NAME}，身份证号{ID}，联系电话{PHONE}，银行卡号{BANK}，反映补助发放问题。",
                              "经核查，补助资金已拨付到位，已电话答复来信人，来信人表示满意。"])


def hidden(path: Path) -> Path:
    """Comments, a tracked deletion and insertion, hidden text, alt text, a field code and a hyperlink
    target, each holding the mobile; custom properties and customXml too."""
    body = [
        hf.runs('<w:commentRangeStart w:id="0"/>', hf.r("请各支部按时报送。"), '<w:commentRangeEnd w:id="0"/>',
                '<w:r><w:commentReference w:id="0"/></w:r>'),
        hf.runs(f'<w:del w:id="1" w:author="王晓丽"><w:r><w:delText>联系电话{PHONE}</w:delText></w:r></w:del>',
                '<w:ins w:id="2" w:author="王晓丽"><w:r><w:t>联系人：办公室。</w:t></w:r></w:ins>'),
        hf.runs(hf.r(f"内部备注{PHONE}", "<w:vanish/>"), hf.r("以上安排请遵照执行。")),
        hf.runs('<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r><w:instrText xml:space="preserve"> HYPERLINK "tel:{PHONE}" </w:instrText></w:r>',
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>'),
        hf.runs('<w:hyperlink r:id="rIdLink">', hf.r("联系我们"), "</w:hyperlink>"),
    ]
    return hf.docx(path, body, parts={
        "word/comments.xml": hf.comments_part(f"请核实来信人电话{PHONE}"),
        "docProps/custom.xml": hf.custom_part(联系人=f"王晓丽{PHONE}"),
        "customXml/item1.xml": f"<root><phone>{PHONE}</phone></root>",
        "docProps/core.xml": hf.core_part(title="关于开展主题党日活动的通知", creator="王晓丽", keywords=PHONE),
    }, rels=[("rIdC", "comments", "comments.xml"), ("rIdX", "customXml", "../customXml/item1.xml")],
        external=[("rIdLink", "hyperlink", f"tel:{PHONE}")],
        root_rels=[hf.CORE_REL, ("rIdCu", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                                         "custom-properties", "docProps/custom.xml")])


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    base = tmp_path_factory.mktemp("pub")
    settings, _ = init_workspace(base / "ws")
    petition(settings.inbox / "petition.docx")
    hidden(settings.inbox / "hidden.docx")
    official_doc(settings.inbox / "party.docx", docno="青科党〔2023〕42号", title="关于党费收缴情况的通报",
                 body=["本季度党费收缴率100%。"], note="（此件党内公开）")
    official_doc(settings.inbox / "sent.docx", docno="青科党〔2023〕43号", title="关于支部工作安排的通知",
                 body=["请各支部按计划开展活动。"], note="（此件发至各党支部）")
    application_form(settings.inbox / "app.docx", 公开内容=f"评选结果，联系人电话{PHONE}")
    with open_session(settings, clock=Clock(fixed=datetime(2026, 11, 2, 9, 0))) as s:
        ids = {Path(o.file).stem: o.item_id for o in api.run_ingest(s)}
    with open_session(settings, clock=NOW) as s:
        for key in ids:
            api.review(s, ids[key], True, "陈先荣", "bureau", None, When(date(2026, 11, 3)))
        for key in ids:
            api.publish(s, ids[key], "inside", "章晓鸣", When(date(2026, 11, 4)))
        for key in ("petition", "hidden"):
            api.publish(s, ids[key], "outside", "章晓鸣", When(date(2026, 11, 5)))
        api.generate(s, "report", quarter="2026Q4")
    return settings, ids


def texts_of(path: Path) -> list[str]:
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            return [z.read(n).decode("utf-8", "ignore") for n in z.namelist()]
    return [path.read_text(encoding="utf-8", errors="ignore")]


def test_no_raw_personal_data_in_any_zip_part_or_name_under_outbox(published) -> None:
    settings, _ = published
    files = [p for p in settings.outbox.rglob("*") if p.is_file()]
    assert any(p.suffix == ".xlsx" for p in files) and any(p.name.endswith("公开稿.docx") for p in files)
    for path in files:
        assert not any(raw in str(path.relative_to(settings.outbox)) for raw in RAW), path
        for text in texts_of(path):
            for raw in RAW:
                assert raw not in text, (path, raw)


def test_outbox_shows_the_configured_masks(published) -> None:
    settings, ids = published
    folder = next(settings.outbox.glob(f"{ids['petition']}_*"))
    assert folder.name == f"{ids['petition']}_关于138＊＊＊＊2044来信反映问题办理情况的报告"
    copy = docx_text(next(folder.glob("*公开稿.docx")))
    assert "来信人赵**，身份证号330106********3414，联系电话138****2044，银行卡号***************0128" in copy
    report = json.loads(next(folder.glob("*检查报告.json")).read_text(encoding="utf-8"))
    assert {f["code"]: f["evidence"] for f in report["findings"]}["PII_NAME"] == "赵**"
    assert report["public_copy"]["recheck"] == "通过"
    notice = docx_text(next(folder.glob("*公告（党外）.docx")))
    assert "赵**" in notice and "138****2044" in notice


def test_findings_beyond_the_first_page_go_on_a_continuation_sheet(published) -> None:
    settings, ids = published  # the petition has four findings: three on the form, one continued
    form = docx_text(next(settings.outbox.glob(f"{ids['petition']}_*/*审批表.docx")))
    assert "附：检查发现的问题（续）" in form and "第2页 共2页" in form and "第1页 共2页" in form
    assert form.index("审核人签字") < form.index("附：检查发现的问题（续）")  # the boxes stay on the first page
    assert "redact" not in form and "PII_" not in form


def test_the_sanitised_copy_lists_and_removes_every_hidden_part(published) -> None:
    settings, ids = published
    folder = next(settings.outbox.glob(f"{ids['hidden']}_*"))
    copy = next(folder.glob("*公开稿.docx"))
    with zipfile.ZipFile(copy) as z:
        names = z.namelist()
        document = z.read("word/document.xml").decode()
        core = z.read("docProps/core.xml").decode()
    assert not [n for n in names if n.startswith(("customXml/", "word/comments", "docProps/custom"))]
    for tag in ("<w:del ", "<w:ins ", "<w:vanish", "commentReference", "w:delText"):
        assert tag not in document, tag
    assert "联系人：办公室。" in document and "以上安排请遵照执行。" in document  # insertions kept
    assert "王晓丽" not in core and "关于开展主题党日活动的通知" in core  # only the title survives
    removed = json.loads(next(folder.glob("*检查报告.json")).read_text(encoding="utf-8"))["public_copy"]["removed"]
    for kind in ("批注", "修订（已接受）", "隐藏文字", "自定义属性", "customXml 数据"):
        assert any(r.startswith(kind) for r in removed), (kind, removed)
    with sqlite3.connect(settings.db) as db:
        row = db.execute("SELECT status, sha256 FROM artifacts WHERE item_id=? AND kind='redacted'",
                         (ids["hidden"],)).fetchone()
    assert row[0] == "ok" and len(row[1]) == 64


def test_every_generated_document_is_in_the_ledger_with_its_hash(published) -> None:
    settings, ids = published
    with open_session(settings) as s:
        recorded = {a.path: a for a in s.ledger.artifacts()}
    for path in settings.outbox.glob("GK-*/*"):
        art = recorded[str(path.relative_to(settings.root))]
        assert art.sha256 and len(art.sha256) == 64 and art.at
    kinds = {a.kind for a in recorded.values() if a.item_id == ids["petition"]}
    assert {"form", "report", "redacted", "notice_inside", "notice_outside"} <= kinds


@pytest.mark.parametrize("key,reason", [("party", "此件党内公开"), ("sent", "此件发至各党支部"),
                                        ("app", "局机关全体党员、干部")])
def test_scope_follows_the_document(published, key, reason) -> None:
    settings, ids = published
    r = WsCli(settings.root, NOW)("publish", ids[key], "--scope", "outside")
    assert r.exit_code == 4 and "不能对党外公开" in r.stderr and reason in r.stderr
    form = docx_text(next(settings.outbox.glob(f"{ids[key]}_*/*审批表.docx")))
    assert ("党内" if key != "sent" else "限各党支部") in form


def test_a_copy_that_fails_its_recheck_is_not_left_in_outbox_and_refuses_outside(tmp_path) -> None:
    """A mobile in a part no sanitiser knows (a SmartArt data part): the package scan catches it."""
    settings, _ = init_workspace(tmp_path / "ws")
    hf.docx(settings.inbox / "smart.docx", parts={"word/diagrams/data1.xml": f"<dgm><t>{PHONE}</t></dgm>"})
    with open_session(settings, clock=Clock(fixed=datetime(2026, 11, 2, 9, 0))) as s:
        (o,) = api.run_ingest(s)
    assert not list(settings.outbox.glob("*/*公开稿.docx"))
    with open_session(settings, clock=NOW) as s:
        art = s.ledger.artifact(o.item_id, 1, "redacted")
        assert art.status == "failed" and "word/diagrams/data1.xml" in art.note
        api.review(s, o.item_id, True, "陈先荣", "bureau", None)
        with pytest.raises(WorkflowError) as e:
            api.publish(s, o.item_id, "outside", "章晓鸣")
    assert "复查未通过" in e.value.message and "word/diagrams/data1.xml" in e.value.message


def test_the_form_tells_every_decision_and_names_are_checked(tmp_path) -> None:
    settings, _ = init_workspace(tmp_path / "ws")
    official_doc(settings.inbox / "a.docx", docno="青科党〔2023〕44号", title="关于机关食堂管理的通知",
                 body=["请各科室配合做好就餐管理。"])
    with open_session(settings, clock=Clock(fixed=datetime(2026, 11, 2, 9, 0))) as s:
        (o,) = api.run_ingest(s)
    with open_session(settings, clock=NOW) as s:
        with pytest.raises(UsageError) as e:
            api.review(s, o.item_id, True, "张三", "bureau", None)
        assert "陈先荣、陈翔峰、张正浩、蒋中平" in e.value.message
        api.review(s, o.item_id, True, "陈先荣", "bureau", "同意公开", When(date(2026, 11, 3)))
        api.review(s, o.item_id, False, "李立", "district", "请补充依据", When(date(2026, 11, 4)))
        data = [d for d in s.ledger.event_data(o.item_id) if d.get("kind") == "review"]
    assert all(d["os_user"] for d in data)
    form = docx_text(next(settings.outbox.glob("*/*审批表.docx")))
    assert "同意。同意公开" in form and "不同意。请补充依据" in form  # the district box, though not escalated
    assert "李立" in form and "2026年11月4日" in form and "ESCALATE" not in form and "INSIDE_FIRST" not in form


def test_a_scan_needs_a_title_and_summary_and_notices_are_never_empty(tmp_path) -> None:
    from fixtures import make_image_pdf

    settings, _ = init_workspace(tmp_path / "ws")
    make_image_pdf(settings.inbox / "scan.pdf")
    with open_session(settings, clock=Clock(fixed=datetime(2026, 11, 2, 9, 0))) as s:
        (o,) = api.run_ingest(s)
    with open_session(settings, clock=NOW) as s:
        with pytest.raises(WorkflowError) as e:
            api.review(s, o.item_id, True, "陈先荣", "bureau", "已人工核对纸质原件")
        assert "--title" in e.value.message
        api.review(s, o.item_id, True, "陈先荣", "bureau", "已人工核对纸质原件", When(date(2026, 11, 3)),
                   title="关于换届选举结果的公告",
                   summary="机关第一党支部已完成换届选举。")
        api.publish(s, o.item_id, "inside", "章晓鸣", When(date(2026, 11, 5)))
        with pytest.raises(WorkflowError) as e:
            api.publish(s, o.item_id, "outside", "章晓鸣")
        assert "公开稿" in e.value.message
    notice = docx_text(next(settings.outbox.glob("*/*公告（党内）.docx")))
    assert "《关于换届选举结果的公告》" in notice and "机关第一党支部已完成换届选举。" in notice
    assert "《》" not in notice and "成文日期：。" not in notice and "无法提取" not in notice


def test_a_regenerated_notice_keeps_its_publication_date_and_gives_the_channels(published) -> None:
    settings, ids = published
    with open_session(settings, clock=LATER) as s:
        api.generate(s, "notices", item_id=ids["petition"])
    notice = docx_text(next(settings.outbox.glob(f"{ids['petition']}_*/*公告（党外）.docx")))
    assert "2026年11月5日" in notice and "2027年3月15日" not in notice
    assert "监督电话：85820611" in notice and "意见箱：局机关一楼大厅征求意见箱" in notice


def test_spreadsheet_cells_that_look_like_formulas_stay_text(tmp_path) -> None:
    from pipeline.spreadsheet import write_rows

    values = ["=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rCR"]
    out = write_rows(tmp_path / "t.xlsx", "s", ["a"] * 6, [values], [10] * 6)
    sheet = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and sheet.count('t="inlineStr"') == 12  # header and row, all text
    assert "'=" not in sheet  # no apostrophe shown to readers


def test_a_wide_spreadsheet_prints_landscape_one_page_wide_with_its_header_on_every_page(tmp_path) -> None:
    import openpyxl

    from pipeline.spreadsheet import write_rows

    out = write_rows(tmp_path / "目录.xlsx", "2026年度", ["序号", "事项", "类别"], [[1, "甲", "乙"]], [6, 80, 30])
    ws = openpyxl.load_workbook(out).active
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)  # 9: A4
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
    assert ws.print_title_rows == "$1:$1"
    assert ws.auto_filter.ref == "A1:C2"
