"""The public view: the one policy for what a shared or published artifact may show.

Everything written into outbox/ (the 公开稿, notices, the approval form, the check report JSON, the
catalogue and reports, folder and file names) and what `show` prints goes through a PublicView; the
raw evidence stays in the ledger (`gongkai show --raw` for the liaison).

API (stable, used by documents, reports, the CLI and the intranet site):

    view = public.view(settings, rules)       # rules optional: loaded (cached) from settings
    view.text("来信人赵建国，电话13857162044")    # → "来信人赵**，电话138****2044"
    view.name(title, 30)                      # a file/folder name component, masked and safe
    view.finding(f) / view.report(r)          # the same dataclasses, every personal value masked
    view.report_json(r)                       # the check report as written to outbox/
    view.item(item)                           # title, file, report and event comments masked
    view.deep(obj)                            # any dict/list/str structure (a template context)
    public.reader_text(code) / CODE_NAMES     # Chinese names of rule codes (readers never see codes)

Masks come from gongkai.toml [masks] (model.Masks; defaults: mobile 138****2044, ID
330106********3414, bank card last 4, name 赵**).
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .model import CODE_NAMES, DEFAULT_MASKS, Event, Finding, Item, Masks, Report
from .rules import Rules, load_rules
from .rules.pii import has_pii, mask, mask_pii

PII_CODES = ("PII_ID", "PII_PHONE", "PII_BANK", "PII_NAME")
# keys whose values are identifiers, never personal text (a sha256 may look like digits of a mobile)
RAW_KEYS = frozenset({"sha256", "item_id", "id", "code", "severity", "kind", "status", "format"})


@dataclass(frozen=True)
class PublicView:
    rules: Rules
    masks: Masks = DEFAULT_MASKS

    def text(self, value: str | None) -> str:
        """value with every ID, mobile, bank number and protected name masked (same length)."""
        return mask_pii(value, self.rules, self.masks) if value else (value or "")

    def has_pii(self, value: str | None) -> bool:
        return bool(value) and has_pii(value or "", self.rules)

    def name(self, text: str | None, max_len: int = 40) -> str:
        from .render import safe_name

        # "*" is not allowed in Windows file names: the full-width ＊ shows the same
        return safe_name(self.text(text or "").replace("*", "＊"), max_len)

    def deep(self, value: Any, key: str | None = None) -> Any:
        """Every string inside value (dicts, lists, tuples, dataclasses) masked; identifiers kept."""
        if isinstance(value, str):
            return value if key in RAW_KEYS else self.text(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self.deep(dataclasses.asdict(value))
        if isinstance(value, dict):
            return {k: self.deep(v, str(k)) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.deep(v, key) for v in value]
        return value

    def finding(self, f: Finding) -> Finding:
        if f.code in PII_CODES:  # the message quotes the value: rebuild it with the configured mask
            shown = mask(f.evidence, f.code, self.masks)
            template = self.rules.messages.get(f.code, "{detail}")
            return replace(f, evidence=shown, message=template.format(detail=shown))
        return replace(f, evidence=self.text(f.evidence), message=self.text(f.message))

    def report_json(self, r: Report) -> dict[str, Any]:
        d = r.to_json()
        findings = d.get("findings")
        d = self.deep({k: v for k, v in d.items() if k != "findings"})
        d["findings"] = None if findings is None else [dataclasses.asdict(self.finding(f)) for f in r.findings]
        return {k: d[k] for k in r.to_json()}  # the spec's key order

    def report(self, r: Report) -> Report:
        return Report.from_json(self.report_json(r))

    def item(self, item: Item) -> Item:
        events = tuple(replace(e, comment=self.text(e.comment) if e.comment else e.comment,
                               action=self.text(e.action)) for e in item.events)
        return replace(item, title=self.text(item.title) if item.title else item.title,
                       file=self.text(item.file), report=self.report(item.report), events=events)

    def event(self, e: Event) -> Event:
        return replace(e, comment=self.text(e.comment) if e.comment else e.comment)


def reader_text(code: str) -> str:
    """The Chinese a reader sees for a rule code (涉密, 个人手机号码 …)."""
    return CODE_NAMES.get(code, "其他问题")


def view(settings, rules: Rules | None = None) -> PublicView:
    """The public view of a workspace: its masks and its rules (loaded once per rules file)."""
    return PublicView(rules if rules is not None else _rules_for(settings.rules_file), settings.masks)


def _rules_for(path: Path | None) -> Rules:
    stamp = path.stat().st_mtime_ns if path is not None and path.is_file() else None
    return _cached_rules(str(path) if path else "", stamp)


@functools.lru_cache(maxsize=4)
def _cached_rules(path: str, stamp: int | None) -> Rules:
    return load_rules(Path(path) if path else None)
