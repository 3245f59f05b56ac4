"""Is a PDF's text layer text? Some are not, and must never pass as checked: (cid:N) codes, U+FFFF from
fonts without a character map, mostly replacement characters, glyphs of fonts without a mapping, and the
commonest Chinese case — a non-embedded 仿宋/小标宋 font whose GBK bytes come out as Latin-1
(È«ÊÀ½çÎÞ²úÕß…). Those bytes are decoded back as GBK (全世界无产者…) where the result is Chinese; any other
unreadable layer gives a NO_TEXT reason."""
from __future__ import annotations

import re
from dataclasses import replace

from ..model import Block
from ..textutil import clean

CID = re.compile(r"\(cid:\d+\)")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
HIGH_LATIN = re.compile(r"[\u00a1-\u00ff]")
GBK_GAP = re.compile(r"(?<=[\u0080-\u00ff]) +(?=[\u0080-\u00ff])")  # a glyph gap inside a GBK byte pair
MOJIBAKE_SHARE = 0.25  # this much of the text in Latin-1 letters and signs (Ã Ø ¡ ï …), hardly any CJK
BAD_SHARE = 0.3
PAGE_MIN = 20  # characters a page needs before it is judged on its own (not a lone page number)
UNREADABLE = "PDF 的文字层无法识别（{why}），无法检查内容"


def judge(blocks: list[Block], unmapped_share: float) -> tuple[list[Block], str | None]:
    """(the blocks, cleaned or re-decoded; a NO_TEXT reason or None). `unmapped_share` is the share of the
    characters drawn in fonts without any mapping to Unicode."""
    raw = "".join("".join(b.text.split()) for b in blocks)
    n = len(raw)
    if not n:
        return [], None
    if CID.findall(raw) and sum(len(m) for m in CID.findall(raw)) / n > 0.2:
        return [], UNREADABLE.format(why="字体未嵌入编码，提取出乱码")
    if (raw.count("\uffff") + raw.count("\ufffe")) / n >= BAD_SHARE:
        return [], UNREADABLE.format(why="字体没有字符映射，提取出的是无效字符 U+FFFF")
    if raw.count("\ufffd") / n >= BAD_SHARE:
        return [], UNREADABLE.format(why="大部分是无法识别的替换字符 �")
    if unmapped_share >= 0.5:
        return [], UNREADABLE.format(why="所用字体没有字符映射，提取出的字母和符号不是原文")
    if _mojibake(raw):
        decoded = [replace(b, text=regbk(b.text)) for b in blocks]
        if _chinese(decoded):
            return [_cleaned(b) for b in decoded if b.text.strip()], None
        return [], UNREADABLE.format(why="中文字体未嵌入，提取出的是西文乱码（如 Ã Ø ¡ ï）")
    blocks, garbled = _by_page(blocks)
    if garbled:
        return [], UNREADABLE.format(why=f"第{'、'.join(garbled)}页的中文字体未嵌入，提取出的是西文乱码（如 Ã Ø ¡ ï）")
    return [_cleaned(b) for b in blocks], None


def _mojibake(raw: str) -> bool:
    n = len(raw)
    return bool(n) and len(HIGH_LATIN.findall(raw)) / n >= MOJIBAKE_SHARE and len(CJK.findall(raw)) / n < 0.05


def _by_page(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """One page in a non-embedded Chinese font among pages that read well (a table pasted from another
    document, an appendix): that page's GBK bytes decoded back; the pages that are Latin-1 letters but not
    GBK either (named, as 3 of 第3页), which make the file unreadable."""
    pages: dict[str, list[int]] = {}
    for i, b in enumerate(blocks):
        if b.location.startswith("第") and b.location.endswith("页"):
            pages.setdefault(b.location, []).append(i)
    out = list(blocks)
    garbled: list[str] = []
    for location, members in pages.items():
        raw = "".join("".join(blocks[i].text.split()) for i in members)
        if len(raw) < PAGE_MIN or not _mojibake(raw):
            continue
        decoded = [replace(blocks[i], text=regbk(blocks[i].text)) for i in members]
        if _chinese(decoded):
            for i, b in zip(members, decoded):
                out[i] = b
        else:
            garbled.append(location[1:-1])
    return [b for b in out if b.text.strip()], garbled


def regbk(text: str) -> str:
    """Latin-1 characters taken back to bytes and decoded as GBK (GB 18030); other characters kept."""
    text = GBK_GAP.sub("", text)
    out: list[str] = []
    run = bytearray()
    for ch in text:
        if ord(ch) < 0x100:
            run.append(ord(ch))
            continue
        if run:
            out.append(run.decode("gb18030", errors="replace"))
            run.clear()
        out.append(ch)
    if run:
        out.append(run.decode("gb18030", errors="replace"))
    return "".join(out)


def _chinese(blocks: list[Block]) -> bool:
    text = "".join("".join(b.text.split()) for b in blocks)
    non_ascii = [c for c in text if not c.isascii()]
    if not non_ascii:
        return False
    cjk = len(CJK.findall("".join(non_ascii)))
    return cjk / len(non_ascii) >= 0.8 and text.count("\ufffd") / len(text) < 0.05


def _cleaned(block: Block) -> Block:
    text = clean(block.text)
    return block if text == block.text else replace(block, text=text)
