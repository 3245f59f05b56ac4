"""The scope policy: how far a document may be disclosed, read from the document itself.

- （此件党内公开） — inside the Party only: never outside.
- （此件发至…） — only as far as it names (a distribution list inside the Party): never outside.
- an application's 公开范围 governs too: without any outside word (党外, 社会, 公众 …) it stays inside.
- where the application's 公开范围 and the 附注 disagree, the smaller scope wins (and the checker reports
  SCOPE_CONFLICT).

`scope_of(report, rules)` is used by the workflow gate (outside publication) and by the documents
(what the form and the notices say)."""
from __future__ import annotations

from dataclasses import dataclass

from .model import Report
from .rules import Rules
from .textutil import squeeze


@dataclass(frozen=True)
class Scope:
    outside: bool  # may it be disclosed outside the Party at all
    text: str  # what the form and notices print: 党内 / 党内、党外 / 限…
    reason: str | None = None  # why not outside, in Chinese (for the refusal)


def note_scope(note: str | None, rules: Rules) -> str | None:
    """"inside" / "limited" / "outside" for a 附注, None when it says nothing about scope."""
    flat = squeeze(note or "")
    if any(n in flat for n in rules.scope["inside_notes"]):
        return "inside"
    if any(flat.startswith(n) for n in rules.scope["limit_notes"]):
        return "limited"
    if any(n in flat for n in rules.scope["outside_notes"]):
        return "outside"
    return None


def application_outside(scope_text: str | None, rules: Rules) -> bool | None:
    """Does an application's 公开范围 reach outside the Party? None when the field is empty."""
    flat = squeeze(scope_text or "")
    if not flat:
        return None
    return any(w in flat for w in rules.scope["outside_words"])


def scope_of(report: Report, rules: Rules) -> Scope:
    md = report.metadata
    note = md.disclosure_note if md else None
    app_scope = md.application.scope if md and md.application else None
    kind = note_scope(note, rules)
    if kind == "inside":
        return Scope(False, "党内（此件党内公开）", f"文件附注为（{note}），只能在党内公开，不能对党外公开。")
    if kind == "limited":
        where = squeeze(note or "")[len("此件发至"):] or "所列范围"
        return Scope(False, f"限{where}（{note}）",
                     f"文件附注为（{note}），只能在所列范围内公开，不能对党外公开。")
    if application_outside(app_scope, rules) is False:
        return Scope(False, f"党内（申请表：{app_scope}）",
                     f"申请表的公开范围为“{app_scope}”，不含党外，不能对党外公开。")
    if app_scope:
        return Scope(True, app_scope)
    return Scope(True, "先党内、后党外" if "INSIDE_FIRST" in report.codes else "党内、党外")


def conflict(note: str | None, app_scope: str | None, rules: Rules) -> str | None:
    """The detail of a SCOPE_CONFLICT finding, or None when the 附注 and the 公开范围 agree."""
    kind, outside = note_scope(note, rules), application_outside(app_scope, rules)
    if kind is None or outside is None:
        return None
    if kind in ("inside", "limited") and outside:
        return f"附注“{note}”只限党内，公开范围“{app_scope}”包括党外"
    if kind == "outside" and not outside:
        return f"附注“{note}”面向社会，公开范围“{app_scope}”只在党内"
    return None
