"""Personal values: resident IDs (GB 11643, through python-stdnum), mobiles, bank cards (Luhn) and the
names the office protects — found (pii_spans, has_pii) and masked (mask, mask_pii). The checker, the
public view and the 公开稿 all use these, so what is found and what is masked never differ."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from ..model import DEFAULT_MASKS, Masks
from ..textutil import iso_date
from . import Rules


def id_valid(number: str) -> bool:
    """GB 11643. 18 characters: python-stdnum's cn.ric for the check character and the birth date, and a
    region code its table knows (in any period: a person born before a county got its code was issued the
    code in use then, which stdnum's birth-year comparison would reject). 15 digits (the legacy ID): a real
    birth date in 19YY."""
    n = number.upper()
    if len(n) == 15:
        return n.isdigit() and iso_date(1900 + int(n[6:8]), int(n[8:10]), int(n[10:12])) is not None
    if len(n) != 18 or not n[:17].isdigit():
        return False
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    try:
        if ric.calc_check_digit(n) != n[17]:
            return False
        ric.get_birth_date(n)
    except ValidationError:
        return False
    return _known_region(n[:6])


@lru_cache(maxsize=4096)
def _known_region(code: str) -> bool:
    from stdnum import numdb

    return any("county" in props for _, props in numdb.get("cn/loc").info(code))


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0 and len(set(digits)) > 2


def pii_spans(text: str, rules: Rules) -> list[tuple[str, int, int]]:
    """(code, start, end) of every ID, mobile, bank number and protected name in text, without overlaps.
    Used by the checker, the public view and the 公开稿."""
    spans: list[tuple[str, int, int]] = []
    for code, s, e in _candidates(text, rules):
        if all(e <= a or s >= b for _, a, b in spans):
            spans.append((code, s, e))
    return sorted(spans, key=lambda s: s[1])


def has_pii(text: str, rules: Rules) -> bool:
    """Whether text holds any ID, mobile, bank number or protected name: pii_spans(text) != [], stopping at
    the first valid one (the overlap rule of pii_spans only ever drops a candidate when a span exists)."""
    return next(_candidates(text, rules), None) is not None


def _candidates(text: str, rules: Rules) -> Iterator[tuple[str, int, int]]:
    """Every valid personal value in text, by kind in order of precedence (IDs, bank cards, mobiles, names);
    they may overlap. An ID or a card written in groups (510102 19800101 1233, 6222 0212 3456 7890 128)
    is validated on its digits."""
    for key in ("id18", "id15"):
        for m in rules.pii[key].finditer(text):
            if id_valid(SEPARATORS.sub("", m[0])):
                yield "PII_ID", m.start(), m.end()
    for m in rules.pii["bank"].finditer(text):
        end = m.end()
        if not _card(m[0]) and m.groupdict().get("tail"):  # 6222 … 7890 12月: the card without the tail
            end = m.start("tail")
        if _card(text[m.start():end]):
            yield "PII_BANK", m.start(), end
    for m in rules.pii["mobile"].finditer(text):
        if not _labelled_otherwise(text, m.start(), rules):
            yield "PII_PHONE", m.start(), m.end()
    for m in rules.pii_name.finditer(text):
        name = _trim_name(m["name"], text[m.start("name"):m.start("name") + 8], rules.pii_name_stops)
        if len(name) >= 2:
            yield "PII_NAME", m.start("name"), m.start("name") + len(name)


SEPARATORS = re.compile(r"[\s-]")


def _card(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return 16 <= len(digits) <= 19 and luhn_valid(digits)


def _labelled_otherwise(text: str, start: int, rules: Rules) -> bool:
    """A number labelled 学号 / 工号 / 编号 … just before it is that number, not a mobile — unless a phone
    label (电话, 手机, Tel …) stands nearer to it."""
    window = text[max(0, start - rules.pii_label_window): start]
    other = max((window.rfind(w) for w in rules.pii_not_phone_labels), default=-1)
    if other < 0:
        return False
    phone = max((window.rfind(w) for w in rules.pii_phone_labels), default=-1)
    return phone < other


def _trim_name(name: str, window: str, stops: tuple[str, ...]) -> str:
    """赵建国反映 → 赵建国; 表示满意 never gets here (表 is no surname), but 王某称 → 王某."""
    for i in range(1, len(name)):
        if window[i:].startswith(stops):
            return name[:i]
    return name


MASK_KEEP = {"PII_PHONE": "mobile", "PII_ID": "id", "PII_BANK": "bank"}


def mask(value: str, code: str | None = None, masks: Masks = DEFAULT_MASKS) -> str:
    """A personal value as the public sees it: mobile 138****2044, ID 330106********3414, bank card
    last 4, name 赵** (masks from gongkai.toml). Separators stay where they were."""
    if code == "PII_NAME":
        keep = max(0, masks.name)
        return value[:keep] + masks.char * max(0, len(value) - keep)
    code = code or _guess_code(value)
    head, tail = getattr(masks, MASK_KEEP.get(code, "id"))
    chars = [i for i, c in enumerate(value) if c.isalnum()]
    if code == "PII_PHONE" and len(chars) > 11:  # +86 / 0086: the country code stays, the number is masked
        chars = chars[len(chars) - 11:]
    keep = set(chars[:head]) | set(chars[len(chars) - tail:] if tail else ())
    return "".join(c if (i in keep or i not in set(chars)) else masks.char for i, c in enumerate(value))


def _guess_code(value: str) -> str:
    digits = re.sub(r"[^0-9Xx]", "", value)
    if len(digits) in (15, 18) and id_valid(digits):
        return "PII_ID"
    return "PII_PHONE" if len(digits) <= 13 else "PII_BANK"


def mask_pii(text: str, rules: Rules, masks: Masks = DEFAULT_MASKS) -> str:
    """text with every personal value masked in place (same length, same layout)."""
    for code, s, e in reversed(pii_spans(text, rules)):
        text = text[:s] + mask(text[s:e], code, masks) + text[e:]
    return text
