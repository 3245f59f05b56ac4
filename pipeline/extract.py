"""Stage 2 — extract: a Draft becomes Metadata (title, 发文字号, 成文日期, issuer, secrecy, 附注,
category, application fields) and a Timing. Values that cannot be determined stay None."""
from __future__ import annotations

import re
from datetime import date
from typing import Iterator

from .category import classify
from .model import Application, Block, CategoryCandidate, Draft, Metadata, Timing
from .rules import Rules
from .textutil import date_only, find_dates, normalize_docno, squeeze, tidy
from .titles import find_title, organs_in
from .workdays import quarter_end

SEAL_NOTE = re.compile(r"^[（(][^）)]*[）)]$")
NOTE = re.compile(r"^[（(]\s*(此件[^）)]{1,14})\s*[）)]$")
LEVELS = ("绝密", "机密", "秘密")
IMPRINT = re.compile(r"印发$|印发\s*$|抄送|^主送|^抄报")
TITLE_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")


def extract(draft: Draft, rules: Rules) -> Metadata:
    if draft.no_text_reason and not any(b.kind in ("para", "page", "row") for b in draft.blocks):
        return Metadata(format=draft.format, pages=draft.pages, notes=draft.notes)  # nothing readable
    body = [b for b in draft.blocks if b.kind == "para" or b.kind == "page"]
    app = _application(draft, rules)
    docno, _ = find_docno(draft, rules)
    level, period = find_secrecy(draft, rules)
    title, start = find_title(body, rules)
    date_iso, issuer = _signature(body)
    issuer = issuer or _title_issuer(body, start)
    if app:
        title = app.subject
        issuer = app.department or issuer
        date_iso = app.date or date_iso
    if not title and draft.format == "ofd":
        title = draft.core_title  # OFD.xml's DocInfo/Title, when the page text has no recognisable title
    cat = classify(draft, title, rules, None if app else start)
    return Metadata(
        format=draft.format,
        pages=draft.pages,
        title=title,
        doc_number=docno,
        date=date_iso,
        issuer=issuer,
        secrecy=level,
        secrecy_period=period,
        disclosure_note=_note(body),
        category=cat.code,
        category_name=rules.category_name(cat.code),
        category_confidence=cat.confidence if cat.scores else None,
        category_candidates=tuple(CategoryCandidate(c, rules.category_name(c) or "") for c in cat.candidates) or None,
        application=app,
        notes=draft.notes,
        ocr=bool(draft.ocr_pages),
    )


# ------------------------------------------------------------------ 发文字号, secrecy, 附注
def find_docno(draft: Draft, rules: Rules) -> tuple[str | None, tuple[Block, str] | None]:
    """The normalized 发文字号 and (its block, the raw text) — looked for in the head of the body."""
    for block in _head(draft, 12, ("para", "page", "row")):
        for text in map(tidy, block.cells or (block.text,)):  # the 版头 may be laid out as a table
            m = rules.docno.search(text)
            if m and (m.start() <= 2 or len(text) <= 40):
                return normalize_docno(m[1], m[2], m[4]), (block, m[0])
    return None, None


def find_secrecy(draft: Draft, rules: Rules) -> tuple[str | None, str | None]:
    hit = secrecy_hit(draft, rules)
    if not hit or hit[1] not in LEVELS:
        return None, None  # a bare 国家秘密 declaration names no level
    return hit[1], hit[2]


def secrecy_hit(draft: Draft, rules: Rules) -> tuple[Block, str, str | None, str] | None:
    """(block, level, period, evidence) of the secrecy marking: looked for in the head of the body (table
    cells included), page headers and footers; of several marks the highest level wins."""
    hits = [h for block, text in _secrecy_places(draft, rules) if (h := _mark(block, text, rules))]
    if hits:
        return min(hits, key=lambda h: (LEVELS.index(h[1]), h[2] is None))
    for block in draft.blocks:
        m = rules.secret_declaration.search(squeeze(block.text))
        if m:
            return block, m[3], None, m[0]
    return None


def _secrecy_places(draft: Draft, rules: Rules) -> Iterator[tuple[Block, str]]:
    """The first paragraphs and the cells of any table among them (a 版头 laid out as a table), any later
    paragraph that is a starred mark alone, and every page-header and footer line."""
    paras = 0
    for block in draft.blocks:
        if block.kind == "row" and paras < rules.secret_search_blocks:
            yield from ((block, cell) for cell in block.cells)
        elif block.kind in ("para", "page") and paras < rules.secret_search_blocks:
            paras += 1
            yield block, block.text
        elif block.kind in ("para", "page") and _mark_alone(block.text, rules):
            yield block, block.text  # 秘密★1年 or 密级：秘密 standing alone further on: an attachment's own 版头
        elif block.kind in ("header", "footer", "aside"):  # comments, notes, properties … anywhere
            yield block, block.text


def _mark_alone(text: str, rules: Rules) -> bool:
    """A paragraph that is nothing but a starred mark (机密★5年) or a labelled one (密级：秘密): unambiguous
    wherever it stands; a sentence that mentions 秘密★ is not one, nor is a bare 秘密 (a heading, a level
    listed in a 保密 lesson) past the head."""
    t = squeeze(text)
    m = rules.secret_mark.match(t)
    return (m is not None and len(t) - m.end() <= 2) or (t.startswith("密级") and rules.secret_alone.match(t) is not None)


def _mark(block: Block, text: str, rules: Rules) -> tuple[Block, str, str | None, str] | None:
    t = squeeze(text)  # 机 密★5年 and 机密 ★ 5 年 are the same mark
    m = rules.secret_mark.search(t)
    if m and (m.start() <= 2 or block.kind in ("header", "footer", "aside") or len(t) <= 30):
        return block, m[1], (m[2] if m.lastindex and m.lastindex >= 2 and m[2] else None), m[0]
    m = rules.secret_alone.search(t)
    return (block, m[1], None, m[0]) if m else None


def _note(body: list[Block]) -> str | None:
    for block in reversed(body):
        m = NOTE.match(squeeze(block.text))
        if m:
            return m[1]
    return None


def _head(draft: Draft, n: int, kinds: tuple[str, ...] = ("para", "page")) -> list[Block]:
    return [b for b in draft.blocks if b.kind in kinds][:n]


# ------------------------------------------------------------------ signature: issuer and 成文日期
def _signature(body: list[Block]) -> tuple[str | None, str | None]:
    """The 成文日期 is the last line that is only a date; the issuer the organ line(s) just above it."""
    for i in range(len(body) - 1, -1, -1):
        text = body[i].text
        if IMPRINT.search(squeeze(text)):
            continue
        iso = date_only(text)
        if iso:
            return iso, _issuer_above(body, i)
        inline = _inline_signature(text)
        if inline:
            return inline
    return None, None


def _inline_signature(text: str) -> tuple[str, str] | None:
    """A PDF or table line that carries organ and date together: 青川区科学技术局  2023年10月10日."""
    t = tidy(text)
    found = find_dates(t)
    if not found or found[-1][2] < len(t) - 1:
        return None
    organs = organs_in(t[: found[-1][1]])
    return (found[-1][0], "、".join(organs)) if organs else None


def _issuer_above(body: list[Block], i: int) -> str | None:
    """Joint issuers sign side by side on one line or stacked on several: all of them, joined by 、."""
    organs: list[str] = []
    for j in range(i - 1, max(-1, i - 6), -1):
        t = squeeze(body[j].text)
        if not t or SEAL_NOTE.match(t):
            continue  # （盖章）, （此处添加印章图片或文字说明）
        found = organs_in(body[j].text)
        if not found:
            break
        organs[:0] = found
    return "、".join(organs) or None


def _title_issuer(body: list[Block], start: int | None) -> str | None:
    """No organ signs the draft (a seal only, or a placeholder): the 发文机关 its title names, as in
    中国银保监会扬州监管分局关于印发…的通知, the organ before the year of a report (中共…社会工作部2024年度部门决算),
    or the organ line its title starts with."""
    if start is None:
        return None
    raw = body[start].text
    # 关于…, or 印发/转发《关于…》 (浙江银监局印发《关于…的若干意见》的通知): the organ stands before the first of them
    cut = min((i for i in (raw.find("关于"), raw.find("印发"), raw.find("转发")) if i > 0), default=-1)
    year = TITLE_YEAR.search(raw)
    if cut <= 0 and year and year.start() > 0:
        cut = year.start()
    prefix = raw[:cut] if cut > 0 else raw
    joint = [p.strip() for p in prefix.split("、")]  # 上海保监局、上海市公安局关于…的公告
    if len(joint) > 1 and all(organs_in(p) == [squeeze(p)] for p in joint):
        return "、".join(squeeze(p) for p in joint)
    return "、".join(organs_in(prefix)) or None


# ------------------------------------------------------------------ application form
def _application(draft: Draft, rules: Rules) -> Application | None:
    rows = [b for b in draft.blocks if b.kind == "row"]
    heads = squeeze(" ".join(b.text for b in draft.blocks[:3]))
    fields = _form_fields(rows, rules)
    if rules.application_marker not in heads and not ({"subject", "content"} <= set(fields)):
        return None
    if not fields:
        return None
    when = fields.get("date")
    return Application(**{**fields, "date": (find_dates(when)[0][0] if when and find_dates(when) else None)})


def _form_fields(rows: list[Block], rules: Rules) -> dict[str, str | None]:
    """label → value pairs of a two-column (or four-column) form."""
    out: dict[str, str | None] = {}
    for row in rows:
        cells = list(row.cells)
        for k in range(0, len(cells) - 1, 2):
            key = rules.application_fields.get(squeeze(cells[k]))
            if key and key not in out:
                value = tidy(cells[k + 1])
                out[key] = value or None
        if len(cells) == 1 or len(cells) % 2:
            key = rules.application_fields.get(squeeze(cells[-1]))
            if key and key not in out:
                out[key] = None
    return out


def application_labels(draft: Draft, rules: Rules) -> dict[str, Block]:
    """Which application labels appear in the form's rows (for MISSING_FIELD's location)."""
    out: dict[str, Block] = {}
    for row in (b for b in draft.blocks if b.kind == "row"):
        for cell in row.cells:
            label = squeeze(cell)
            if label in rules.application_fields:
                out.setdefault(label, row)
    return out


# ------------------------------------------------------------------ timing
def timing(draft: Draft, md: Metadata, rules: Rules) -> Timing:
    source = squeeze(md.application.period or "") if md.application and md.application.period else ""
    text = source or squeeze((md.title or "") + draft.text)
    if not text:
        return Timing()
    kind = next((k for k in ("periodic", "phase", "temporary") if any(w in text for w in rules.timing_words[k])), None)
    if kind is None and not source:
        kind = None
    return Timing(kind=kind, due=_due(kind, md.date))


def _due(kind: str | None, iso: str | None) -> str | None:
    """Regular work is due at the end of the quarter of its date; other kinds depend on the ledger."""
    if kind != "periodic" or not iso:
        return None
    return quarter_end(date.fromisoformat(iso)).isoformat()
