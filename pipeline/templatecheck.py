"""`gongkai templates check`: what is wrong with a Word template, in Chinese, with the template's name
and the paragraph (the jinja source docxtpl renders has one Word paragraph per line). Besides Jinja's
own syntax errors (translated here), it catches what Jinja lets through and prints literally into a
public notice: full-width braces typed with a Chinese input method (｛｛ 标题 ｝｝) and tags left open
or closed twice within a paragraph."""
from __future__ import annotations

import re

from jinja2 import TemplateSyntaxError
from jinja2.exceptions import UndefinedError

FULL_WIDTH = re.compile(r"[｛｝][｛｝％%]|[{%][｝％]|％[｝}]|｛[{%]|[{][％]")

# Jinja's messages → Chinese (a pattern on the message, the explanation; {0}… are the pattern's groups)
JINJA_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"Unexpected end of template\. Jinja was looking for the following tags: .*'(end\w+)'",
     "模板到结尾还缺少结束标记 {{% {0} %}}：有一个 {{% for/if %}} 没有结束"),
    (r"[Uu]nexpected end of template", "模板到结尾还有标记没有结束（{{% for/if %}} 缺少对应的结束标记，或 {{{{ 没有配对的 }}}}）"),
    (r"Encountered unknown tag '(\w+)'\. Jinja was looking for the following tags: .*'(end\w+)'",
     "这里的 {{% {0} %}} 出现得不对：程序在等 {{% {1} %}}（标记的嵌套顺序有误）"),
    (r"Encountered unknown tag '(end\w+|else|elif)'", "这里的 {{% {0} %}} 前面没有与它配对的开始标记"),
    (r"Encountered unknown tag '(\w+)'", "不认识的标记 {{% {0} %}}（只能用 for、if 等标记，请检查拼写）"),
    (r"unexpected char '(.)'", "标记里有不能识别的字符“{0}”（标记中的括号、引号、点号须用英文半角）"),
    (r"unexpected '(.+?)'", "这里多了“{0}”（标记的括号不成对）"),
    (r"expected token 'end of print statement', got '(.+?)'", "{{{{ }}}} 中只能写一个变量名，这里多了“{0}”（变量名中不能有空格）"),
    (r"expected token 'end of statement block', got '(.+?)'", "{{% %}} 中多了“{0}”"),
    (r"expected token '(.+?)', got '(.+?)'", "这里应是“{0}”，却是“{1}”"),
    (r"tag name expected", "{{% %}} 中缺少标记名（如 for、if）"),
    (r"Expected an expression, got '(.+?)'", "{{{{ }}}} 或 {{% %}} 中缺少变量名"),
    (r"'(\w+)' is undefined", "程序不提供变量 {0}（请改正拼写或删除）"),
)


def explain(message: str) -> str:
    """Jinja's English message as a Chinese sentence (the original kept in brackets when unknown)."""
    for pattern, text in JINJA_MESSAGES:
        m = re.search(pattern, message)
        if m:
            return text.format(*m.groups())
    return f"模板标记有误（{message}）"


def paragraph_text(xml_line: str) -> str:
    return re.sub(r"<[^>]+>", "", xml_line)


def locate(source: str, lineno: int | None) -> str:
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return ""
    near = paragraph_text(lines[lineno - 1]).strip()[:40]
    return f"第 {lineno} 段" + (f"（“{near}”）" if near else "")


def syntax_problem(name: str, source: str, exc: TemplateSyntaxError) -> str:
    where = locate(source, exc.lineno)
    return f"{name}{(' ' + where) if where else ''}：模板语法错误：{explain(exc.message or str(exc))}。"


def undefined_problem(name: str, exc: UndefinedError) -> str:
    return f"模板“{name}”：{explain(exc.message or str(exc))}。请用 gongkai templates check 检查模板"


def text_problems(name: str, source: str) -> list[str]:
    """Per paragraph: full-width braces, and {{ }} / {% %} that do not pair up."""
    out = []
    for n, line in enumerate(source.splitlines(), 1):
        text = paragraph_text(line)
        near = text.strip()[:40]
        if FULL_WIDTH.search(text):
            out.append(f"{name} 第 {n} 段（“{near}”）：有全角括号或全角百分号（｛｛ ｝｝ ｛％ ％｝），程序不会把它当作标记，"
                       "会原样印进文书；请切换到英文输入法改成 {{ }} 或 {% %}。")
        opens, closes = text.count("{{"), text.count("}}")
        if opens != closes:
            out.append(f"{name} 第 {n} 段（“{near}”）：{{{{ 有 {opens} 个，}}}} 有 {closes} 个，变量标记不成对。")
        opens, closes = text.count("{%"), text.count("%}")
        if opens != closes:
            out.append(f"{name} 第 {n} 段（“{near}”）：{{% 有 {opens} 个，%}} 有 {closes} 个，标记不成对。")
    return out
