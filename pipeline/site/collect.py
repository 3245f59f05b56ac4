"""The ledger as the two columns see it: one frozen Entry per item and column. The public column takes
every text through view.shown and its content only from view.public_copy; the inside column reads the
originals. Nothing here writes a file."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..ledger import Ledger
from ..model import Item
from ..rules import Rules
from ..workflow import SCOPE_NAMES, STATUS_NAMES, facts
from ..workspace import Settings
from . import view
from ..read import sha256_of
from .content import Converter, text_of

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
    content: str  # sanitised HTML, or ""
    note: str  # why there is no content, or what the linked file is
    file_src: Path | None  # a PDF to copy into the column's files/
    opinions: tuple[Opinion, ...]

    @property
    def file_name(self) -> str:
        return f"{self.id}.pdf" if self.file_src else ""

    @property
    def open_for_opinions(self) -> bool:
        return self.status == "predisclosed" or bool(self.published)


@dataclass(frozen=True)
class Plan:
    """What one entry needs converted: (sha, path) of a .docx, resolved before the pages are made."""
    item: Item
    column: str
    source: Path | None


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


def collect(settings: Settings, ledger: Ledger, rules: Rules, converter: Converter) -> dict[str, list[Entry]]:
    pv = view.public_view(settings, rules)
    items = ledger.items()
    plans: list[tuple[Plan, str, list[dict]]] = []
    for item in items:
        fs = facts(ledger, item)
        for column, when in columns_of(item, fs, rules).items():
            src = view.public_copy(settings, ledger, item) if column == "public" else view.original(settings, ledger, item)
            plans.append((Plan(item, column, src), when, fs))
    shas = {p.source: sha256_of(p.source) for p, _, _ in plans if p.source and p.source.suffix.lower() == ".docx"}
    converter.prepare([(sha, path) for path, sha in shas.items()])
    out: dict[str, list[Entry]] = {c: [] for c in COLUMNS}
    for plan, when, fs in plans:
        out[plan.column].append(_entry(settings, ledger, pv, converter, plan, when, fs, shas))
    return out


def _entry(settings: Settings, ledger: Ledger, pv: view.PublicView, converter: Converter, plan: Plan, when: str,
           fs: list[dict], shas: dict[Path, str]) -> Entry:
    item, public = plan.item, plan.column == "public"
    md = item.report.metadata
    app = md.application if md else None

    def t(value: str | None) -> str:
        return view.shown(value, pv) if public else (value or "")

    content, note, file_src = _content(plan, converter, pv, shas)
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
        period=period, summary=t(ledger.summary(item.id, item.version)), content=content, note=note,
        file_src=file_src, opinions=opinions)


def _content(plan: Plan, converter: Converter, pv: view.PublicView, shas: dict[Path, str]) -> tuple[str, str, Path | None]:
    src, public = plan.source, plan.column == "public"
    if "NO_TEXT" in plan.item.report.codes:  # a scan: the text could not be checked
        if public:
            return "", "本件为扫描件，已经人工核对后公开；全文请到局党务公开领导小组办公室查阅。", None
        return "", "本件为扫描件，请查阅原件（PDF）。", src if src and src.suffix.lower() == ".pdf" else None
    if src is None:
        return "", ("公开稿尚未生成，暂不显示全文。" if public else "原件未找到，请联系联络员。"), None
    if src.suffix.lower() == ".pdf":
        return "", "全文见所附 PDF 文件。", src
    html = converter.html(shas[src], src)
    if public and converter.leaks(shas[src], html, lambda h: view.leaks(text_of(h), pv), view.fingerprint(pv)):
        return "", "公开稿复核未通过（仍含个人信息），暂不显示全文。", None
    return html, "", None


def today_open(entries: list[Entry], today: date) -> list[Entry]:
    """Pre-disclosures whose opinion period has not ended, soonest end first."""
    return sorted((e for e in entries if e.status == "predisclosed" and e.period and e.period.end >= today.isoformat()),
                  key=lambda e: (e.period.end if e.period else "", e.id))
