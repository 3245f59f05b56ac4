"""The rules as data: the packaged default.toml, optionally overlaid by the office's own rules file."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..read import Limits
from .timed import compile_rule, strings_in

DEFAULT_RULES = Path(__file__).with_name("default.toml")
CATEGORY_WEIGHTS = {"strong": 3, "word": 1, "title": 6, "opening": 2, "body": 1, "other_baseline": 3, "threshold": 0.3}


@dataclass(frozen=True)
class Obligation:
    code: str
    label: str
    words: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    all_of: tuple[tuple[str, ...], ...]
    exceptions: tuple[str, ...]
    mention_cues: tuple[str, ...] = ()  # a hit whose clause has one of these refers to a decision, is not one
    own_decision: bool = False  # fires only on what this document decides, appoints or announces


@dataclass(frozen=True)
class Garble:
    wrong: str
    right: str
    exceptions: tuple[str, ...]
    ambiguous: bool = False  # also correct Chinese: reported only where an unambiguous swap shows the conversion


@dataclass(frozen=True)
class Category:
    code: int
    name: str
    strong: tuple[str, ...]
    words: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    source: str
    limits: Limits
    severity: dict[str, str]
    messages: dict[str, str]
    secret_mark: re.Pattern[str]
    secret_alone: re.Pattern[str]
    secret_declaration: re.Pattern[str]
    secret_search_blocks: int
    not_public_notes: tuple[str, ...]
    public_notes: tuple[str, ...]
    not_public_markers: tuple[str, ...]
    marker_max_chars: int
    not_public_heading: re.Pattern[str]
    scope: dict[str, tuple[str, ...]]  # inside_notes, limit_notes, outside_notes, outside_words
    pii: dict[str, re.Pattern[str]]
    pii_not_phone_labels: tuple[str, ...]
    pii_phone_labels: tuple[str, ...]
    pii_label_window: int
    pii_name: re.Pattern[str]  # role word + name (group "name")
    pii_name_stops: tuple[str, ...]
    obligations: tuple[Obligation, ...]
    application_marker: str
    application_required: tuple[str, ...]
    application_fields: dict[str, str]
    bad_date: tuple[re.Pattern[str], ...]
    docno: re.Pattern[str]
    garbles: tuple[Garble, ...]
    speech_openings: tuple[str, ...]
    speech_titles: tuple[str, ...]
    categories: tuple[Category, ...]
    category_weights: dict[str, float]
    timing_words: dict[str, tuple[str, ...]]
    hidden_properties: tuple[str, ...] = ()  # 文档属性 names whose text earns a HIDDEN_PART finding
    hidden_ignore: tuple[str, ...] = ()  # property values that are a program's stamp, not anyone's words

    def category_name(self, code: int | None) -> str | None:
        return next((c.name for c in self.categories if c.code == code), None)


def load_rules(path: Path | None = None) -> Rules:
    """The default rules, with the office's file (if any) merged over them."""
    data = _read_toml(DEFAULT_RULES)
    source = "默认规则"
    if path is not None:
        data = _merge(data, _read_toml(path))
        source = str(path)
    try:
        return _build(data, source)
    except (KeyError, TypeError, ValueError, re.error) as e:
        raise UsageError(f"规则文件 {source} 内容有误：{_problem(e)}；请对照默认规则（gongkai rules show）修改。") from e


def _problem(e: Exception) -> str:
    if isinstance(e, KeyError):
        return f"缺少 {e.args[0]} 这一项（或它所在的一节）"
    if isinstance(e, re.error):
        return f"有一个正则表达式写错了（{e.pattern!r} 第 {e.pos} 个字符附近）" if e.pattern else "有一个正则表达式写错了"
    return "某一项的类型不对（应是文字、数字或列表）"


def _read_toml(path: Path) -> dict[str, Any]:
    from ..tomlfile import read_toml

    try:
        return read_toml(path, "规则文件")
    except FileNotFoundError as e:
        raise UsageError(f"找不到规则文件：{path}；请检查路径。") from e
    except IsADirectoryError as e:
        raise UsageError(f"规则文件 {path} 是一个文件夹；请给出 .toml 文件的路径。") from e


# Lists of rules the office adds to rather than replaces: an entry with the same identity replaces the
# default one (to change it), any other entry is appended (to add one).
KEYED_LISTS = {"garble": "wrong", "obligation": "code"}


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif key in KEYED_LISTS and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = _merge_keyed(out[key], value, KEYED_LISTS[key])
        else:
            out[key] = value
    return out


def _merge_keyed(base: list[dict], over: list[dict], ident: str) -> list[dict]:
    merged = {entry.get(ident): entry for entry in base}
    for entry in over:
        merged[entry.get(ident)] = {**merged.get(entry.get(ident), {}), **entry}
    return list(merged.values())


def _build(d: dict[str, Any], source: str) -> Rules:
    def _re(pattern: str):  # a packaged default pattern compiles with re; the office's own runs under a timeout
        return compile_rule(pattern, _trusted(), source)

    if "temporary_days" in d.get("timing", {}):  # it once stood here, unused: say where it lives now
        raise UsageError(f"规则文件 {source} 的 [timing] 中有 temporary_days：公开时限不属于检查规则，"
                         "请删去这一行，在工作区 gongkai.toml 的 [time_limits] 中设置 temporary_days。")
    lim, sec, npub, app = d["limits"], d["secret"], d["not_public"], d["application"]
    return Rules(
        source=source,
        limits=_limits(lim),
        severity=dict(d["severity"]),
        messages=dict(d["messages"]),
        secret_mark=_re(sec["mark"]),
        secret_alone=_re(sec["alone"]),
        secret_declaration=_re(sec["declaration"]),
        secret_search_blocks=int(sec["search_blocks"]),
        not_public_notes=tuple(npub["notes"]),
        public_notes=tuple(npub["public_notes"]),
        not_public_markers=tuple(npub["markers"]),
        marker_max_chars=int(npub["marker_max_chars"]),
        not_public_heading=_re(npub["heading"]),
        scope={k: tuple(v) for k, v in d["scope"].items()},
        pii={k: _re(v) for k, v in d["pii"].items() if isinstance(v, str)},
        pii_not_phone_labels=tuple(d["pii"].get("not_phone_labels", ())),
        pii_phone_labels=tuple(d["pii"].get("phone_labels", ())),
        pii_label_window=int(d["pii"].get("label_window", 12)),
        pii_name=_name_pattern(d["pii_name"]),
        pii_name_stops=tuple(d["pii_name"].get("stops", ())),
        obligations=tuple(_obligation(o, _re) for o in d["obligation"]),
        speech_openings=tuple(d.get("decision", {}).get("speech_openings", ())),
        speech_titles=tuple(d.get("decision", {}).get("speech_titles", ())),
        application_marker=app["marker"],
        application_required=tuple(app["required"]),
        application_fields=dict(app["fields"]),
        bad_date=tuple(_re(p) for p in d["bad_date"]["patterns"]),
        docno=_re(d["docno"]["pattern"]),
        garbles=tuple(Garble(g["wrong"], g["right"], tuple(g.get("except", ())), bool(g.get("ambiguous", False)))
                      for g in d["garble"]),
        categories=tuple(
            Category(int(k), v["name"], tuple(v.get("strong", ())), tuple(v.get("words", ())))
            for k, v in sorted(d["categories"].items(), key=lambda kv: int(kv[0]))
        ),
        category_weights={k: float(v) for k, v in {**CATEGORY_WEIGHTS, **d.get("category", {})}.items()},
        timing_words={k: tuple(d["timing"][k]) for k in ("periodic", "phase", "temporary")},
        hidden_properties=tuple(d.get("hidden", {}).get("properties", ())),
        hidden_ignore=tuple(d.get("hidden", {}).get("ignore", ())),
    )


_TRUSTED: list[frozenset[str]] = []


def _trusted() -> frozenset[str]:
    """Every string of the packaged default rules (its patterns among them), read once."""
    if not _TRUSTED:
        _TRUSTED.append(frozenset(strings_in(_read_toml(DEFAULT_RULES))))
    return _TRUSTED[0]


def _limits(lim: dict[str, Any]) -> Limits:
    """[limits]; a key the office's file predates keeps its default."""
    mb, d = 1024 * 1024, Limits()
    return Limits(
        max_bytes=int(lim["max_mb"] * mb),
        max_unzipped_bytes=int(lim["max_unzipped_mb"] * mb),
        max_zip_entries=int(lim["max_zip_entries"]),
        max_pages=int(lim["max_pages"]),
        max_part_bytes=int(lim.get("max_part_mb", d.max_part_bytes / mb) * mb),
        max_xml_nodes=int(lim.get("max_xml_nodes", d.max_xml_nodes)),
        max_paragraphs=int(lim.get("max_paragraphs", d.max_paragraphs)),
        max_chars=int(lim.get("max_chars", d.max_chars)),
        max_seconds=float(lim.get("max_seconds", d.max_seconds)),
        max_page_seconds=float(lim.get("max_page_seconds", d.max_page_seconds)),
        max_memory_bytes=int(lim.get("max_memory_mb", d.max_memory_bytes / mb) * mb),
        max_ocr_pages=int(lim.get("max_ocr_pages", d.max_ocr_pages)),
        max_ocr_seconds=float(lim.get("max_ocr_seconds", d.max_ocr_seconds)),
        max_ocr_page_seconds=float(lim.get("max_ocr_page_seconds", d.max_ocr_page_seconds)),
        max_ocr_pixels=int(lim.get("max_ocr_pixels", d.max_ocr_pixels)),
    )


def _name_pattern(d: dict[str, Any]) -> re.Pattern[str]:
    """来信人赵建国 / 举报人：钱某某 → the name after the role word, starting with a known surname."""
    roles = "|".join(re.escape(r) for r in sorted(d["roles"], key=len, reverse=True))
    surnames = "".join(re.escape(c) for c in d["surnames"] if not c.isspace())
    return re.compile(rf"(?:{roles})[：:\s]*(?P<name>[{surnames}][\u4e00-\u9fff]{{1,3}})")


def _obligation(o: dict[str, Any], _re) -> Obligation:
    return Obligation(
        code=o["code"],
        label=o.get("label", o["code"]),
        words=tuple(o.get("words", ())),
        patterns=tuple(_re(p) for p in o.get("patterns", ())),
        all_of=tuple(tuple(g) for g in o.get("all_of", ())),
        exceptions=tuple(o.get("except", ())),
        mention_cues=tuple(o.get("mention_cues", ())),
        own_decision=bool(o.get("own_decision", False)),
    )
