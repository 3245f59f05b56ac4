"""Stage 5 — render: the documents that follow an item, written into outbox/<id>_<title>/.
Contexts are built here from the ledger; templates are filled by render.py (safe, atomic)."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from .inbox import temp_beside
from . import formcode
from .category import category_text
from .ledger import FeedbackRecord, Ledger
from .model import Item
from .present import TIMING_NAMES
from .redact import redact_copy
from .rules.engine import mask
from .render import cn_date, find_template, render_docx, safe_name
from .rules import Rules
from .workflow import PII_CODES, SCOPE_NAMES, facts, predisclose_period
from .workspace import Settings

FORM_NAME = "党务公开审批表"


def item_dir(settings: Settings, item: Item) -> Path:
    """outbox/<id>_<short safe title>; an item keeps its folder when a new version renames it."""
    prefix = item.id + "_"
    if settings.outbox.is_dir():
        with os.scandir(settings.outbox) as entries:  # names first: no stat per entry of a large outbox
            for e in entries:
                if e.name.startswith(prefix) and e.is_dir():
                    return Path(e.path)
    d = settings.outbox / f"{item.id}_{safe_name(item.title or Path(item.file).stem, 30)}"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _today(ledger: Ledger) -> str:
    return cn_date(ledger.clock.today().isoformat())


def _summary(item: Item, ledger: Ledger) -> str:
    md = item.report.metadata
    if md and md.application and md.application.content:
        return md.application.content
    stored = ledger.summary(item.id, item.version)
    if stored and item.status != "blocked":
        return stored
    evidence = [f.message for f in item.report.findings if f.severity == "block"]
    if evidence:
        return "；".join(evidence)
    return (md.title if md and md.title else "") or "（见原件）"


def _scope(item: Item) -> str:
    md = item.report.metadata
    if md and md.application and md.application.scope:
        return md.application.scope
    if item.status == "blocked":
        return "不得公开"
    return "先党内、后党外" if "INSIDE_FIRST" in item.report.codes else "党内、党外"


def form_of(item: Item) -> str:
    """公开形式: the application's own words, else the forms every item gets."""
    md = item.report.metadata
    return (md.application.form if md and md.application and md.application.form else None) or "书面式公开、网络式公开"


def _period(item: Item) -> str:
    """公开期限: the application's own words, else the computed deadline."""
    md = item.report.metadata
    if md and md.application and md.application.period:
        return md.application.period
    return f"{cn_date(item.due)}前公开" if item.due else "随时公开"


def _timing(item: Item) -> str:
    """公开时限: the kind of work (规定性 / 阶段性 / 临时性)."""
    t = item.report.timing
    return TIMING_NAMES.get(t.kind, "") if t and t.kind else "临时性工作（随时公开）"


def _review_box(fs: list[dict], level: str) -> tuple[str, str, str]:
    done = [f for f in fs if f.get("kind") == "review" and f.get("level") == level]
    if not done:
        return "", "", ""
    last = done[-1]
    verdict = "同意公开" if last["decision"] == "approve" else "退回修改"
    opinion = f"{verdict}。{last.get('comment') or ''}".strip()
    return opinion, last.get("by", ""), cn_date(last.get("date"))


def _shown(f) -> dict:
    """A finding as the form prints it: personal numbers masked even here (the form is handed around)."""
    d = asdict(f)
    if f.code in PII_CODES:
        d["evidence"] = mask(f.evidence)
    return d


def approval_context(settings: Settings, ledger: Ledger, item: Item) -> dict:
    md = item.report.metadata
    fs = facts(ledger, item)
    b_op, b_by, b_date = _review_box(fs, "bureau")
    d_op, d_by, d_date = _review_box(fs, "district")
    return {
        "org": settings.org, "item_id": item.id, "title": item.title or "（未识别标题）",
        "doc_number": (md.doc_number if md else None) or "无",
        "category_name": category_text(md),
        "issuer": (md.issuer if md else None) or "", "date": cn_date(md.date if md else None),
        "summary": _summary(item, ledger), "scope": _scope(item), "form": form_of(item), "period": _period(item),
        "timing": _timing(item), "verdict": item.report.verdict,
        "findings": [_shown(f) for f in item.report.findings],
        "bureau_opinion": b_op, "bureau_by": b_by, "bureau_date": b_date,
        "need_district": "ESCALATE" in item.report.codes,
        "district_opinion": d_op, "district_by": d_by, "district_date": d_date,
        "generated": _today(ledger),
    }


@dataclass(frozen=True)
class RenderJob:
    """One output file to produce; picklable, so a worker process can run it."""

    item_id: str
    version: int
    kind: str  # artifact kind: form, redacted, predisclosure, notice_inside …
    out: Path
    template: Path | None = None
    ctx: dict | None = None
    title: str = ""
    original: Path | None = None  # for the redacted copy
    code: str | None = None  # the approval form's QR payload (formcode.FormCode.text)


def run_job(job: RenderJob, rules: Rules) -> Path:
    if job.kind == "redacted":
        assert job.original is not None
        return redact_copy(job.original, job.out, rules)
    return render_job(job)


def render_job(job: RenderJob) -> Path:
    """A template job: fill it, stamp the form's code on every page when it has one, write atomically."""
    assert job.template is not None and job.ctx is not None
    parsed = formcode.parse(job.code) if job.code else None
    post = formcode.stamper(parsed) if parsed else None
    return render_docx(job.template, job.ctx, job.out, title=job.title, post=post)


def finish(settings: Settings, ledger: Ledger, job: RenderJob) -> Path:
    ledger.add_artifact(job.item_id, job.version, job.kind, str(job.out.relative_to(settings.root)))
    return job.out


def _job(settings: Settings, item: Item, kind: str, template: str, ctx: dict, name: str) -> RenderJob:
    return RenderJob(item.id, item.version, kind, item_dir(settings, item) / name,
                     find_template(template, settings.templates), ctx, f"{item.id} {template}")


def _write(settings: Settings, ledger: Ledger, item: Item, kind: str, template: str, ctx: dict,
           name: str) -> Path:
    return _render_now(settings, ledger, _job(settings, item, kind, template, ctx, name))


def _render_now(settings: Settings, ledger: Ledger, job: RenderJob) -> Path:
    render_job(job)
    return finish(settings, ledger, job)


def approval_job(settings: Settings, ledger: Ledger, item: Item) -> RenderJob:
    """The 审批表, with its QR code (item, version, hash of the filled-in values) recorded in the ledger
    before it is printed, so a signed scan of exactly this form is recognised when it comes back."""
    ctx = approval_context(settings, ledger, item)
    code = formcode.FormCode(ledger.workspace_id(), item.id, item.version, formcode.content_hash(ctx))
    ledger.add_form_code(code.text, item.id, item.version)
    job = _job(settings, item, "form", "审批表", ctx, f"{item.id}_{FORM_NAME}.docx")
    return replace(job, code=code.text)


def write_approval_form(settings: Settings, ledger: Ledger, item: Item) -> Path:
    return _render_now(settings, ledger, approval_job(settings, ledger, item))


def write_report_json(settings: Settings, item: Item) -> Path:
    out = item_dir(settings, item) / f"{item.id}_检查报告.json"
    tmp = temp_beside(out)
    tmp.write_text(json.dumps(item.report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out)
    return out


def redacted_path(settings: Settings, item: Item) -> Path:
    return item_dir(settings, item) / f"{item.id}_公开稿.docx"


def ingest_jobs(settings: Settings, ledger: Ledger, item_id: str) -> list[RenderJob]:
    """What follows a recorded item: its check report (written now), approval form and 公开稿 (if PII)."""
    item = ledger.item(item_id)
    write_report_json(settings, item)
    jobs = [approval_job(settings, ledger, item)]
    if item.report.codes & set(PII_CODES):
        original = settings.root / ledger.archived_path(item.id, item.version)
        jobs.append(RenderJob(item.id, item.version, "redacted", redacted_path(settings, item), original=original))
    return jobs


def after_ingest(settings: Settings, ledger: Ledger, rules: Rules, item_id: str) -> list[Path]:
    out = []
    for job in ingest_jobs(settings, ledger, item_id):
        run_job(job, rules)
        out.append(finish(settings, ledger, job))
    return out


def write_predisclosure(settings: Settings, ledger: Ledger, item: Item) -> Path:
    period = predisclose_period(ledger, item) or {}
    ctx = {
        "org": settings.org, "item_id": item.id, "title": item.title or "", "summary": _summary(item, ledger),
        "start": cn_date(period.get("start")), "end": cn_date(period.get("end")),
        "days": str(period.get("days", "")), "phone": settings.phone,
        "supervisors": "、".join(settings.supervisors), "box": settings.opinion_box,
        "contact": settings.office, "generated": _today(ledger),
    }
    return _write(settings, ledger, item, "predisclosure", "预公开公示", ctx, f"{item.id}_预公开公示.docx")


def write_notice(settings: Settings, ledger: Ledger, item: Item, scope: str) -> Path:
    md = item.report.metadata
    redacted = scope == "outside" and bool(item.report.codes & set(PII_CODES))
    ctx = {
        "org": settings.org, "item_id": item.id, "title": item.title or "", "scope_name": SCOPE_NAMES[scope][:2],
        "scope_text": "全体党员" if scope == "inside" else "全体干部职工和社会公众",
        "summary": _summary(item, ledger), "form": form_of(item), "doc_number": (md.doc_number if md else None) or "无",
        "date": cn_date(md.date if md else None), "generated": _today(ledger),
        "redacted_note": "本公告所附文件为隐去个人信息后的公开稿。" if redacted else "",
    }
    label = "党内" if scope == "inside" else "党外"
    return _write(settings, ledger, item, f"notice_{scope}", "公开公告", ctx, f"{item.id}_党务公开公告（{label}）.docx")


def write_response(settings: Settings, ledger: Ledger, item: Item, fb: FeedbackRecord) -> Path:
    answers = ledger.answers(fb.id)
    round_note = ""
    if len(answers) > 1:
        prev = answers[-2]
        round_note = (f"第{len(answers)}次答复（取代{cn_date(prev.get('date'))}{prev.get('by', '')}的"
                      f"第{len(answers) - 1}次答复）")
    ctx = {
        "org": settings.org, "feedback_id": fb.id + (f"（登记表编号 {fb.number}）" if fb.number else ""),
        "round_note": round_note, "item_id": item.id, "item_title": item.title or "",
        "person": fb.person or "匿名", "received": cn_date(fb.received), "channel": fb.channel or "",
        "content": fb.content, "answer": fb.answer or "", "answered_by": fb.answered_by or "",
        "answered_at": cn_date(fb.answered_at), "generated": _today(ledger),
    }
    return _write(settings, ledger, item, f"response_{fb.id}", "意见反馈答复单", ctx, f"{fb.id}_意见反馈答复单.docx")


def write_results(settings: Settings, ledger: Ledger, item: Item) -> Path:
    rows = [{"received": cn_date(f.received), "channel": f.channel or "", "content": f.content,
             "answer": f.answer or "（待答复）"} for f in ledger.feedback(item_id=item.id)]
    ctx = {"org": settings.org, "item_id": item.id, "title": item.title or "", "rows": rows, "generated": _today(ledger)}
    return _write(settings, ledger, item, "results", "处理结果公开", ctx, f"{item.id}_处理结果公开.docx")
