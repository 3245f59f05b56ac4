"""Stage 5 — render: the documents that follow an item, written into outbox/<id>_<title>/.

Contexts are built here from the ledger and pass through the public view (public.py) before they
reach a template: nothing written into outbox/ carries a raw personal value. Templates are filled by
render.py (safe, atomic). Every document written is recorded in the ledger (kind, item version,
sha256, path, time); the re-checked 公开稿 with the outcome of its re-check."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .inbox import temp_beside
from . import formcode
from .errors import WorkflowError
from .ledger import FeedbackRecord, Ledger
from .model import DEFAULT_MASKS, Item, Masks
from .present import TIMING_NAMES
from .public import PII_CODES, PublicView, view
from .read import sha256_of
from .read.libreoffice import readable_copy
from .redact import redact_copy
from .render import cn_date, find_template, render_docx
from .rules import Rules
from .scope import scope_of
from .workflow import SCOPE_NAMES, facts, is_correction, manual_text, predisclose_period, publication
from .workspace import Settings

FORM_NAME = "党务公开审批表"


def item_dir(settings: Settings, item: Item, pv: PublicView | None = None) -> Path:
    """outbox/<id>_<short masked title>; an item keeps its folder when a new version renames it."""
    prefix = item.id + "_"
    if settings.outbox.is_dir():
        with os.scandir(settings.outbox) as entries:  # names first: no stat per entry of a large outbox
            for e in entries:
                if e.name.startswith(prefix) and e.is_dir():
                    return Path(e.path)
    pv = pv or view(settings)
    d = settings.outbox / f"{item.id}_{pv.name(item.title or Path(item.file).stem, 30)}"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _today(ledger: Ledger) -> str:
    return cn_date(ledger.clock.today().isoformat())


def public_title(item: Item, fs: list[dict]) -> str | None:
    """The title a public document names: the reviewer's for a scan, else the draft's."""
    return manual_text(fs)[0] or item.title


def public_summary(item: Item, ledger: Ledger, fs: list[dict]) -> str | None:
    """Content a public document may show: the reviewer's summary, the application's 公开内容 or the
    opening of the draft — never a checker message. None when there is none."""
    if "NO_TEXT" in item.report.codes:
        return manual_text(fs)[1]
    md = item.report.metadata
    if md and md.application and md.application.content:
        return md.application.content
    text = manual_text(fs)[1] or ledger.summary(item.id, item.version)
    title = public_title(item, fs)
    return text or (f"详见《{title}》全文。" if title else None)  # a short draft: its text is the content


def form_of(item: Item) -> str:
    """公开形式: the application's own words, else the forms every item gets."""
    md = item.report.metadata
    return (md.application.form if md and md.application and md.application.form else None) or "书面式公开、网络式公开"


def period_of(item: Item) -> str:
    """公开期限: the application's own words, else the computed deadline."""
    md = item.report.metadata
    if md and md.application and md.application.period:
        return md.application.period
    return f"{cn_date(item.due)}前公开" if item.due else "随时公开"


def timing_of(item: Item) -> str:
    """公开时限: the kind of work (规定性 / 阶段性 / 临时性)."""
    t = item.report.timing
    return TIMING_NAMES.get(t.kind, "") if t and t.kind else "临时性工作（随时公开）"


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
    masks: Masks = DEFAULT_MASKS
    code: str | None = None  # the approval form's QR payload (formcode.FormCode.text)


@dataclass(frozen=True)
class JobResult:
    path: Path
    sha256: str | None
    status: str = "ok"  # ok | failed (a 公开稿 that did not pass its re-check, not written)
    note: str | None = None
    removed: tuple[str, ...] = field(default=())


def run_job(job: RenderJob, rules: Rules) -> JobResult:
    if job.kind == "redacted":
        assert job.original is not None
        if job.out.suffix == ".pdf":  # a scan: its page pictures, blacked out (scan_redact.py)
            from .scan_redact import redact_scan

            redact_scan(job.original, job.out, rules)
            return JobResult(job.out, sha256_of(job.out), removed=("扫描件：个人信息在页面图片中涂黑，不含文字层",))
        copy = redact_copy(job.original, job.out, PublicView(rules, job.masks), job.title)
        if not copy.passed:  # nothing that failed its re-check stays in outbox/
            job.out.unlink(missing_ok=True)
            return JobResult(job.out, None, "failed", "；".join(copy.problems), copy.removed)
        return JobResult(job.out, sha256_of(job.out), removed=copy.removed)
    return JobResult(render_job(job), sha256_of(job.out))


def render_job(job: RenderJob) -> Path:
    """A template job: fill it, stamp the form's code on every page when it has one, write atomically."""
    assert job.template is not None and job.ctx is not None
    parsed = formcode.parse(job.code) if job.code else None
    post = formcode.stamper(parsed) if parsed else None
    return render_docx(job.template, job.ctx, job.out, title=job.title, post=post)


def finish(settings: Settings, ledger: Ledger, job: RenderJob, result: JobResult) -> Path:
    detail = json.dumps({"removed": list(result.removed)}, ensure_ascii=False) if job.kind == "redacted" else None
    ledger.add_artifact(job.item_id, job.version, job.kind, str(job.out.relative_to(settings.root)),
                        result.sha256, result.status, result.note, detail)
    if job.kind == "redacted":  # the check report lists what the sanitiser removed and the re-check
        item = ledger.item(job.item_id)
        write_report_json(settings, ledger, item)
        if result.status != "ok":  # the form (rendered just before) must say the copy failed
            write_approval_form(settings, ledger, item)
    return job.out


def _job(settings: Settings, item: Item, kind: str, template: str, ctx: dict, name: str) -> RenderJob:
    return RenderJob(item.id, item.version, kind, item_dir(settings, item) / name,
                     find_template(template, settings.templates), ctx, f"{item.id} {template}")


def _write(settings: Settings, ledger: Ledger, item: Item, kind: str, template: str, ctx: dict,
           name: str, rules: Rules | None = None) -> Path:
    """Render a public document: its whole context passes through the public view first."""
    ctx = view(settings, rules).deep(ctx)
    job = _job(settings, item, kind, template, ctx, name)
    return finish(settings, ledger, job, run_job(job, rules or view(settings).rules))


def approval_job(settings: Settings, ledger: Ledger, item: Item, rules: Rules | None = None) -> RenderJob:
    """The 审批表, with its QR code (item, version, hash of the filled-in values) recorded in the ledger
    before it is printed, so a signed scan of exactly this form is recognised when it comes back."""
    from .forms import approval_context

    ctx = approval_context(settings, ledger, item, view(settings, rules))
    code = formcode.FormCode(ledger.workspace_id(), item.id, item.version, formcode.content_hash(ctx))
    ledger.add_form_code(code.text, item.id, item.version)
    job = _job(settings, item, "form", "审批表", ctx, f"{item.id}_{FORM_NAME}.docx")
    return replace(job, code=code.text)


def write_approval_form(settings: Settings, ledger: Ledger, item: Item, rules: Rules | None = None) -> Path:
    job = approval_job(settings, ledger, item, rules)
    return finish(settings, ledger, job, run_job(job, view(settings, rules).rules))


def write_report_json(settings: Settings, ledger: Ledger, item: Item, rules: Rules | None = None) -> Path:
    """The check report as staff may read it: the public view, plus what the 公开稿 had removed and
    the outcome of its re-check."""
    out = item_dir(settings, item) / f"{item.id}_检查报告.json"
    data = view(settings, rules).report_json(item.report)
    copy = ledger.artifact(item.id, item.version, "redacted")
    if copy is not None:
        data["public_copy"] = {"file": Path(copy.path).name, "version": copy.version, "sha256": copy.sha256,
                               "recheck": "通过" if copy.status == "ok" else "未通过", "problems": copy.note,
                               "removed": (copy.detail or {}).get("removed", [])}
    tmp = temp_beside(out)
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out)
    ledger.add_artifact(item.id, item.version, "report", str(out.relative_to(settings.root)), sha256_of(out))
    return out


def redacted_path(settings: Settings, item: Item) -> Path:
    md = item.report.metadata
    scan = bool(md and md.ocr)  # a scan's 公开稿 is a PDF of its page pictures, blacked out (scan_redact)
    return item_dir(settings, item) / f"{item.id}_公开稿.{'pdf' if scan else 'docx'}"


def ingest_jobs(settings: Settings, ledger: Ledger, item_id: str, rules: Rules | None = None) -> list[RenderJob]:
    """What follows a recorded item: its check report (written now), approval form and — unless it
    can never be published — the sanitised, re-checked 公开稿."""
    item = ledger.item(item_id)
    write_report_json(settings, ledger, item, rules)
    jobs = [approval_job(settings, ledger, item, rules)]  # the form first: a failed copy re-renders it
    original = readable_copy(settings.root / ledger.archived_path(item.id, item.version))  # a .doc: its .docx
    if needs_public_copy(item) and original.is_file():  # not yet archived: the ingest finishing it renders it
        pv = view(settings, rules)
        jobs.append(RenderJob(item.id, item.version, "redacted", redacted_path(settings, item), original=original,
                              title=pv.text(item.title or ""), masks=settings.masks))
    return jobs


def needs_public_copy(item: Item) -> bool:
    if item.status != "blocked" and item.report.disclosable is True:
        return True
    md = item.report.metadata  # a scan read by OCR may be published after its manual check: its 公开稿 is ready
    return bool(md and md.ocr) and not item.report.codes & {"SECRET", "NOT_PUBLIC"} and bool(item.report.codes & set(PII_CODES))


def after_ingest(settings: Settings, ledger: Ledger, rules: Rules, item_id: str) -> list[Path]:
    return [finish(settings, ledger, job, run_job(job, rules)) for job in ingest_jobs(settings, ledger, item_id, rules)]


def _need_title(item: Item, fs: list[dict], what: str) -> str:
    """The title a public document must have: refuse rather than print 《》."""
    title = public_title(item, fs)
    if not title or not title.strip():
        raise WorkflowError(f"{item.id} 没有可公开的标题，不能生成{what}；"
                            f"扫描件请在审核通过时用 --title 和 --summary 写明，或放入录入的文字稿作为新版本。")
    return title


def _basics_line(item: Item) -> str:
    """发文字号 / 成文日期 as a sentence, leaving out what the document does not carry (never 成文日期：。)."""
    md = item.report.metadata
    parts = [f"发文字号：{md.doc_number if md and md.doc_number else '无'}"]
    if md and md.date:
        parts.append(f"成文日期：{cn_date(md.date)}")
    return "；".join(parts) + "。"


def _need_summary(item: Item, ledger: Ledger, fs: list[dict], what: str) -> str:
    summary = public_summary(item, ledger, fs)
    if not summary or not summary.strip():
        raise WorkflowError(f"{item.id} 没有可公开的内容摘要，不能生成{what}；"
                            f"请在审核通过时用 --summary 写明，或放入录入的文字稿作为新版本。")
    return summary


def check_public_text(ledger: Ledger, item: Item, what: str = "公开的文书") -> None:
    """Refuse (before anything is recorded) when a public document of the item would have no title or
    no content to show."""
    fs = facts(ledger, item)
    _need_title(item, fs, what)
    _need_summary(item, ledger, fs, what)


def write_predisclosure(settings: Settings, ledger: Ledger, item: Item) -> Path:
    fs = facts(ledger, item)
    title = _need_title(item, fs, "预公开公示")
    period = predisclose_period(ledger, item) or {}
    ctx = {
        "org": settings.org, "item_id": item.id, "title": title,
        "summary": _need_summary(item, ledger, fs, "预公开公示"),
        "start": cn_date(period.get("start")), "end": cn_date(period.get("end")),
        "days": str(period.get("days", "")), "phone": settings.phone,
        "supervisors": "、".join(settings.supervisors), "box": settings.opinion_box,
        "contact": settings.office, "generated": _today(ledger),
    }
    return _write(settings, ledger, item, "predisclosure", "预公开公示", ctx, f"{item.id}_预公开公示.docx")


def write_notice(settings: Settings, ledger: Ledger, item: Item, scope: str) -> Path:
    """The 党务公开公告 of one publication; dated with the publication date the ledger recorded."""
    fs = facts(ledger, item)
    title = _need_title(item, fs, "党务公开公告") + ("（更正）" if is_correction(ledger, item) else "")
    pub = publication(fs, scope)
    published = ((pub or {}).get("date") or ledger.clock.today().isoformat())[:10]
    sc = scope_of(item.report, view(settings).rules)
    md = item.report.metadata
    outside = scope == "outside"
    ctx = {
        "org": settings.org, "item_id": item.id, "title": title, "scope_name": SCOPE_NAMES[scope][:2],
        "scope_text": "全体干部职工和社会公众" if outside else ("全体党员" if sc.outside else "全体党员（仅在党内公开）"),
        "summary": _need_summary(item, ledger, fs, "党务公开公告"), "form": form_of(item),
        "basics": _basics_line(item), "doc_number": (md.doc_number if md else None) or "无",
        "date": cn_date(md.date if md else None) or "未标注", "generated": cn_date(published),
        "channels": _channels(settings),
        "redacted_note": "本公告所附文件为隐去个人信息、经复查的公开稿。" if outside else "",
    }
    label = "党内" if scope == "inside" else "党外"
    return _write(settings, ledger, item, f"notice_{scope}", "公开公告", ctx, f"{item.id}_党务公开公告（{label}）.docx")


def _channels(settings: Settings) -> str:
    parts = [f"监督电话：{settings.phone}" if settings.phone else "", f"意见箱：{settings.opinion_box}"
             if settings.opinion_box else ""]
    parts = [p for p in parts if p]
    return (f"，也可通过{'；'.join(parts)}反映" if parts else "") + "。"


def write_response(settings: Settings, ledger: Ledger, item: Item, fb: FeedbackRecord) -> Path:
    answers = ledger.answers(fb.id)
    notes = [f"登记表编号 {fb.number}"] if fb.number else []
    if len(answers) > 1:
        prev = answers[-2]
        notes.append(f"第{len(answers)}次答复（取代{cn_date(prev.get('date'))}{prev.get('by', '')}的"
                     f"第{len(answers) - 1}次答复）")
    round_note = "；".join(notes)
    ctx = {
        "org": settings.org, "feedback_id": fb.id,
        "round_note": round_note, "item_id": item.id, "item_title": public_title(item, facts(ledger, item)) or "",
        "person": fb.person or "匿名", "received": cn_date(fb.received), "channel": fb.channel or "",
        "content": fb.content, "answer": fb.answer or "", "answered_by": fb.answered_by or "",
        "answered_at": cn_date(fb.answered_at), "generated": _today(ledger),
    }
    return _write(settings, ledger, item, f"response_{fb.id}", "意见反馈答复单", ctx, f"{fb.id}_意见反馈答复单.docx")


def write_results(settings: Settings, ledger: Ledger, item: Item) -> Path:
    rows = [{"received": cn_date(f.received), "channel": f.channel or "", "content": f.content,
             "answer": f.answer or "（待答复）"} for f in ledger.feedback(item_id=item.id)]
    ctx = {"org": settings.org, "item_id": item.id, "title": public_title(item, facts(ledger, item)) or "",
           "rows": rows, "generated": _today(ledger)}
    return _write(settings, ledger, item, "results", "处理结果公开", ctx, f"{item.id}_处理结果公开.docx")
