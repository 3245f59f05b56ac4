"""The pages of one column, as {relative path: Lazy page}. Templates are data (templates/*.html) shipped with
gongkai, rendered by Jinja with autoescape and StrictUndefined: every value is escaped, so a title with
<script> shows as text; only the sanitised content fragment is marked safe. Unlike the office-editable .docx
templates (render.py), these are not user input, so no sandbox: its attribute checks were half the time of
a 1,000-row catalogue page."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from hashlib import sha256
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from ..render import cn_date
from ..rules import Rules
from ..workspace import Settings
from .collect import COLUMN_NAMES, Entry, today_open
from .status import Status

TEMPLATES = Path(__file__).parent / "templates"
FEEDBACK_MARK = "<!--gongkai:feedback-form-->"  # gongkai serve puts the opinion form here
ACCOUNT_MARK = "<!--gongkai:account-->"  # and, on inside pages, who is logged in with a logout button
STATUS_PAGE = "工作台.html"
LATEST = 20


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["cn_date"] = cn_date
    env.filters["nobr"] = _nobr
    env.filters["url"] = lambda s: quote(str(s))
    return env


def _nobr(value: object):
    """A date or number that a narrow screen must not break in the middle (2026年11 / 月12日)."""
    from markupsafe import Markup

    return Markup('<span class="nobr">%s</span>') % value if value else value


@dataclass(frozen=True)
class Lazy:
    """A page rendered only when its inputs changed: `key` fingerprints everything the template reads."""
    key: str
    make: Callable[[], bytes]


@dataclass(frozen=True)
class Nav:
    code: int
    name: str
    count: int


def _render(name: str, **ctx) -> bytes:
    return environment().get_template(name).render(**ctx).encode("utf-8")


@lru_cache(maxsize=1)
def templates_fingerprint() -> str:
    """Changes when any template or the stylesheet changes: a new gongkai version rewrites every page."""
    h = sha256()
    for path in sorted(TEMPLATES.iterdir()):
        h.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return h.hexdigest()


def _inputs(value: object, keys: dict[int, str]) -> object:
    """What a page's context is made of, with every entry replaced by its fingerprint (computed once)."""
    if isinstance(value, Entry):
        return keys[id(value)]
    if isinstance(value, (list, tuple)):
        return tuple(_inputs(v, keys) for v in value)
    if isinstance(value, dict):
        return tuple((k, _inputs(v, keys)) for k, v in sorted(value.items()))
    return repr(value)


def _page(keys: dict[int, str], shared: str, base: dict, name: str, **ctx) -> Lazy:
    """A page rendered only when its inputs (template, shared settings, its own context and listed entries)
    changed since the last build."""
    key = sha256(repr((shared, name, _inputs(ctx, keys))).encode("utf-8")).hexdigest()
    return Lazy(f"page:{key}", lambda: _render(name, **base, **ctx))


def column_pages(column: str, entries: list[Entry], settings: Settings, rules: Rules, today: date,
                 status: Status | None = None) -> dict[str, Lazy]:
    counts = Counter(e.category for e in entries)
    # the nav is the same on every page whatever is published: one publish rewrites only the pages it changes
    nav = [Nav(c.code, c.name, counts.get(c.code, 0)) for c in rules.categories] + [Nav(0, "类别待定", counts.get(None, 0))]
    published = sorted((e for e in entries if e.published), key=lambda e: (e.published, e.id), reverse=True)
    years = sorted({e.published[:4] for e in published}, reverse=True)
    base = {"column": column, "column_name": COLUMN_NAMES[column], "org": settings.org, "office": settings.office,
            "nav": nav, "phone": settings.phone, "box": settings.opinion_box, "years": years,
            "supervisors": "、".join(settings.supervisors), "today": today.isoformat(),
            "has_status": status is not None, "status_page": STATUS_PAGE, "account_mark": ACCOUNT_MARK}
    keys = {id(e): sha256(repr(e).encode("utf-8")).hexdigest() for e in entries}
    shared = repr((templates_fingerprint(), _inputs(base, keys)))
    page = partial(_page, keys, shared, base)
    out: dict[str, Lazy] = {
        "index.html": page("home.html", root="", title="首页", latest=published[:LATEST],
                           open=today_open(entries, today), total=len(published)),
        "results.html": page("results.html", root="", title="处理结果公开",
                             items=[e for e in entries if any(o.answer for o in e.opinions)]),
        "catalogue/index.html": page("catalogue_index.html", root="../", title="党务公开目录"),
    }
    for n in nav:
        listed = sorted((e for e in entries if (e.category or 0) == n.code),
                        key=lambda e: (e.published or (e.period.start if e.period else ""), e.id),
                        reverse=True)
        out[f"category/{n.code}.html"] = page("category.html", root="../", title=n.name, cat=n, items=listed)
    for year in years:
        rows = sorted((e for e in published if e.published.startswith(year)), key=lambda e: (e.published, e.id))
        out[f"catalogue/{year}.html"] = page("catalogue.html", root="../", title=f"{year}年党务公开目录",
                                             year=year, items=rows)
    # what an item page reads besides its entry: the nav's names (not its counts) and the column's settings
    item_shared = repr((templates_fingerprint(), _inputs({**base, "nav": [(n.code, n.name) for n in nav]}, keys)))
    for e in entries:
        mark = FEEDBACK_MARK if e.open_for_opinions else ""
        key = sha256(repr((item_shared, keys[id(e)], mark)).encode("utf-8"))
        out[f"items/{e.id}.html"] = Lazy(f"page:{key.hexdigest()}", lambda e=e, mark=mark: _render(
            "item.html", root="../", title=e.title, e=e, content=e.doc.html() if e.doc else "", feedback_mark=mark,
            **base))
    if status is not None:
        out[STATUS_PAGE] = page("status.html", root="", title="领导小组工作台", s=status)
    return out


def status_page(status: Status, settings: Settings, rules: Rules, base: dict | None = None, root: str = "") -> bytes:
    if base is None:
        nav = [Nav(c.code, c.name, 0) for c in rules.categories] + [Nav(0, "类别待定", 0)]
        base = {"column": "inside", "column_name": COLUMN_NAMES["inside"], "org": settings.org,
                "office": settings.office, "nav": nav, "phone": settings.phone, "box": settings.opinion_box,
                "years": [], "supervisors": "、".join(settings.supervisors), "today": status.today,
                "has_status": True, "status_page": STATUS_PAGE, "account_mark": ACCOUNT_MARK}
    return _render("status.html", root=root, title="领导小组工作台", s=status, **base)


def stylesheet() -> bytes:
    return (TEMPLATES / "site.css").read_bytes()
