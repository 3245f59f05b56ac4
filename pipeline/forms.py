"""The approval form (党务公开审批表): its context, built from the ledger through the public view.

It tells the truth: every recorded decision at each level in its box (同意 / 不同意, comment, name,
date) — a district decision too when the item was not escalated; what is undecided stays blank for
handwriting. Findings are in Chinese (no rule codes). The first page holds FIRST_PAGE_FINDINGS
findings; the rest go on a continuation sheet (附：检查发现的问题（续）, 第2页 共2页), so the form is
one A4 page and the signature boxes never stand alone."""
from __future__ import annotations

from dataclasses import asdict

from .category import category_text
from .ledger import Ledger
from .model import OCR_EVIDENCE, SEVERITY_NAMES, Finding, Item
from .public import PublicView
from .render import cn_date
from .scope import scope_of
from .workflow import facts, manual_text
from .workspace import Settings

FIRST_PAGE_FINDINGS = 3
EVIDENCE_CHARS = 40
SUMMARY_CHARS = 100


def decision_lines(fs: list[dict], level: str) -> tuple[str, str, str]:
    """(opinion, names, date) of a level's review box from its recorded decisions, oldest first."""
    done = [f for f in fs if f.get("kind") == "review" and f.get("level") == level]
    if not done:
        return "", "", ""
    lines = []
    for f in done:
        verdict = "同意" if f["decision"] == "approve" else "不同意"
        comment = (f.get("comment") or "").strip()
        line = f"{verdict}。{comment}" if comment else f"{verdict}。"
        if len(done) > 1:
            line += f"（{f.get('by', '')}，{cn_date(f.get('date'))}）"
        lines.append(line)
    last = done[-1]
    return "\n".join(lines), last.get("by", ""), cn_date(last.get("date"))


def _finding_row(f: Finding) -> dict:
    d = asdict(f)
    d["severity"] = SEVERITY_NAMES.get(f.severity, f.severity)
    ev = d["evidence"]
    d["evidence"] = ev if len(ev) <= EVIDENCE_CHARS else ev[:EVIDENCE_CHARS] + "……"
    d.pop("code")  # readers see Chinese only
    return d


def form_summary(item: Item, ledger: Ledger, fs: list[dict], view: PublicView) -> str:
    """What the form shows as 内容摘要 (the form is for the group, not the public, but never empty)."""
    title, summary = manual_text(fs)
    md = item.report.metadata
    text = summary or (md.application.content if md and md.application and md.application.content else None) \
        or ledger.summary(item.id, item.version)
    if not text and "NO_TEXT" in item.report.codes:
        text = "（扫描件或无文字层，无法自动提取内容；须人工核对原件，审核通过时填写标题和摘要）"
    text = view.text(text or "（未能提取摘要，请查看原件）")  # masked before it is cut: no half number
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "……"


def _ocr(value: str | None, md) -> str | None:
    """A field OCR read from a scan says so: the reviewers sign what OCR read."""
    return f"{value}{OCR_EVIDENCE}" if value and md is not None and md.ocr else value


def approval_context(settings: Settings, ledger: Ledger, item: Item, view: PublicView) -> dict:
    from .documents import form_of, period_of, public_title, timing_of
    from .workflow import is_correction

    md = item.report.metadata
    fs = facts(ledger, item)
    b_op, b_by, b_date = decision_lines(fs, "bureau")
    d_op, d_by, d_date = decision_lines(fs, "district")
    rows = [_finding_row(view.finding(f)) for f in item.report.findings]
    district = "ESCALATE" in item.report.codes or bool(d_op)
    # the second review box takes the findings' room: with it, every finding goes to the continuation
    # sheet and page 1 points there (rendered in LibreOffice, one finding still pushed the district box over)
    room = 0 if district else FIRST_PAGE_FINDINGS
    first, more = rows[:room], rows[room:]
    if more and not first:
        first = [{"severity": "—", "message": f"共{len(more)}项，见附页“检查发现的问题（续）”", "evidence": "—",
                  "location": "—"}]
    copy = ledger.artifact(item.id, item.version, "redacted")
    verdict = item.report.verdict
    if copy is not None and copy.status != "ok":
        verdict += f"；公开稿复查未通过：{copy.note}"
    ctx = {
        "org": settings.org, "item_id": item.id,
        "title": (_ocr(public_title(item, fs), md) or "（未识别标题）") + ("（更正）" if is_correction(ledger, item) else ""),
        "doc_number": _ocr(md.doc_number if md else None, md) or "无",
        "category_name": category_text(md, short=True),
        "issuer": _ocr(md.issuer if md else None, md) or "（未识别）",
        "date": _ocr(cn_date(md.date if md else None), md) or "（未标注）",
        "summary": _ocr(form_summary(item, ledger, fs, view), md),
        "scope": "不得公开" if item.status == "blocked" else scope_of(item.report, view.rules).text,
        "form": form_of(item), "period": period_of(item), "timing": timing_of(item), "verdict": verdict,
        "findings": first,
        "more_findings": more, "page_note": "第1页 共2页" if more else "",
        "bureau_opinion": b_op, "bureau_by": b_by, "bureau_date": b_date,
        "need_district": district,
        "district_opinion": d_op, "district_by": d_by, "district_date": d_date,
        "generated": cn_date(ledger.clock.today().isoformat()),
    }
    return view.deep(ctx)
