"""The content category (三、党务公开的主要内容, categories 1–7 of spec/rules.md), decided with weights.

Each category's words score where they stand: in the title most, in the opening paragraphs more than
deep in the body; a strong word counts more than a plain one, and each word counts once, at its best
place (a word inside another found word — 宣传 in 宣传活动 — is not counted again). Category 7 (其它) holds a small baseline, so a draft without Party-affairs vocabulary is 其它, and a
stray plain word does not outvote it. The confidence is the winner's lead over the runner-up
((best − second) / best); below the threshold the category is not guessed: it stays null and the best
two are given as candidates for the reviewer (gongkai review … --category N)."""
from __future__ import annotations

from dataclasses import dataclass

from .model import Block, Draft, Metadata
from .rules import Rules
from .textutil import squeeze

OPENING = 3  # body paragraphs after the title that state what the draft is about


@dataclass(frozen=True)
class Classification:
    code: int | None
    confidence: float
    candidates: tuple[int, ...]  # the best two when code is None, else ()
    scores: dict[int, float]


def classify(draft: Draft, title: str | None, rules: Rules, start: int | None = None) -> Classification:
    places = _places(draft, title, start)
    if not any(places):
        return Classification(None, 0.0, (), {})
    cfg = rules.category_weights
    scores: dict[int, float] = {}
    for cat in rules.categories:
        found = {w: at for w in (*cat.strong, *cat.words)
                 if (at := next((k for k, text in enumerate(places) if w in text), None)) is not None}
        score = 0.0
        for w, at in found.items():
            if any(w != v and w in v for v in found):
                continue  # 宣传 inside 宣传活动: one piece of evidence, counted once
            weight = cfg["strong"] if w in cat.strong else cfg["word"]
            score += weight * (cfg["title"], cfg["opening"], cfg["body"])[at]
        scores[cat.code] = score
    other = max(c.code for c in rules.categories)
    scores[other] = max(scores.get(other, 0.0), cfg["other_baseline"])
    ranked = sorted(scores, key=lambda c: (-scores[c], c))
    best, second = ranked[0], ranked[1] if len(ranked) > 1 else ranked[0]
    confidence = round((scores[best] - scores[second]) / scores[best], 2) if scores[best] else 0.0
    if confidence < cfg["threshold"]:
        return Classification(None, confidence, (best, second), scores)
    return Classification(best, confidence, (), scores)


def _places(draft: Draft, title: str | None, start: int | None) -> tuple[str, str, str]:
    """(title, opening, rest of the text), whitespace removed. An application form's title is its 公开事项
    and its content cell is its opening."""
    body = [b for b in draft.blocks if b.kind in ("para", "page", "row") and _is_body(b)]
    head = squeeze(title or "")
    after = (start + 1) if start is not None else 0
    paras = [b for b in body if b.kind != "row"]
    opening_blocks = [b for b in paras[after:] if squeeze(b.text) not in head][:OPENING]
    opening = "".join(squeeze(b.text) for b in opening_blocks)
    rest = squeeze("".join(b.text for b in body))
    return head, opening, rest


def _is_body(block: Block) -> bool:
    return getattr(block, "part", "body") == "body"


def category_text(md: Metadata | None, short: bool = False) -> str:
    """The category as the form and the terminal show it: 第3类 组织建设, or 类别待定 with the candidates
    (`short`, for the form's narrow cell: their numbers only)."""
    if md is not None and md.category:
        return f"第{md.category}类 {md.category_name}"
    if md is not None and md.category_candidates:
        names = "或".join(f"第{c.code}类" + ("" if short else f" {c.name}") for c in md.category_candidates)
        return f"类别待定（可能是{names}，请审核人设定）"
    return "类别待定"
