"""Small text helpers shared by extraction and the rules: dates, document numbers, whitespace."""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "О": 0, "O": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUM = "〇○零ＯОO一二三四五六七八九十"
ARABIC_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CN_DATE = re.compile(rf"([{CN_NUM}]{{4}})\s*年\s*([{CN_NUM}]{{1,3}})\s*月\s*([{CN_NUM}]{{1,3}})\s*日")
DASH_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
SPACES = re.compile(r"[\s\u3000\u00a0\u2002\u2003\u200b]+")
PUNCT_EDGE = "（）()“”\"'《》 :：，,。.;；"


# Characters a reader drops: zero-width and bidi marks, soft hyphen, BOM, C0/C1 controls (tab and line breaks
# kept), the noncharacters U+FFFE/U+FFFF that some PDF text layers yield, lone surrogates.
_DROP = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e"
                   "\u2060-\u2064\ufeff\ufffe\uffff\ud800-\udfff]")
# Full-width punctuation stays as typed (（此件不公开）, 〔2023〕, ：); everything else is NFKC-folded:
# full-width digits and letters, the ideographic space, circled and compatibility forms.
_KEEP = frozenset(chr(c) for c in [*range(0xFF01, 0xFF10), *range(0xFF1A, 0xFF21), *range(0xFF3B, 0xFF41),
                                   *range(0xFF5B, 0xFF66)])


def clean(text: str) -> str:
    """What every reader does to text before a Block is made: NFKC (except full-width punctuation), the
    ideographic space as a space, zero-width and control characters removed. １３８　５７１６ becomes 138 5716."""
    return fold_map(text)[0]


def fold_map(text: str) -> tuple[str, list[int]]:
    """clean(text), and for each character of it the index in `text` it came from (to map a match in the
    folded text back onto the original, as the 公开稿 does)."""
    if text.isascii() and not _DROP.search(text):
        return text, list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if _DROP.match(ch):
            continue
        folded = ch if ch in _KEEP or ch.isascii() else unicodedata.normalize("NFKC", ch)
        if ch == "\u3000":
            folded = " "
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")  # typed in WPS full-width mode


@lru_cache(maxsize=8192)  # the checks squeeze the same block texts many times over
def squeeze(text: str) -> str:
    """Remove all whitespace: CJK text carries no meaning in spaces (的 通 知, NBSP, line breaks).
    Full-width digits become ASCII: ２０２３年９月１２日 is 2023年9月12日."""
    return SPACES.sub("", text).translate(FULL_WIDTH_DIGITS)


@lru_cache(maxsize=8192)
def tidy(text: str) -> str:
    """Collapse whitespace runs into one space and trim; full-width digits become ASCII."""
    return SPACES.sub(" ", text).strip().translate(FULL_WIDTH_DIGITS)


def cn_number(s: str) -> int | None:
    """二〇二三 → 2023 (digit by digit); 十二 → 12, 二十八 → 28, 三十一 → 31."""
    if "十" not in s:
        digits = [CN_DIGITS.get(ch) for ch in s]
        return None if None in digits else int("".join(str(d) for d in digits))
    head, _, tail = s.partition("十")
    tens = CN_DIGITS.get(head, None) if head else 1
    ones = CN_DIGITS.get(tail, None) if tail else 0
    return None if tens is None or ones is None else tens * 10 + ones


def iso_date(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[str, int, int]]:
    """All valid dates in text as (iso, start, end), in order."""
    out = []
    for m in ARABIC_DATE.finditer(text):
        iso = iso_date(int(m[1]), int(m[2]), int(m[3]))
        if iso:
            out.append((iso, m.start(), m.end()))
    for m in CN_DATE.finditer(text):
        parts = [cn_number(g) for g in m.groups()]
        if None not in parts:
            iso = iso_date(*parts)  # type: ignore[arg-type]
            if iso:
                out.append((iso, m.start(), m.end()))
    for m in DASH_DATE.finditer(text):
        iso = iso_date(int(m[1]), int(m[2]), int(m[3]))
        if iso:
            out.append((iso, m.start(), m.end()))
    return sorted(out, key=lambda t: t[1])


def impossible_cn_dates(text: str) -> list[re.Match[str]]:
    """Dates in Chinese numerals that do not exist: 二〇二三年二月三十日."""
    out = []
    for m in CN_DATE.finditer(text):
        parts = [cn_number(g) for g in m.groups()]
        if None not in parts and 1 <= parts[1] <= 12 and iso_date(*parts) is None:  # type: ignore[arg-type]
            out.append(m)
    return out


def date_only(text: str) -> str | None:
    """The ISO date when the whole text is a date (a 成文日期 line), else None."""
    t = squeeze(text).strip(PUNCT_EDGE)
    found = find_dates(t)
    if len(found) == 1 and found[0][1] == 0 and found[0][2] >= len(t) - 1:
        return found[0][0]
    return None


def normalize_docno(prefix: str, year: str, number: str) -> str:
    return f"{prefix}〔{year}〕{int(number)}号"
