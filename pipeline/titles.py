"""The title of a draft, found from the layout first and the words second.

A title is the first line (or run of lines) of the head that is not 版头 furniture, set larger than the
body or standing alone, and it ends where the layout says the body starts: a line set smaller than the
title, a numbered section heading (一、 / （一） / 1. / 第一章), a table of contents (目录, lines with leaders
or page numbers), a page break after a cover (a PDF page of its own), a sentence."""
from __future__ import annotations

import re
from statistics import median

from .model import Block
from .rules import Rules
from .textutil import PUNCT_EDGE, SPACES, squeeze

DOC_TYPES = ("通知", "通报", "决定", "报告", "方案", "公示", "计划", "规定", "汇报", "情况", "意见", "办法", "细则",
             "通告", "公告", "批复", "请示", "函", "纪要", "规则", "要点", "总结", "安排", "决议", "议案", "指引", "制度",
             "申请表", "实施方案", "工作方案", "公报", "年度报告", "命令", "令", "备案表", "登记表", "审批表", "推荐表",
             "汇总表", "统计表", "一览表", "考察表", "申请书")
ORGAN_END = re.compile(
    r"(党组|党委|委员会|局|厅|部|办公室|政府|分局|监管局|大学|学院|支部|总局|中心|小组|科|处|室|办|会|院|所|公司|单位"
    r"|银行|分行|支行|学校|街道|社区)$")
BANNER = re.compile(r"(文件|简报|通讯|快报|纪要)$")
DOCNO_DRAFT = re.compile(r"[〔\[［【（(]\s*[0-9XxＸ×]{4}\s*[〕\]］】）)]\s*[0-9XxＸ×\s]{0,5}号$")  # XXX〔2023〕X号, 〔2023〕  号
COPY_NO = re.compile(r"^[0-9A-Za-z]{4,8}$")
URGENCY = re.compile(r"^(特急|加急|特提|平急|急件)")
SALUTATION_END = ("：", ":")
# a numbered section heading: 一、 （一） 1. 1、 第一章 第一条 第一部分
SECTION = re.compile(r"^(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+\s*[、．.](?!\d)"
                     r"|第[一二三四五六七八九十百\d]+[章节条部篇])")
TOC_HEAD = re.compile(r"^目录$")
TOC_ENTRY = re.compile(r"(?:[.…·．\-—_]{3,}|\t)\s*[-—–]?\s*\d{1,3}\s*[-—–]?$")  # leaders or a tab, then a page number
SENTENCE = re.compile(r"[。；！？]")
ATTACHMENT = re.compile(r"^(?:附件|附表|附录|材料)\s*[\d一二三四五六七八九十]*\s*[:：]?$")  # 附件4, 材料12: a label
LINKED_END = re.compile(f"的(?:{'|'.join(DOC_TYPES)})$")  # 关于…的通知: a title that has reached its document type
HEAD_LINES = 12
BIGGER = 1.0  # pt: a title line is set at least this much larger than the body


def find_title(body: list[Block], rules: Rules) -> tuple[str | None, int | None]:
    """The title and the index of the body block it starts in."""
    blocks = body[:HEAD_LINES]
    head = [squeeze(b.text) for b in blocks]
    base = body_size(body)
    start = next((i for i, t in enumerate(head) if _is_title_start(t, rules)), None)
    if start is None:
        start = next((i for i, t in enumerate(head) if not is_furniture(t, rules)), None)
        if start is not None and not _looks_like_title(blocks[start], head[start], base):
            return None, None  # the draft opens with its body (同志们：…, a sentence): no title
    if start is None:
        return None, None
    title = head[start]
    for k in range(start + 1, len(head)):
        if not _continues_title(title, blocks[start], blocks[k - 1], blocks[k], head[k], rules):
            break
        title += head[k]
    lead = _leading_line(blocks, head, start, body_size(body[start + 1:]), rules)
    if lead is not None:
        start = lead
        title = head[start] + title
    return title.strip(PUNCT_EDGE.replace("《", "").replace("》", "").replace("（", "").replace("）", "")) or None, start


def body_size(body: list[Block]) -> float | None:
    """The font size most of the body is set in (the median of the sized lines)."""
    sizes = [b.size for b in body[:60] if b.size]
    return median(sizes) if sizes else None


def is_furniture(t: str, rules: Rules) -> bool:
    """Lines of the 版头 that are not the title: copy numbers, secrecy, urgency, banner, 发文字号."""
    return (
        not t
        or bool(COPY_NO.match(t))
        or bool(URGENCY.match(t))
        or bool(rules.secret_mark.search(t) and len(t) <= 30)
        or bool(rules.secret_alone.match(t))
        or bool(BANNER.search(t) and "关于" not in t)
        or bool((rules.docno.search(t) or DOCNO_DRAFT.search(t)) and len(t) <= 40)
        or t.endswith(SALUTATION_END)
        or t.startswith("签发人")
        or bool(ATTACHMENT.match(t))
    )


def _is_title_start(t: str, rules: Rules) -> bool:
    if is_furniture(t, rules) or len(t) > 90 or "。" in t or _ends_title(t):
        return False
    if "关于" in t[:30] or t.endswith(DOC_TYPES):
        return True
    # a line that only breaks off a longer title (关于印发… / …的通知 split over lines)
    return t.startswith(("关于", "中共")) and not ORGAN_END.search(t)


def _looks_like_title(block: Block, t: str, base: float | None) -> bool:
    """A first line without 关于 or a document type is a title only if it is set like one: no
    sentence, not a salutation followed by the speech (同志们：现在，我代表…)."""
    if len(t) > 200 or SENTENCE.search(t) or "：" in t or ":" in t or _ends_title(t):
        return False
    return True if base is None or block.size is None else block.size >= base


def _ends_title(t: str) -> bool:
    """A line that can never be part of a title: a section heading, a table of contents or its entries."""
    return bool(SECTION.match(t) or TOC_HEAD.match(t) or TOC_ENTRY.search(t))


def _continues_title(title: str, first: Block, prev: Block, block: Block, nxt: str, rules: Rules) -> bool:
    if not nxt or is_furniture(nxt, rules) or "。" in nxt or len(title) + len(nxt) > 100:
        return False
    raw = block.text.strip()
    if _ends_title(nxt) or TOC_ENTRY.search(raw) or block.red != first.red:
        return False
    if block.kind == "page" and prev.location != block.location:
        return False  # the cover's page ends the title (a PDF title never runs onto the contents page)
    if first.size and block.size and block.size < first.size - 0.5:
        return False  # set smaller than the title: the body, a subtitle or a heading
    if nxt.startswith(("的", "和", "及", "与")) or (nxt in DOC_TYPES and not title.endswith(DOC_TYPES)):
        return True
    if _unfinished_guanyu(title, first, block, nxt):
        return True
    return not title.endswith(DOC_TYPES) and (nxt.endswith(DOC_TYPES) or len(nxt) <= 20) and not ORGAN_END.search(nxt)


def _unfinished_guanyu(title: str, first: Block, block: Block, nxt: str) -> bool:
    """关于做好突发事件信息报告 / 工作的通知, set alike: the first line ends in a word that is also a document
    type (报告, 情况, 制度 …), but a 关于 title is finished only by 的 + its type, which the next line brings."""
    same_size = first.size is not None and block.size is not None and abs(block.size - first.size) <= 0.5
    return (same_size and "关于" in title and not LINKED_END.search(title) and bool(LINKED_END.search(nxt))
            and len(nxt) <= 20 and not ORGAN_END.search(nxt))


def _leading_line(blocks: list[Block], head: list[str], start: int, base: float | None, rules: Rules) -> int | None:
    """The line above the title start that belongs to it: a title broken after the organ name (中共…党组 /
    关于…的通知), or the first line of a two-line form title (西安电子科技大学优才海外访学项目 / 申请表). It
    belongs when it is set like the title line (same size, not red, larger than the body) or when the 版头
    is already above it. A red 版头 of the same words directly above 关于… does not."""
    if start == 0:
        return None
    lead, first, t = blocks[start - 1], blocks[start], head[start - 1]
    if is_furniture(t, rules) or lead.red or _ends_title(t) or SENTENCE.search(t) or len(t) > 40:
        return None
    if lead.kind == "page" and lead.location != first.location:
        return None
    same_look = lead.size is not None and lead.size == first.size
    if organs_in(lead.text):
        if same_look or any(is_furniture(x, rules) for x in head[: start - 1] if x):
            return start - 1
        return None
    larger = lead.size is not None and (base is None or lead.size >= base + BIGGER)
    stands_alone = start == 1 or is_furniture(head[start - 2], rules)
    return start - 1 if same_look and larger and stands_alone and not t.endswith(DOC_TYPES) else None


NOT_ORGAN = re.compile(r"[。，,：:；;！？!?、]|关于|^(附件|抄送|主送|特此|请|将|对|在|按)|\d\s*[年月日号]")  # a sentence


def organs_in(raw: str) -> list[str]:
    """The organ names on a signature line: 学生工作处  国际合作与交流处 → two; 青 川 区 科 学 技 术 局 → one;
    特此通知, a body sentence or a placeholder (Xxxxxxxx) → none."""
    parts = [p.strip(PUNCT_EDGE) for p in SPACES.split(raw.strip())]
    if len(parts) > 1 and all(len(p) >= 3 and _is_organ(p) for p in parts):
        return parts
    whole = squeeze(raw).strip(PUNCT_EDGE)
    return [whole] if _is_organ(whole) else []


def _is_organ(t: str) -> bool:
    return 2 <= len(t) <= 25 and bool(ORGAN_END.search(t)) and not NOT_ORGAN.search(t)
