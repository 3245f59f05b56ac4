"""What the public column may show — the site's one door to the public view.

Every text that goes into site/public passes `shown`; every public item page's content comes from
`public_copy`. Masking is the pipeline's own (rules.engine.mask_pii): no second implementation here.
Which items are limited to the Party is decided by `party_only`."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from ..ledger import Ledger
from ..model import Item
from ..rules import Rules
from ..rules.engine import mask_pii, pii_spans
from ..public import PII_CODES
from ..workspace import Settings

INSIDE_WORDS = ("党内公开", "党内")


def shown(text: str | None, rules: Rules) -> str:
    """A text as the public may read it: personal numbers masked."""
    return mask_pii(text or "", rules)


def leaks(text: str, rules: Rules) -> bool:
    """True when text still holds a raw personal number (the build's last guard on public/)."""
    return bool(pii_spans(text, rules))


@lru_cache(maxsize=8)
def _fingerprint(patterns: str) -> str:
    return hashlib.sha256(patterns.encode("utf-8")).hexdigest()[:16]


def fingerprint(rules: Rules) -> str:
    """Changes whenever the personal-number patterns change (a cached clean verdict is then void)."""
    return _fingerprint(repr(sorted((k, getattr(v, "pattern", str(v))) for k, v in rules.pii.items())))


def party_only(item: Item) -> bool:
    """（此件党内公开）, or an application whose 公开范围 names only the Party: never outside."""
    md = item.report.metadata
    if md is None:
        return False
    if md.disclosure_note and "党内" in md.disclosure_note:
        return True
    scope = md.application.scope if md.application else None
    return bool(scope) and "党内" in scope and not any(w in scope for w in ("党外", "社会", "群众", "全体干部"))


def public_copy(settings: Settings, ledger: Ledger, item: Item) -> Path | None:
    """The document the public column is built from: the re-checked 公开稿 of the current version when
    the item carries personal information (recorded as a ledger artifact), else the archived original.
    None when no such copy exists (then the public page shows no content)."""
    if item.report.codes & set(PII_CODES):
        copy = ledger.artifact(item.id, item.version, "redacted")  # a failed re-check is no copy
        path = settings.root / copy.path if copy is not None and copy.status == "ok" else None
        return path if path and path.is_file() else None
    path = settings.root / ledger.archived_path(item.id, item.version)
    return path if path.is_file() else None


def original(settings: Settings, ledger: Ledger, item: Item) -> Path | None:
    path = settings.root / ledger.archived_path(item.id, item.version)
    return path if path.is_file() else None
