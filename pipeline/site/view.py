"""What the public column may show — the site's door to the one public view (pipeline/public.py).

Every text that goes into site/public passes `shown`; every public item page's content comes from
`public_copy`, the re-checked 公开稿 of the current version recorded in the ledger; which items may go
outside at all is the scope policy's (pipeline/scope.py). No masking of its own here."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from ..ledger import Ledger
from ..model import Item
from ..public import PublicView, view
from ..rules import Rules
from ..scope import scope_of
from ..workspace import Settings


def public_view(settings: Settings, rules: Rules) -> PublicView:
    return view(settings, rules)


def shown(text: str | None, pv: PublicView) -> str:
    """A text as the public may read it: personal numbers and protected names masked."""
    return pv.text(text or "")


def leaks(text: str, pv: PublicView) -> bool:
    """True when text still holds a raw personal number (the build's last guard on public/)."""
    return pv.has_pii(text)


def party_only(item: Item, rules: Rules) -> bool:
    """（此件党内公开）, （此件发至…）, or an application whose 公开范围 stays inside: never outside."""
    return not scope_of(item.report, rules).outside


def scope_text(item: Item, rules: Rules) -> str:
    return scope_of(item.report, rules).text


@lru_cache(maxsize=8)
def _fingerprint(patterns: str) -> str:
    return hashlib.sha256(patterns.encode("utf-8")).hexdigest()[:16]


def fingerprint(pv: PublicView) -> str:
    """Changes whenever the personal-information patterns or masks change (a cached verdict is then void)."""
    return _fingerprint(repr((sorted((k, getattr(v, "pattern", str(v))) for k, v in pv.rules.pii.items()), pv.masks)))


def public_copy(settings: Settings, ledger: Ledger, item: Item) -> Path | None:
    """The re-checked 公开稿 of the current version, as the ledger records it; None when there is none or it
    failed its re-check (then the public page shows no content)."""
    art = ledger.artifact(item.id, item.version, "redacted")
    if art is None or art.status != "ok":
        return None
    path = settings.root / art.path
    return path if path.is_file() else None


def original(settings: Settings, ledger: Ledger, item: Item) -> Path | None:
    path = settings.root / ledger.archived_path(item.id, item.version)
    return path if path.is_file() else None
