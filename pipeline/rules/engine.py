"""Stage 3 — check: a Draft and its Metadata against the rules, giving Findings with evidence and
location. Each check is a small function; `check_draft` runs them all."""
from __future__ import annotations

import re
from typing import Callable, Iterator

from ..extract import application_labels, find_docno, secrecy_hit
from ..model import ECHO_PARTS, HIDDEN_PARTS, OCR_EVIDENCE, PARTS, Block, Draft, Finding, Metadata
from ..textutil import impossible_cn_dates, iso_date, squeeze, tidy
from . import Garble, Obligation, Rules
from .pii import mask, mask_pii, pii_spans

CJK = re.compile(r"[\u4e00-\u9fff]")
MONTH_DAY = re.compile(r"(?:((?:19|20)\d{2})\s*年\s*)?(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def check_draft(draft: Draft, md: Metadata, rules: Rules) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(draft, md, rules))
    return tuple(findings)


def finding(rules: Rules, code: str, detail: str, evidence: str, location: str) -> Finding:
    message = rules.messages.get(code, "{detail}").format(detail=detail)
    return Finding(code, rules.severity.get(code, "fix"), message, evidence, location)


def _text_blocks(draft: Draft) -> Iterator[Block]:
    """Every block with text, whatever part of the file it stands in — except the echo of a tracked insertion,
    whose text is matched in its paragraph already."""
    return (b for b in draft.blocks if b.text.strip() and b.part not in ECHO_PARTS)


def _typed_blocks(draft: Draft) -> Iterator[Block]:
    """The text blocks the office typed: not the text OCR read from a picture inside the file, which is
    checked for marks and personal values but is no evidence of a garble, a wrong date or an obligation."""
    return (b for b in _text_blocks(draft) if b.part != "picture")


# ------------------------------------------------------------------ block
def check_no_text(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    if not draft.no_text_reason:
        return []
    where = f"共{draft.pages}页" if draft.pages else "全文"
    return [finding(rules, "NO_TEXT", draft.no_text_reason, "（无可提取的文字）", where)]


def check_ocr(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    """Text recognised from a scan is checked in full, and the draft stays NO_TEXT: published only after a
    recorded manual check of the original (OCR misreads, and cannot see seals or handwriting)."""
    if not draft.ocr_pages:
        return []
    where = "图片" if draft.format == "image" else f"PDF 第{'、'.join(map(str, draft.ocr_pages))}页"
    detail = f"{where}没有文字层，文字为识别自扫描件（OCR），可能有误"
    return [finding(rules, "NO_TEXT", detail, OCR_EVIDENCE, f"{where}（识别自扫描件）")]


def check_secret(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    hit = secrecy_hit(draft, rules)
    if not hit:
        return []
    block, level, period, evidence = hit
    detail = level + (f"★{period}" if period else "")
    return [finding(rules, "SECRET", detail, evidence, block.location)]


def check_not_public(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    out = []
    for block in _text_blocks(draft):
        flat = squeeze(block.text)
        note = next((n for n in rules.not_public_notes if n in flat), None)
        if note and not any(p in flat for p in rules.public_notes):
            out.append(finding(rules, "NOT_PUBLIC", note, tidy(block.text), block.location))
            continue
        short = len(flat.strip("（）()【】[]")) <= rules.marker_max_chars or block.kind in ("header", "footer", "aside")
        marker = _marker(flat, rules) if short else None
        if marker:
            out.append(finding(rules, "NOT_PUBLIC", marker, tidy(block.text), block.location))
    return out[:1] + [f for f in out[1:] if f.evidence != out[0].evidence]


def _marker(flat: str, rules: Rules) -> str | None:
    """An internal-use stamp (内部资料, 不得公开 …) — not a section heading (三、不得公开的事项) or a phrase
    that merely names it (不得公开的事项)."""
    if rules.not_public_heading.search(flat):
        return None
    for m in rules.not_public_markers:
        at = flat.find(m)
        if at >= 0 and not flat[at + len(m):].startswith("的"):
            return m
    return None


def check_unchecked(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    """A part the file carries but the reader could not read (an embedded .bin object, an attachment of an
    unknown type): it is never ignored."""
    return [finding(rules, "UNCHECKED_PART", f"{u.location}：{u.reason}", u.location, u.location)
            for u in draft.unchecked]


# ------------------------------------------------------------------ personal data
def check_pii(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    seen: dict[tuple[str, str], int] = {}
    out: list[Finding] = []
    for block, text in _pii_pieces(draft):
        for code, s, e in pii_spans(text, rules):
            value = text[s:e]
            key = (code, value if code == "PII_NAME" else re.sub(r"\D", "", value))
            if key in seen:
                prev = out[seen[key]]
                if block.location not in prev.location.split("、"):
                    out[seen[key]] = Finding(prev.code, prev.severity, prev.message, prev.evidence,
                                             f"{prev.location}、{block.location}")
                continue
            seen[key] = len(out)
            out.append(finding(rules, code, mask(value, code), value, block.location))
    return out


TABLE_OF = re.compile(r"^(表\d+)第(\d+)行")


def _pii_pieces(draft: Draft) -> Iterator[tuple[Block, str]]:
    """The texts to look for personal numbers in: a paragraph whole; a table row cell by cell, each cell
    preceded by its labels — the column's header (the table's first row) and the cell to its left — so
    that a 学号 column of 11-digit numbers is read as student numbers."""
    headers: dict[str, tuple[str, ...]] = {}
    for block in _text_blocks(draft):
        m = TABLE_OF.match(block.location) if block.kind == "row" and block.cells else None
        if not m:
            yield block, block.text
            continue
        if m[2] == "1":
            headers[m[1]] = block.cells
        header = headers.get(m[1], ()) if m[2] != "1" else ()
        for k, cell in enumerate(block.cells):
            labels = [header[k] if k < len(header) else "", block.cells[k - 1] if k else ""]
            context = " ".join(squeeze(t) for t in labels if t and len(squeeze(t)) <= 10)
            yield block, f"{context} {cell}" if context else cell


# ------------------------------------------------------------------ procedure obligations
def covered_starts(text: str, word: str, exceptions: tuple[str, ...]) -> frozenset[int]:
    """The starts of `word` in text that an exception phrase (correct Chinese containing the word) spans.
    Linear in the text: each exception is found once, and the word's offsets inside it are fixed
    (a document repeating 稳固 32,000 times costs one pass per exception, not one per hit)."""
    out: set[int] = set()
    for ex in exceptions:
        offsets = [i for i in range(len(ex) - len(word) + 1) if ex.startswith(word, i)]
        if not offsets or ex not in text:
            continue
        at = text.find(ex)
        while at >= 0:
            out.update(at + o for o in offsets)
            at = text.find(ex, at + 1)
    return frozenset(out)


def _starts(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


CLAUSE_END = "，,。；;：:！!？?\n"


def _first_word(text: str, words: tuple[str, ...], exceptions: tuple[str, ...],
                cues: tuple[str, ...] = ()) -> tuple[str, int] | None:
    """The earliest word of `words` in text that no exception covers and whose clause has no mention cue."""
    best: tuple[str, int] | None = None
    for w in words:
        if w not in text:
            continue
        covered = covered_starts(text, w, exceptions)
        at = next((a for a in _starts(text, w) if a not in covered and not _mentioned(text, a, len(w), cues)), None)
        if at is not None and (best is None or at < best[1]):
            best = (w, at)
    return best


def _mentioned(text: str, start: int, length: int, cues: tuple[str, ...], reach: int = 16) -> bool:
    """The hit refers to a decision made elsewhere: a cue (落实, 学习 …) stands shortly before it in the
    same clause — 统筹落实市、区两级涉及社区发展的重大决策 — or just after it (重大决策的贯彻)."""
    if not cues:
        return False
    lo = max((text.rfind(c, 0, start) for c in CLAUSE_END), default=-1) + 1
    his = [i for i in (text.find(c, start + length) for c in CLAUSE_END) if i >= 0]
    before = text[max(lo, start - reach): start]
    after = text[start + length: min([*his, start + length + 4])]
    return any(c in before or c in after for c in cues)


def is_speech(draft: Draft, title: str | None, rules: Rules) -> bool:
    """A speech or study material: it opens (in its first lines) by addressing an audience (同志们：,
    尊敬的各位领导：) or its title says so.
    Such a text decides nothing itself."""
    head = [squeeze(b.text) for b in draft.blocks if b.kind in ("para", "page") and b.text.strip()][:3]
    opens = any(t.startswith(rules.speech_openings) for t in head if t not in squeeze(title or "") or not title)
    return opens or any(w in squeeze(title or "") for w in rules.speech_titles)


def _obligation_hit(ob: Obligation, draft: Draft, md: Metadata, rules: Rules) -> tuple[str, Block] | None:
    blocks = list(_typed_blocks(draft))
    if ob.own_decision and is_speech(draft, md.title, rules):
        title = squeeze(md.title or "")
        blocks = [b for b in blocks if title and squeeze(b.text) and squeeze(b.text) in title][:1]
    for block in blocks:
        flat = squeeze(block.text)
        hit = _first_word(flat, ob.words, ob.exceptions, ob.mention_cues)
        if hit:
            return _snippet(flat, hit[1], len(hit[0])), block
        for p in ob.patterns:
            m = p.search(flat)
            if m:
                return m[0], block
    return _all_of_hit(ob, blocks) if ob.all_of else None


def _all_of_hit(ob: Obligation, blocks: list[Block], window: int = 4) -> tuple[str, Block] | None:
    """Every group's word near a first-group word: in its paragraph or the next three, where the draft
    goes on about that decision."""
    flats = [squeeze(b.text) for b in blocks]
    for i, flat in enumerate(flats):
        hit = _first_word(flat, ob.all_of[0], ob.exceptions, ob.mention_cues)
        first = hit[0] if hit else None
        if first is None:
            continue
        near = flats[i:i + window]
        rest = [next((w for w in group for t in near if w in t), None) for group in ob.all_of[1:]]
        if None not in rest:
            return "、".join([first, *rest]), blocks[i]
    return None


def _snippet(text: str, start: int, length: int, pad: int = 6) -> str:
    return text[max(0, start - pad): start + length + pad]


def check_obligations(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    out = []
    for ob in rules.obligations:
        hit = _obligation_hit(ob, draft, md, rules)
        if hit:
            evidence, block = hit
            out.append(finding(rules, ob.code, ob.label, evidence, block.location))
    return out


# ------------------------------------------------------------------ quality
def check_missing_fields(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    if md.application is None:
        return []
    labels = application_labels(draft, rules)
    out = []
    for label in rules.application_required:
        value = getattr(md.application, rules.application_fields[label])
        if not value or not squeeze(value):
            block = labels.get(label)
            out.append(finding(rules, "MISSING_FIELD", label, f"{label}：（空）", block.location if block else "申请表"))
    return out


def _garble_hits(g: Garble, text: str) -> list[int]:
    if g.wrong not in text:  # the common case
        return []
    covered = covered_starts(text, g.wrong, g.exceptions)
    return [a for a in _starts(text, g.wrong) if a not in covered]


def check_garbles(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    """Synonym-swap garbles. An unambiguous swap (原那么, 效劳大局) is reported on its own; an ambiguous one
    (稳固, 根本要求: correct Chinese too) only in a document that already shows an unambiguous swap. A hit
    inside a longer garble's hit (效劳 in 效劳大局) is that garble's."""
    texts = [(b, squeeze(b.text)) for b in _typed_blocks(draft)]
    hits: list[tuple[Garble, list[tuple[Block, str, int]]]] = []
    owner: dict[int, list[int]] = {}  # block index → for each character, the reported hit covering it (0: none)
    serial = 0
    for g in sorted(rules.garbles, key=lambda g: -len(g.wrong)):
        places = []
        for i, (block, text) in enumerate(texts):
            found = _garble_hits(g, text)
            marks = owner.setdefault(i, [0] * len(text)) if found else []
            for pos in found:
                end = pos + len(g.wrong) - 1
                if marks[pos] and marks[pos] == marks[end]:
                    continue  # inside a longer hit already reported
                serial += 1
                marks[pos:end + 1] = [serial] * len(g.wrong)
                places.append((block, text, pos))
        if places:
            hits.append((g, places))
    if not any(not g.ambiguous for g, _ in hits):
        return []  # only words that are correct Chinese as well: no evidence of a conversion
    order = {g.wrong: k for k, g in enumerate(rules.garbles)}
    out = []
    for g, places in sorted(hits, key=lambda h: order[h[0].wrong]):
        block, text, pos = places[0]
        where = "、".join(dict.fromkeys(b.location for b, _, _ in places))
        detail = f"{g.wrong}”应为“{g.right}"
        out.append(finding(rules, "GARBLE", detail, _snippet(text, pos, len(g.wrong)), where))
    return out


def check_bad_dates(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    out = []
    for block in _typed_blocks(draft):
        # spaces kept: a statistics row "30 1 0 0 0 0 31年" (本年度 split by the PDF layer) is not 301000031年
        text = tidy(block.text)
        bad = [m for p in rules.bad_date for m in p.finditer(text)]
        bad += [m for m in MONTH_DAY.finditer(text) if _impossible(m)] + impossible_cn_dates(text)
        for m in sorted(bad, key=lambda m: m.start()):
            out.append(finding(rules, "BAD_DATE", squeeze(m[0]), _snippet(text, m.start(), len(m[0])), block.location))
    return out


def _impossible(m: re.Match[str]) -> bool:
    month, day = int(m[2]), int(m[3])
    year = int(m[1]) if m[1] else 2024  # a leap year: 2月29日 without a year is possible
    return 1 <= month <= 12 and iso_date(year, month, day) is None


def check_hidden_parts(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    """One finding per kind of hidden place that holds text: comments, tracked changes, hidden text and the
    free-text document properties. Its own contents are checked like the body by the other checks."""
    out = []
    for part in HIDDEN_PARTS:
        places = [b for b in draft.blocks if b.part == part and b.text.strip() and _counts(b, rules)]
        if not places:
            continue
        where = list(dict.fromkeys(b.location for b in places))
        location = "、".join(where[:6]) + (f" 等{len(where)}处" if len(where) > 6 else "")
        evidence = mask_pii(tidy(places[0].text), rules)
        evidence = evidence[:40] + ("……" if len(evidence) > 40 else "")
        out.append(finding(rules, "HIDDEN_PART", f"{PARTS[part]}（{len(where)}处）", evidence, location))
    return out


def _counts(block: Block, rules: Rules) -> bool:
    if block.part != "property":
        return True
    name = block.location.split("·", 1)[-1]
    return (name.startswith(rules.hidden_properties) and block.text.strip() not in rules.hidden_ignore
            and CJK.search(block.text) is not None)


def check_docno(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    normalized, where = find_docno(draft, rules)
    if not normalized or not where:
        return []
    block, raw = where
    if squeeze(raw) == normalized:
        return []
    if block.location.endswith(OCR_EVIDENCE) and squeeze(raw).translate(_AS_HEXAGONAL) == normalized:
        return []  # OCR reads 〔〕 as （） or []: the brackets of a scan are not evidence of a wrong 文号
    return [finding(rules, "DOCNO_FORMAT", normalized, raw, block.location)]


_AS_HEXAGONAL = str.maketrans({"（": "〔", "(": "〔", "[": "〔", "【": "〔", "［": "〔", "）": "〕", ")": "〕", "]": "〕", "】": "〕", "］": "〕"})


def check_scope(draft: Draft, md: Metadata, rules: Rules) -> list[Finding]:
    """An application's 公开范围 that disagrees with the 附注 (（此件党内公开） but 面向社会 …)."""
    from ..scope import conflict

    if md.application is None:
        return []
    detail = conflict(md.disclosure_note, md.application.scope, rules)
    if not detail:
        return []
    labels = application_labels(draft, rules)
    block = labels.get("公开范围")
    return [finding(rules, "SCOPE_CONFLICT", detail, f"公开范围：{md.application.scope}；附注：{md.disclosure_note}",
                    block.location if block else "申请表")]


CHECKS: tuple[Callable[[Draft, Metadata, Rules], list[Finding]], ...] = (
    check_no_text, check_ocr, check_unchecked, check_secret, check_not_public, check_pii, check_obligations,
    check_missing_fields, check_scope, check_garbles, check_bad_dates, check_docno, check_hidden_parts,
)
