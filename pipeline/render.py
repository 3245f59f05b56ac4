"""Fill the .docx templates (docxtpl) safely and write the result atomically.

Safety, in order:
- every string of the context is cleaned: XML-illegal control characters go (\\t and \\n stay;
  \\n starts a new paragraph), None becomes "";
- rendering uses a sandboxed jinja environment with StrictUndefined (a missing key is an error, not a
  blank) and autoescape, so `<`, `&` in values cannot break the XML and `{{ … }}` in a value is
  printed, never evaluated (values are data, not template source);
- the output is checked for tag remnants and parsed strictly before it replaces anything.
"""
from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable
from xml.etree import ElementTree as ET

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from .errors import RenderError
from .model import SEVERITY_NAMES

PACKAGED_TEMPLATES = Path(__file__).parent / "templates"

TEMPLATE_KEYS: dict[str, set[str]] = {
    "审批表": {"org", "item_id", "title", "doc_number", "category_name", "issuer", "date", "summary",
            "scope", "form", "period", "timing", "verdict", "findings", "bureau_opinion", "bureau_by",
            "bureau_date", "need_district", "district_opinion", "district_by", "district_date",
            "generated", "more_findings", "page_note"},
    "预公开公示": {"org", "item_id", "title", "summary", "start", "end", "days", "phone", "supervisors",
              "box", "contact", "generated"},
    "公开公告": {"org", "item_id", "title", "scope_name", "scope_text", "summary", "form", "generated",
             "redacted_note", "basics", "channels"},
    "意见反馈答复单": {"org", "feedback_id", "item_id", "item_title", "person", "received", "channel",
                "content", "answer", "answered_by", "answered_at", "generated", "round_note"},
    "处理结果公开": {"org", "item_id", "title", "rows", "generated"},
    "季度汇报": {"org", "quarter", "received", "total", "blocked", "approved", "returned", "predisclosed",
             "inside", "outside", "summary", "by_category", "by_scope", "by_form", "disclosed",
             "feedback_total", "feedback_answered", "feedback_open", "overdue", "generated"},
    "月度检查": {"org", "office", "month", "as_of", "n_waiting", "n_overdue", "n_due_soon", "n_periods", "n_opinions",
             "waiting", "overdue", "due_soon", "periods", "opinions", "generated"},
    "党务公开目录": {"org", "year", "total", "inside", "outside", "rows", "generated"},
}

# What a template shows for an empty list or an unsigned date, so a table never loses its only row and
# the review boxes keep room for a handwritten date.
HANDWRITTEN_DATE = "　　年　　月　　日"
_EMPTY_ROWS: dict[str, dict[str, dict[str, str]]] = {
    "审批表": {"findings": {"severity": "—", "message": "未发现问题", "evidence": "—", "location": "—"}},
    "处理结果公开": {"rows": {"received": "—", "channel": "—", "content": "公开期间未收到意见建议",
                          "answer": "—"}},
    "季度汇报": {
        "by_category": {"name": "无", "count": "0"}, "by_scope": {"name": "无", "count": "0"},
        "by_form": {"name": "无", "count": "0"},
        "disclosed": {"id": "—", "title": "本季度无已公开事项", "date": "—", "scope": "—"},
        "overdue": {"id": "—", "title": "无逾期未公开事项", "due": "—"},
        "summary": {"name": "无", "count": "0"},
    },
    "月度检查": {
        "waiting": {"id": "—", "title": "无", "step": "—", "days": "—", "who": "—"},
        "overdue": {"id": "—", "title": "无", "due": "—", "days": "—", "who": "—"},
        "due_soon": {"id": "—", "title": "无", "due": "—", "days": "—", "who": "—"},
        "periods": {"id": "—", "title": "无", "period": "—", "state": "—", "who": "—"},
        "opinions": {"id": "—", "number": "—", "content": "无", "item": "—", "days": "—", "who": "—"},
    },
    "党务公开目录": {"rows": {"n": "—", "title": "本年度无已公开事项", "category": "—", "scope": "—", "form": "—",
                           "date": "—"}},
}
_BLANK_DATES: dict[str, tuple[str, ...]] = {
    "审批表": ("bureau_date", "district_date"),
    "意见反馈答复单": ("answered_at",),
}

# Values never contain raw braces while rendering: they are swapped for private-use characters and
# swapped back in the finished file. So any `{{`, `{%`, `%}`, `}}` left in the output text came from
# the TEMPLATE (a tag docxtpl did not render: split oddly, in an unrendered part …) and is an error,
# while a value like "{{ x }}" still appears literally. (docxtpl also rewrites `{_{` to `{{` in its
# output; with the swap a value "{_{" survives unchanged too.)
_OPEN, _CLOSE = "\ue000", "\ue001"
_ILLEGAL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff\ue000\ue001]")
_REMNANT = re.compile(r"\{\{|\{%|%\}|\}\}|\{#|#\}")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The parts docxtpl renders (body, headers, footers): only these can hold values or tag remnants.
# Styles, theme, fonts and settings come from the template untouched, so parsing them again per
# document would only cost time (it was 40 % of an ingest).
_CONTENT_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


# ----------------------------------------------------------------------------- context


def clean_text(value: str) -> str:
    """A value as it may go into the XML: legal characters only, line ends as \\n."""
    text = str.replace(str.replace(value, "\r\n", "\n"), "\r", "\n")  # str.* also unwraps Markup
    return _ILLEGAL.sub("", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):  # docxtpl turns \a into a new paragraph (keeps indent, no stretched line)
        return clean_text(value).replace("{", _OPEN).replace("}", _CLOSE).replace("\n", "\a")
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _clean(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_clean(v) for v in value]
    return _clean(str(value))


def _prepare(stem: str, ctx: dict[str, Any]) -> dict[str, Any]:
    for key, filler in _EMPTY_ROWS.get(stem, {}).items():
        if key in ctx and not ctx[key]:
            ctx[key] = [dict(filler)]
    for key in _BLANK_DATES.get(stem, ()):
        if key in ctx and not ctx[key]:
            ctx[key] = HANDWRITTEN_DATE
    if stem == "审批表" and isinstance(ctx.get("findings"), list):
        for f in ctx["findings"]:
            if isinstance(f, dict) and f.get("severity") in SEVERITY_NAMES:
                f["severity"] = SEVERITY_NAMES[f["severity"]]
    return ctx


def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


# ----------------------------------------------------------------------------- rendering


def render_docx(template: Path, context: Mapping[str, Any], out: Path, *, title: str | None = None,
                post: Callable[[Any], None] | None = None) -> Path:
    """Render `template` with `context` into `out` (replaced atomically); returns `out`. `post`, if given,
    changes the rendered python-docx Document before it is saved (the approval form's QR code)."""
    template, out = Path(template), Path(out)
    if not template.is_file():
        raise RenderError(f"找不到模板文件：{template}。请检查 templates/ 目录或重新安装。")
    if out.exists() and out.resolve() == template.resolve():
        raise RenderError(f"输出文件不能覆盖模板本身：{out}")
    ctx = _prepare(template.stem, _clean(dict(context)))
    doc_title = " ".join(clean_text(title or str(context.get("title") or "") or template.stem).split())
    data = _restore(_render_bytes(template, ctx, doc_title, post), template.name)
    _write_atomic(out, data)
    return out


def _render_bytes(template: Path, ctx: dict[str, Any], doc_title: str,
                  post: Callable[[Any], None] | None = None) -> bytes:
    name = template.name
    try:
        tpl = DocxTemplate(template)
        tpl.render(ctx, jinja_env=_env(), autoescape=True)
        props = tpl.docx.core_properties  # after render: docxtpl renders the properties as templates too
        props.title, props.author, props.language = doc_title[:255], "gongkai", "zh-CN"
        buf = io.BytesIO()
        tpl.save(buf)
        if post is not None:  # on the saved file: docxtpl swaps header parts, edits through tpl.docx are lost
            import docx

            doc = docx.Document(io.BytesIO(buf.getvalue()))
            post(doc)
            buf = io.BytesIO()
            doc.save(buf)
    except UndefinedError as exc:
        from .templatecheck import undefined_problem

        raise RenderError(undefined_problem(name, exc)) from exc
    except SecurityError as exc:
        raise RenderError(f"模板“{name}”含有不允许的表达式：{_why(exc)}。"
                          "请只使用 {{ 变量 }} 形式的标记。") from exc
    except TemplateError as exc:
        from .templatecheck import explain

        raise RenderError(f"模板“{name}”有语法错误：{explain(_why(exc))}。请用 gongkai templates check 检查模板。") from exc
    except Exception as exc:  # docxtpl/lxml/zip failures have no common base; all mean "cannot render"
        raise RenderError(f"无法用模板“{name}”生成文书：{type(exc).__name__}: {exc}") from exc
    return buf.getvalue()


def _why(exc: Exception) -> str:
    return str(exc).rstrip(".")


def _restore(data: bytes, name: str) -> bytes:
    """Check every word/*.xml part for template remnants, then put the values' braces back."""
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                blob = src.read(info)
                if _CONTENT_PART.match(info.filename):
                    _check_remnants(ET.fromstring(blob), info.filename, name)
                    text = blob.decode("utf-8").replace(_OPEN, "{").replace(_CLOSE, "}")
                    blob = re.sub("&#(57344|x[eE]000);", "{", text)
                    blob = re.sub("&#(57345|x[eE]001);", "}", blob).encode("utf-8")
                dst.writestr(info, blob)
    except (zipfile.BadZipFile, ET.ParseError, UnicodeDecodeError) as exc:
        raise RenderError(f"用模板“{name}”生成的文书结构损坏：{exc}") from exc
    return out.getvalue()


def _check_remnants(root: ET.Element, part: str, name: str) -> None:
    for p in root.iter(f"{_W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{_W}t"))
        hit = _REMNANT.search(text)
        if hit:
            snippet = text[max(0, hit.start() - 15): hit.end() + 15]
            raise RenderError(f"模板“{name}”有未被替换的标记（{part}）：“{snippet}”。"
                              "请在 Word 中把该标记整体重新输入，不要拆开或改动括号。")


def _write_atomic(out: Path, data: bytes) -> None:
    tmp: str | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        mode = out.stat().st_mode & 0o777 if out.exists() else 0o644
        fd, tmp = tempfile.mkstemp(prefix=f".{out.stem[:20]}.", suffix=".tmp", dir=out.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        validate_docx(Path(tmp))
        os.replace(tmp, out)
        tmp = None
    except OSError as exc:
        raise RenderError(f"无法写入文书“{out}”：{exc.strerror or exc}。请检查目录权限或文件是否被 Word 打开。") from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def validate_docx(path: Path) -> None:
    """Raise RenderError unless `path` is a .docx whose word/ XML parses strictly and Word can open."""
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
            if bad:
                raise RenderError(f"生成的文书压缩包损坏：{bad}")
            names = z.namelist()
            if "word/document.xml" not in names:
                raise RenderError("生成的文书缺少正文（word/document.xml）")
            for member in names:
                if _CONTENT_PART.match(member) or member == "docProps/core.xml":
                    ET.fromstring(z.read(member))  # expat: no recovery, any error raises
    except RenderError:
        raise
    except Exception as exc:
        raise RenderError(f"生成的文书无法打开：{type(exc).__name__}: {exc}") from exc


# ----------------------------------------------------------------------------- templates


def find_template(name: str, workspace_templates: Path | None) -> Path:
    """The workspace's templates/ copy of `name` (with or without .docx) if present, else the packaged one."""
    file = name if name.endswith(".docx") else f"{name}.docx"
    if any(c in file for c in "/\\:") or file.startswith("."):
        raise RenderError(f"模板名称不合法：{name}")
    for folder in (workspace_templates, PACKAGED_TEMPLATES):
        if folder is not None and (Path(folder) / file).is_file():
            return Path(folder) / file
    raise RenderError(f"找不到模板“{file}”：工作区 templates/ 和安装包里都没有。")


def _template_source(template: Path) -> str:
    """The jinja source docxtpl renders: body, headers and footers, one XML paragraph per line."""
    tpl = DocxTemplate(template)
    tpl.init_docx()
    parts = [tpl.xml_to_string(tpl.docx._element.body)]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        parts += [tpl.get_part_xml(part) for _, part in tpl.get_headers_footers(uri)]
    return "\n".join(re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(x)) for x in parts)


def template_variables(template: Path) -> set[str]:
    """Top-level names the template uses (loop variables such as `f` in `for f in findings` excluded)."""
    try:
        return set(meta.find_undeclared_variables(_env().parse(_template_source(Path(template)))))
    except TemplateSyntaxError as exc:
        from .templatecheck import explain

        raise RenderError(f"模板“{Path(template).name}”有语法错误：{explain(exc.message or str(exc))}") from exc
    except Exception as exc:
        raise RenderError(f"无法读取模板“{Path(template).name}”：{type(exc).__name__}: {exc}") from exc


def lint_template(template: Path, provided: set[str]) -> list[str]:
    """Problems (Chinese, one per line) that would make `template` fail with a context of `provided` keys."""
    template = Path(template)
    try:
        source = _template_source(template)
    except Exception as exc:
        return [f"{template.name}：无法读取模板（{type(exc).__name__}: {exc}），请确认是 Word .docx 文件。"]
    from .templatecheck import syntax_problem, text_problems

    literal = text_problems(template.name, source)  # what Jinja itself lets through
    try:
        names = meta.find_undeclared_variables(_env().parse(source))
    except TemplateSyntaxError as exc:
        return [syntax_problem(template.name, source, exc), *literal]
    return literal + [f"{template.name}：未知变量 {{{{ {n} }}}}，程序不提供这个数据；请改正拼写或删除。"
                      for n in sorted(names - set(provided))]


def cn_date(value: str | None) -> str:
    """'2023-10-08' (or an ISO timestamp, with or without its offset: the ledger's clock stamps the office's
    local time, so the date part is the office's day) → '2023年10月8日', the form official documents use;
    anything else unchanged."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?", (value or "").strip())
    return f"{m[1]}年{int(m[2])}月{int(m[3])}日" if m else (value or "")


# ----------------------------------------------------------------------------- file names

_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_UNSAFE_CHARS = re.compile(r'[/\\:*?"<>|]')


def safe_name(text: str, max_len: int = 40) -> str:
    """A short file-name component from a title; never a path, never empty (falls back to 未命名)."""
    s = unicodedata.normalize("NFC", text or "")
    s = "".join(" " if unicodedata.category(c) in ("Zs", "Zl", "Zp") or c in "\t\n\r"
                else c for c in s if unicodedata.category(c)[0] != "C" or c in "\t\n\r")
    s = _UNSAFE_CHARS.sub("", s)
    while ".." in s:
        s = s.replace("..", "")
    s = re.sub(r"\s+", " ", s).strip().lstrip(". ")
    s = s[: max(1, max_len)].rstrip(". ")
    if s.split(".")[0].strip().upper() in _RESERVED:
        s = f"_{s}"[: max(1, max_len)]
    return s or "未命名"
