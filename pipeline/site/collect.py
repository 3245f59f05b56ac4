"""The ledger as the two columns see it: one frozen Entry per item and column. The public column takes
every text through view.shown and its content only from view.public_copy; the inside column reads the
originals. Nothing here writes a file."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..ledger import Ledger
from ..model import Item
from ..rules import Rules
from ..workflow import SCOPE_NAMES, STATUS_NAMES, facts
from ..workspace import Settings
from ..read import sha256_of
from . import view
from .content import Converter, text_of
from .snapshot import Snapshot

COLUMNS = ("public", "inside")
COLUMN_NAMES = {"public": "党外公开", "inside": "党内公开"}
NEVER = {"SECRET", "NOT_PUBLIC"}


@dataclass(frozen=True)
class Period:
    start: str
    end: str
    days: int


@dataclass(frozen=True)
class Opinion:
    id: str
    received: str
    channel: str
    content: str
    answer: str
    answered_at: str


@dataclass(frozen=True)
class Doc:
    """A converted document: named by its sha256, read only when a page that shows it is rendered. Only the
    sha is part of its fingerprint: a workspace moved or copied elsewhere is still built incrementally."""
    sha: str
    path: Path = field(repr=False, compare=False)

    def html(self) -> str:
        return self.path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    doc_number: str
    date: str
    issuer: str
    category: int | None
    category_name: str
    scope: str
    form: str
    status: str
    status_name: str
    published: str  # the date it was disclosed in this column ("" while only pre-disclosed)
    period: Period | None
    summary: str
    doc: Doc | None  # the converted document (sanitised HTML in the conversion cache), or None
    note: str  # why there is no content, or what the linked file is
    file_src: Path | None = field(repr=False)  # a PDF to copy into the column's files/ (its bytes are fingerprinted)
    opinions: tuple[Opinion, ...]
    has_file: bool = False  # file_src is set (what the fingerprint of the page sees of it)

    @property
    def file_name(self) -> str:
        return f"{self.id}.pdf" if self.file_src else ""

    @property
    def open_for_opinions(self) -> bool:
        return self.status == "predisclosed" or bool(self.published)


@dataclass(frozen=True)
class Plan:
    """What one entry shows: the document's path and the sha256 the ledger recorded for it."""
    item: Item
    column: str
    source: Path | None
    sha: str | None


def columns_of(item: Item, fs: list[dict], rules: Rules) -> dict[str, str]:
    """column → the date the item appeared there ("" = pre-disclosed only); absent = not shown."""
    if item.status == "blocked" or item.report.codes & NEVER:
        return {}
    pubs = [f for f in fs if f.get("kind") == "publish"]
    out: dict[str, str] = {}
    if pubs:
        out["inside"] = min(f["date"] for f in pubs)
    elif item.status == "predisclosed":
        out["inside"] = ""
    if view.party_only(item, rules):
        return out
    outside = [f["date"] for f in pubs if f.get("scope") == "outside"]
    if outside:
        out["public"] = min(outside)
    elif item.status == "predisclosed" and "INSIDE_FIRST" not in item.report.codes:
        out["public"] = ""
    return out


def collect(settings: Settings, ledger: Ledger | Snapshot, rules: Rules, converter: Converter) -> dict[str, list[Entry]]:
    """Every entry of both columns. The documents are named by the sha256 the ledger recorded (the 公开稿's
    artifact, the original's version), so an unchanged item is never read, hashed or converted again."""
    pv = view.public_view(settings, rules)
    plans: list[tuple[Plan, str, list[dict]]] = []
    for item in ledger.items():
        fs = facts(ledger, item)
        for column, when in columns_of(item, fs, rules).items():
            plans.append((_plan(settings, ledger, item, column), when, fs))
    converter.prepare(_documents(p for p, _, _ in plans))
    salt = view.fingerprint(pv)
    out: dict[str, list[Entry]] = {c: [] for c in COLUMNS}
    for plan, when, fs in plans:
        out[plan.column].append(_entry(ledger, pv, converter, plan, when, fs, salt))
    return out


def documents_of(settings: Settings, ledger: Ledger | Snapshot, item: Item, rules: Rules) -> dict[str, Path]:
    """sha256 → path of the .docx documents the item's pages show now: its 公开稿 in public/, its original in
    inside/ (none while it is in neither column)."""
    fs = facts(ledger, item)
    return _documents(_plan(settings, ledger, item, column) for column in columns_of(item, fs, rules))


def _documents(plans) -> dict[str, Path]:
    return {p.sha: p.source for p in plans if p.source and p.sha and _is_docx(p.source)}


def _is_docx(path: Path) -> bool:
    return path.suffix.lower() == ".docx"


def _plan(settings: Settings, ledger: Ledger | Snapshot, item: Item, column: str) -> Plan:
    if column == "public":
        art = ledger.artifact(item.id, item.version, "redacted")
        src = view.public_copy(settings, ledger, item)
        sha = art.sha256 if art and art.sha256 else None
    else:
        src, sha = view.original(settings, ledger, item), item.sha256
    if src is not None and sha is None and _is_docx(src):  # a 公开稿 recorded before its hash was (migration 7)
        sha = sha256_of(src)
    return Plan(item, column, src, sha)


def _entry(ledger: Ledger | Snapshot, pv: view.PublicView, converter: Converter, plan: Plan, when: str,
           fs: list[dict], salt: str) -> Entry:
    item, public = plan.item, plan.column == "public"
    md = item.report.metadata
    app = md.application if md else None

    def t(value: str | None) -> str:
        return view.shown(value, pv) if public else (value or "")

    doc, note, file_src = _content(plan, converter, pv, salt)
    periods = [f for f in fs if f.get("kind") == "predisclose"]
    period = Period(periods[-1]["start"], periods[-1]["end"], int(periods[-1].get("days", 0))) if periods else None
    if view.party_only(item, pv.rules):
        scope = view.scope_text(item, pv.rules)
    else:
        scope = (app.scope if app and app.scope else None) or ("、".join(dict.fromkeys(
            SCOPE_NAMES[f["scope"]] for f in fs if f.get("kind") == "publish")) or "预公开征求意见")
    opinions = tuple(  # what citizens wrote is masked in both columns: a web page is not the register
        Opinion(f.id, (f.received or "")[:10], f.channel or "", view.shown(f.content, pv), view.shown(f.answer, pv),
                (f.answered_at or "")[:10])
        for f in ledger.feedback(item_id=item.id))
    return Entry(
        id=item.id, title=t(item.title) or "（无标题）", doc_number=t(md.doc_number if md else None),
        date=(md.date if md else None) or "", issuer=t(md.issuer if md else None),
        category=md.category if md else None, category_name=(md.category_name if md else None) or "类别待定",
        scope=t(scope), form=t((app.form if app and app.form else None) or "书面式公开、网络式公开"),
        status=item.status, status_name=STATUS_NAMES.get(item.status, item.status), published=when,
        period=period, summary=t(ledger.summary(item.id, item.version)), doc=doc, note=note,
        file_src=file_src, opinions=opinions, has_file=file_src is not None)


def _content(plan: Plan, converter: Converter, pv: view.PublicView, salt: str) -> tuple[Doc | None, str, Path | None]:
    src, public = plan.source, plan.column == "public"
    if "NO_TEXT" in plan.item.report.codes:  # a scan: the text could not be checked
        if public:
            return None, "本件为扫描件，已经人工核对后公开；全文请到局党务公开领导小组办公室查阅。", None
        return None, "本件为扫描件，请查阅原件（PDF）。", src if src and src.suffix.lower() == ".pdf" else None
    if src is None:
        return None, ("公开稿尚未生成，暂不显示全文。" if public else "原件未找到，请联系联络员。"), None
    if src.suffix.lower() == ".pdf":
        return None, "全文见所附 PDF 文件。", src
    if not _is_docx(src) or plan.sha is None:
        return None, "本件格式不能在网页上显示，请联系联络员查阅原件。", None
    if plan.sha in converter.refused or not converter.has(plan.sha):
        return None, ("公开稿与台账记录不一致，暂不显示全文。" if public else "原件与台账记录不一致，请联系联络员。"), None
    if public and converter.leaks(plan.sha, lambda h: view.leaks(text_of(h), pv), salt):
        return None, "公开稿复核未通过（仍含个人信息），暂不显示全文。", None
    return Doc(plan.sha, converter.path(plan.sha)), "", None


def today_open(entries: list[Entry], today: date) -> list[Entry]:
    """Pre-disclosures whose opinion period has not ended, soonest end first."""
    return sorted((e for e in entries if e.status == "predisclosed" and e.period and e.period.end >= today.isoformat()),
                  key=lambda e: (e.period.end if e.period else "", e.id))
