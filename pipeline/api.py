"""One importable function per user action — what the CLI and the watcher call. Each opens what it
needs from the workspace, runs the stage functions in order and returns plain results."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

from . import documents, workflow
from .errors import GongkaiError, NotFoundError, UsageError, WorkflowError
from .feedback_io import match_item, read_register
from .intake import Outcome, ingest
from .ledger import FeedbackRecord, Ledger
from .model import Item
from .rules import Rules, load_rules
from .workdays import Clock, When
from .workspace import Settings

log = logging.getLogger("gongkai.api")


@dataclass(frozen=True)
class Session:
    settings: Settings
    rules: Rules
    ledger: Ledger


@contextmanager
def open_session(settings: Settings, rules_file: Path | None = None, clock: Clock | None = None) -> Iterator[Session]:
    """`clock` is for tests; otherwise 'now' is the office's zone (gongkai.toml [calendar] zone)."""
    from .read import libreoffice

    rules = load_rules(rules_file or settings.rules_file)
    ledger = Ledger(settings.db, clock or Clock(settings.calendar.zone))
    try:
        with libreoffice.session(settings.convert):  # one LibreOffice for the run, started on first need
            yield Session(settings, rules, ledger)
    finally:
        ledger.close()


def rules_for_check(workspace: Path | None, rules_file: Path | None = None) -> Rules:
    """`gongkai check`: --rules when given; else, inside a workspace, its [checker] rules; else the defaults."""
    from .workspace import find_root, load_workspace

    if rules_file is not None:
        return load_rules(rules_file)
    if workspace is not None or find_root(Path.cwd().resolve()) is not None:
        return load_rules(load_workspace(workspace).rules_file)
    return load_rules(None)


def render_after_ingest(s: Session) -> Callable[[Settings, Ledger, str], None]:
    return lambda settings, ledger, item_id: documents.after_ingest(settings, ledger, s.rules, item_id)


def recover(s: Session) -> list[str]:
    """Finish the documents of items recorded by a run that stopped before writing them."""
    copies = {i for i in s.ledger.lacking("redacted") if documents.needs_public_copy(s.ledger.item(i))}
    done = []
    for item_id in sorted(set(s.ledger.lacking("form")) | copies):
        try:
            documents.after_ingest(s.settings, s.ledger, s.rules, item_id)
            done.append(item_id)
        except GongkaiError as e:  # e.g. a broken template: report it, and keep ingesting
            log.warning("%s 的文书仍未能生成：%s", item_id, e.message)
    return done


def run_ingest(s: Session, files: list[Path] | None = None,
               on_done: Callable[[Outcome], None] | None = None, workers: int = 1) -> list[Outcome]:
    from .intake import inbox_files

    recover(s)
    files = inbox_files(s.settings.inbox) if files is None else files
    if workers > 1:
        from .batch import ingest_many

        return ingest_many(s, files, workers, on_done)
    return ingest(s.settings, s.rules, s.ledger, files, render_after_ingest(s), on_done)


def run_watch(settings: Settings, polling: bool = False, rules_file: Path | None = None,
              on_outcome: Callable[[Outcome], None] | None = None, stop=None, signals: bool = True) -> None:
    """Watch the inbox until stopped (SIGINT/SIGTERM, or `stop.set()` when a threading.Event is given)."""
    from .watch import WatchLock, Watcher, install_signal_handlers, make_processor, use_polling

    with WatchLock(settings), open_session(settings, rules_file) as s:
        recover(s)
        watcher = Watcher(settings, make_processor(s.settings, s.rules, s.ledger, render_after_ingest(s)),
                          use_polling(settings, polling), on_outcome, s.ledger.clock)
        if stop is not None:
            watcher.stop = stop
        if signals:
            install_signal_handlers(watcher)
        watcher.run()


def list_items(s: Session, status: str | None = None, overdue: bool = False) -> list[Item]:
    if status and status not in workflow.STATUS_NAMES:
        raise UsageError(f"没有“{status}”这个状态；可用：{', '.join(workflow.STATUS_NAMES)}。")
    items = s.ledger.items(status)
    return [i for i in items if is_overdue(s, i)] if overdue else items


def is_overdue(s: Session, item: Item) -> bool:
    return workflow.is_overdue(item, s.ledger.clock.today())


@dataclass(frozen=True)
class ShownItem:
    item: Item
    feedback: list[FeedbackRecord]
    period: dict | None  # the pre-disclosure period, when there was one
    signed_forms: list[dict]  # signed approval forms received back, oldest first


def show_item(s: Session, item_id: str, raw: bool = False) -> ShownItem:
    """The item as `show` prints it: the public view (personal values masked) unless raw, for the liaison."""
    from .public import view

    item = s.ledger.item(item_id)
    item = item if raw else view(s.settings, s.rules).item(item)
    return ShownItem(item, s.ledger.feedback(item_id=item.id), workflow.predisclose_period(s.ledger, item),
                     s.ledger.signed_forms(item.id))


def reviewers(settings: Settings, level: str) -> tuple[str, ...]:
    """Who may record a decision at this level: the bureau's 组长 and 副组长, or the district list."""
    if level == "district":
        return settings.district
    lead = settings.leadership
    return tuple(n for n in (lead.leader, *lead.deputies) if n)


def review(s: Session, item_id: str, approve: bool, by: str, level: str, comment: str | None,
           when: When | None = None, category: int | None = None, title: str | None = None,
           summary: str | None = None) -> Item:
    if category is not None and not s.rules.category_name(category):
        workflow.set_category(s.ledger, s.ledger.item(item_id), category, None, by)  # refuses, changes nothing
    item = workflow.review(s.ledger, item_id, approve, by, level, comment, when, reviewers(s.settings, level),
                           title, summary)
    if item.status == "approved" and item.due is None:  # a NO_TEXT draft cleared by a manual check
        t = item.report.timing
        day = workflow.decision_day(workflow.facts(s.ledger, item)[-1]) or s.ledger.clock.today()
        s.ledger.set_due(item.id, workflow.due_date(t.kind if t else None, t.due if t else None, day,
                                                    s.settings.temporary_days, s.settings.phase_days,
                                                    s.settings.calendar))
        item = s.ledger.item(item.id)
    if category is not None:
        item = workflow.set_category(s.ledger, item, category, s.rules.category_name(category), by)
    documents.write_approval_form(s.settings, s.ledger, item, s.rules)
    return item


def predisclose(s: Session, item_id: str, days: int | None, by: str, when: When | None = None) -> Item:
    cal = s.settings.calendar
    workflow.predisclose_gate(s.ledger.item(item_id), days or s.settings.predisclose_days)
    documents.check_public_text(s.ledger, s.ledger.item(item_id), "预公开公示")  # before anything is recorded
    item = workflow.predisclose(s.ledger, item_id, days or s.settings.predisclose_days, by, cal, when)
    end = date.fromisoformat((workflow.predisclose_period(s.ledger, item) or {})["end"])
    if item.due and date.fromisoformat(item.due) <= end:  # formal disclosure can only follow the opinion period
        s.ledger.set_due(item.id, cal.add(end, s.settings.temporary_days).isoformat())
        item = s.ledger.item(item.id)
    documents.write_predisclosure(s.settings, s.ledger, item)
    _prepare_site_documents(s, item.id)
    return item


def publish(s: Session, item_id: str, scope: str, by: str, when: When | None = None) -> Item:
    item = s.ledger.item(item_id)
    signed = s.settings.require_signed_form
    workflow.publish_gate(s.ledger, item, scope, s.rules, when, signed)  # every gate is in workflow
    documents.check_public_text(s.ledger, item, "党务公开公告")  # before anything is recorded
    item = workflow.publish(s.ledger, item_id, scope, by, s.rules, when, signed)
    documents.write_notice(s.settings, s.ledger, item, scope)
    _prepare_site_documents(s, item.id)
    _site_changed(s)
    return item


def close(s: Session, item_id: str, by: str, when: When | None = None) -> Item:
    item = workflow.close(s.ledger, item_id, by, when)
    if s.ledger.feedback(item_id=item.id):
        documents.write_results(s.settings, s.ledger, item)
    _site_changed(s)
    return item


# ------------------------------------------------------------------ the intranet column
def build_site(s: Session, out: Path | None = None, today: date | None = None):
    from .site.build import build_site as build

    return build(s.settings, s.ledger, s.rules, out, today or s.ledger.clock.today())


def _prepare_site_documents(s: Session, item_id: str) -> None:
    """The web version of the documents the item now shows, made as it is disclosed (site/build.py)."""
    from .site.build import prepare_documents

    prepare_documents(s.settings, s.ledger, s.rules, item_id)


def _site_changed(s: Session) -> None:
    """`site.auto = true`: the column follows every publish, close and answered opinion."""
    if s.settings.site_auto:
        from .site.build import rebuild_quietly

        rebuild_quietly(s.settings, s.ledger, s.rules)


# ------------------------------------------------------------------ feedback
@dataclass(frozen=True)
class ImportResult:
    added: list[FeedbackRecord]
    skipped: int
    unmatched: list[FeedbackRecord]


def import_feedback(s: Session, path: Path) -> ImportResult:
    rows = read_register(path)
    candidates = [(i.id, i.title, i.report.metadata.doc_number if i.report.metadata else None)
                  for i in s.ledger.items()]
    added: list[FeedbackRecord] = []
    skipped = 0
    for row in rows:
        item_id = match_item(row, candidates)
        fields = {"received": row.received, "channel": row.channel, "person": row.person,
                  "contact": row.contact, "content": row.content, "ref": row.ref, "number": row.number}
        fid = s.ledger.add_feedback(row.key, fields, path.name, row.row, item_id)
        if fid is None:
            skipped += 1
        else:
            added += s.ledger.feedback(fid)
    return ImportResult(added, skipped, [f for f in added if not f.item_id])


def list_feedback(s: Session, item_id: str | None = None, unanswered: bool = False,
                  channel: str | None = None) -> list[FeedbackRecord]:
    records = s.ledger.feedback(item_id=s.ledger.item(item_id).id if item_id else None)
    if unanswered:
        records = [f for f in records if not f.answer]
    if channel:
        records = [f for f in records if channel.strip() in (f.channel or "")]
    return records


@dataclass(frozen=True)
class Linked:
    feedback: FeedbackRecord
    reopened: tuple[str, ...]  # items --reopen reopened


def link_feedback(s: Session, fid: str, item_id: str, by: str, reopen: bool = False) -> Linked:
    """Link an opinion to an item. A closed item is protected: nothing is linked to it and an answered opinion
    is not taken away from it, unless --reopen, which reopens it (and says so)."""
    fb = _one_feedback(s, fid)
    item = s.ledger.item(item_id)
    closed = []
    if item.status == "closed" and fb.item_id != item.id:
        closed.append((item.id, f"意见 {fb.id} 不能关联到已办结的事项 {item.id}"))
    if fb.item_id and fb.item_id != item.id and fb.answer and s.ledger.item(fb.item_id).status == "closed":
        closed.append((fb.item_id, f"意见 {fb.id} 已答复，所属事项 {fb.item_id} 已办结，不能改关联到其他事项"))
    if closed and not reopen:
        raise WorkflowError("；".join(m for _, m in closed) + "。确需更改请加 --reopen（将重新打开该事项，办结后须重新办结）。")
    for closed_id, _ in closed:
        s.ledger.reopen(closed_id, by, f"因意见 {fb.id} 改关联而重新打开")
    s.ledger.link_feedback(fb.id, item.id, by, fb.item_id)
    return Linked(_one_feedback(s, fb.id), tuple(c for c, _ in closed))


@dataclass(frozen=True)
class Answered:
    feedback: FeedbackRecord
    path: Path
    round: int
    reopened: str | None


def answer_feedback(s: Session, fid: str, text: str, by: str, when: When | None = None,
                    reopen: bool = False) -> Answered:
    """Answer an opinion; a later answer supersedes the earlier one (kept in the history) and the 答复单 is
    rewritten as 第N次答复."""
    fb = _one_feedback(s, fid)
    if not fb.item_id:
        raise UsageError(f"意见 {fb.id} 还没有关联事项；请先 gongkai feedback link {fb.id} 事项编号。")
    if not text.strip() or not by.strip():
        raise UsageError("请用 --text 写明答复内容，用 --by 写明答复人。")
    item = s.ledger.item(fb.item_id)
    if item.status == "closed" and not reopen:
        raise WorkflowError(f"意见 {fb.id} 所属事项 {item.id} 已办结，不能再答复；确需再次答复请加 --reopen（将重新打开该事项）。")
    day = _answer_day(s, fb, when)
    reopened = None
    if item.status == "closed":
        s.ledger.reopen(item.id, by, f"因再次答复意见 {fb.id} 而重新打开")
        reopened = item.id
    n = s.ledger.answer_feedback(fb.id, item.id, text.strip(), by.strip(), day, s.ledger.clock.stamp())
    fb = _one_feedback(s, fb.id)
    path = documents.write_response(s.settings, s.ledger, s.ledger.item(item.id), fb)
    _site_changed(s)
    return Answered(fb, path, n, reopened)


def _answer_day(s: Session, fb: FeedbackRecord, when: When | None) -> str:
    """The answer's date: not in the future, not before the opinion was received or answered before."""
    now = s.ledger.clock.now()
    if when is None:
        return now.isoformat(timespec="seconds")
    if when.day > now.date() or (when.at is not None and when.at > now):
        raise WorkflowError(f"日期 {when.iso} 晚于现在（{now.strftime('%Y-%m-%d %H:%M')}），不能记录尚未发生的答复。")
    if fb.received and when.day.isoformat() < fb.received[:10]:
        raise WorkflowError(f"日期 {when.iso} 早于意见 {fb.id} 的收到日期（{fb.received[:10]}），请核对。")
    prior = s.ledger.answers(fb.id)
    if prior and when.day.isoformat() < prior[-1]["date"][:10]:
        raise WorkflowError(f"日期 {when.iso} 早于上一次答复的日期（{prior[-1]['date'][:10]}），请核对。")
    return when.iso


def _one_feedback(s: Session, fid: str) -> FeedbackRecord:
    found = s.ledger.feedback(fid)
    if not found:
        raise NotFoundError(f"没有编号为 {fid} 的意见；请用 gongkai feedback list 查看。")
    if len(found) > 1:
        raise UsageError(f"登记表编号 {fid} 对应多条意见（{'、'.join(f.id for f in found)}），请改用系统编号。")
    return found[0]


# ------------------------------------------------------------------ batch generation
GENERATE_KINDS = ("forms", "notices", "responses", "report", "inspection", "catalogue")


def select_items(s: Session, item_id: str | None, status: str | None) -> list[Item]:
    if item_id:
        return [s.ledger.item(item_id)]
    return list_items(s, status)


def generate(s: Session, kind: str, item_id: str | None = None, status: str | None = None,
             quarter: str | None = None, on_done: Callable[[Item], None] | None = None,
             workers: int = 1, month: str | None = None, year: str | None = None) -> list[Path]:
    """Regenerate documents in batch: approval forms (+ report JSON, 公开稿), notices, responses or the
    quarterly report. Each file is replaced atomically."""
    from .reports import parse_quarter, write_quarterly

    if kind not in GENERATE_KINDS:
        raise UsageError(f"generate 只能生成：{' / '.join(GENERATE_KINDS)}。")
    today = s.ledger.clock.today()
    if kind == "report":
        return write_quarterly(s.settings, s.ledger, parse_quarter(quarter, today), s.rules.categories)
    if kind == "inspection":
        from .inspection import write_inspection
        from .workdays import Month

        return write_inspection(s.settings, s.ledger, Month.parse(month) if month else Month.of(today))
    if kind == "catalogue":
        from .catalogue import parse_year, write_year_catalogue

        return write_year_catalogue(s.settings, s.ledger, parse_year(year, today), s.rules.categories)
    if kind == "forms" and workers > 1:
        from .batch import generate_many

        items = select_items(s, item_id, status)
        jobs = (job for item in items for job in documents.ingest_jobs(s.settings, s.ledger, item.id))
        return generate_many(s, jobs, workers)
    out: list[Path] = []
    for item in select_items(s, item_id, status):
        out += _generate_for(s, kind, item)
        if on_done:
            on_done(item)
    return out


def _generate_for(s: Session, kind: str, item: Item) -> list[Path]:
    if kind == "forms":
        return documents.after_ingest(s.settings, s.ledger, s.rules, item.id)
    fs = workflow.facts(s.ledger, item)
    if kind == "notices":
        out = [documents.write_predisclosure(s.settings, s.ledger, item)] if any(
            f.get("kind") == "predisclose" for f in fs) else []
        scopes = dict.fromkeys(f["scope"] for f in fs if f.get("kind") == "publish")
        return out + [documents.write_notice(s.settings, s.ledger, item, scope) for scope in scopes]
    records = s.ledger.feedback(item_id=item.id)
    out = [documents.write_response(s.settings, s.ledger, item, f) for f in records if f.answer]
    return out + ([documents.write_results(s.settings, s.ledger, item)] if records else [])


@dataclass(frozen=True)
class TemplateCheck:
    name: str
    path: Path
    variables: tuple[str, ...]
    problems: tuple[str, ...]


def check_templates(settings: Settings) -> list[TemplateCheck]:
    """Lint every template the pipeline uses (the workspace's copy where it has one)."""
    from .errors import RenderError
    from .render import TEMPLATE_KEYS, find_template, lint_template, template_variables

    out = []
    for name, keys in TEMPLATE_KEYS.items():
        path = find_template(name, settings.templates)
        problems = lint_template(path, keys)
        try:
            variables = tuple(sorted(template_variables(path)))
        except RenderError:
            variables = ()
        out.append(TemplateCheck(name, path, variables, tuple(problems)))
    return out
