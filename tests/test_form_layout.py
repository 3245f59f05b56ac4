"""The 审批表 as a 组长 holds it: rendered by a real LibreOffice, the form with both review boxes (an
ESCALATE item) stays on one A4 page, and further findings go to the continuation sheet."""
from __future__ import annotations

import subprocess

import pdfplumber

from optional import need_binary
from watch_helpers import make_workspace
from wf_helpers import draft, one


def test_an_escalated_form_keeps_both_review_boxes_on_its_first_page(tmp_path):
    from pipeline.api import open_session, run_ingest

    soffice = need_binary("soffice", "LibreOffice (libreoffice-writer-nogui)")
    settings = make_workspace(tmp_path / "ws")
    draft(settings.inbox / "e.docx", "escalate", body=[
        "经局党组会议研究，作出如下重大决策：本事项属于特别重大事项，报区党务公开领导小组审核。",
        "一、本办法初步方案先行公开征求意见。", "二、涉及党员切身利益的事项先在党内公开。"])
    with open_session(settings) as s:
        (o,) = run_ingest(s)
    form = one(next(settings.outbox.glob(f"{o.item_id}_*")), "*审批表.docx")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(form)], check=True, capture_output=True, timeout=180)
    with pdfplumber.open(tmp_path / (form.stem + ".pdf")) as pdf:
        first = "".join((pdf.pages[0].extract_text() or "").split())
    assert ("区党务公开领导小组" in first, "局党务公开领导小组" in first, "系统生成" in first) == (True, True, True)
