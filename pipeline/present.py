"""What the clerk reads: reports and items as plain Chinese text for the terminal."""
from __future__ import annotations

from .category import category_text
from .model import SEVERITIES, SEVERITY_NAMES, Report
from .read.ocr import MARK as OCR_MARK

FIELD_NAMES = (
    ("title", "标题"), ("doc_number", "发文字号"), ("date", "成文日期"), ("issuer", "发文机关"),
    ("secrecy", "密级"), ("disclosure_note", "附注"), ("category_name", "内容类别"),
)
APP_NAMES = (("scope", "公开范围"), ("form", "公开形式"), ("period", "公开时限"), ("applicant", "申请人"))
TIMING_NAMES = {"periodic": "规定性工作（定期公开）", "phase": "阶段性工作", "temporary": "临时性工作（随时公开）"}


def format_report(r: Report) -> str:
    lines = [f"■ {r.file}"]
    if r.status != "ok":
        lines.append(f"  结论：无法检查 —— {r.error.message if r.error else ''}")
        return "\n".join(lines)
    md = r.metadata
    assert md is not None
    for key, name in FIELD_NAMES:
        value = getattr(md, key)
        if key == "secrecy" and value:
            value = value + (f"★{md.secrecy_period}" if md.secrecy_period else "")
        if key == "category_name":
            value = category_text(md) if md.category or md.category_candidates else value
        mark = OCR_MARK if value and md.ocr and key != "category_name" else ""
        lines.append(f"  {name}：{value if value else '（未识别）' if key in ('title', 'date', 'issuer') else '无'}{mark}")
    if md.application:
        for key, name in APP_NAMES:
            lines.append(f"  {name}：{getattr(md.application, key) or '（空）'}")
    for note in md.notes:
        lines.append(f"  说明：{note}")
    if r.timing and r.timing.kind:
        due = f"，应于 {r.timing.due} 前公开" if r.timing.due else ""
        lines.append(f"  时限类别：{TIMING_NAMES[r.timing.kind]}{due}")
    lines += _findings(r)
    lines.append(f"  结论：{r.verdict}")
    return "\n".join(lines)


def _findings(r: Report) -> list[str]:
    if not r.findings:
        return ["  检查结果：未发现问题"]
    out = [f"  检查结果：发现 {len(r.findings)} 个问题"]
    for sev in SEVERITIES:
        group = [f for f in r.findings if f.severity == sev]
        if group:
            out.append(f"  【{SEVERITY_NAMES[sev]}】")
            for f in group:
                out.append(f"    - {f.message}")
                out.append(f"      位置：{f.location}　原文：“{f.evidence}”")
    return out


def summary_line(reports: list[Report]) -> str:
    n = len(reports)
    err = sum(r.status != "ok" for r in reports)
    blocked = sum(r.disclosable is False for r in reports)
    ok = n - err - blocked
    return f"共检查 {n} 个文件：可公开（含需履行程序或修改）{ok} 个，不得公开 {blocked} 个，无法检查 {err} 个。"


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, n: int) -> str:
    if _width(s) > n:
        while _width(s + "…") > n and s:
            s = s[:-1]
        s += "…"
    return s + " " * (n - _width(s))


def table(rows: list[list[str]], widths: list[int]) -> str:
    return "\n".join("  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip() for r in rows)


def item_rows(items, status_names: dict[str, str], overdue) -> str:
    rows = [["编号", "状态", "期限", "标题", "原文件"]]
    for it in items:
        due = (it.due or "—") + ("（逾期）" if overdue(it) else "")
        rows.append([it.id, status_names.get(it.status, it.status), due, it.title or "（未识别）", it.file])
    return table(rows, [13, 18, 22, 44, 30])


def item_detail(item, status_names: dict[str, str], overdue: bool, feedback, period: dict | None = None,
                today=None, signed_forms: list[dict] | None = None) -> str:
    state = status_names.get(item.status, item.status)
    if item.status == "predisclosed" and period:
        from datetime import date

        ended = date.fromisoformat(period["end"]) < today
        state += f"（{period['start']} 至 {period['end']}，{'已期满，可以正式公开' if ended else '公示期内'}）"
    head = [f"事项 {item.id}（第{item.version}版）  状态：{state}",
            f"  原文件：{item.file}    sha256：{item.sha256[:16]}…",
            f"  公开期限：{item.due or '—'}{'（已逾期）' if overdue else ''}"]
    body = format_report(item.report).splitlines()[1:]
    hist = ["  办理记录："] + [
        f"    {e.at.replace('T', ' ')}  {e.actor}  {e.action}"
        + (f"（{status_names.get(e.from_state, e.from_state)} → {status_names.get(e.to_state, e.to_state)}）"
           if e.from_state and e.to_state and e.from_state != e.to_state else "")
        + (f"  {e.comment}" if e.comment else "")
        for e in item.events]
    fb = [f"  意见：{f.id} {f.channel or ''} {f.content[:40]} —— {'已答复' if f.answer else '未答复'}" for f in feedback]
    return "\n".join(head + body + hist + fb + signed_lines(item, signed_forms or []))


def signed_lines(item, signed_forms: list[dict]) -> list[str]:
    """The signed approval forms received for the item; one of an older version is marked 版本不符."""
    if not signed_forms:
        return [f"  签字审批表：第{item.version}版尚未收到"]
    lines = ["  签字审批表："]
    for f in signed_forms:
        stale = f["version"] != item.version
        lines.append(f"    第{f['version']}版  {f['received'].replace('T', ' ')}  {f['file']}"
                     + (f"  版本不符（当前为第{item.version}版，须重新签字）" if stale else ""))
    return lines


OUTCOME_NAMES = {"recorded": "已登记", "version": "新版本", "duplicate": "重复", "failed": "失败", "skipped": "跳过",
                 "signed": "签字表", "busy": "他处处理中"}
BLOCKED_LABEL = "已拦截（不得公开）"


def outcome_label(o) -> str:
    """What happened to one inbox file, as the ingest table and the watcher's log line say it: a draft
    recorded as blocked says so, not just 已登记."""
    if o.kind in ("recorded", "version") and o.status == "blocked":
        return BLOCKED_LABEL if o.kind == "recorded" else f"新版本，{BLOCKED_LABEL}"
    return OUTCOME_NAMES.get(o.kind, o.kind)


def outcome_table(outcomes) -> str:
    busy = [o for o in outcomes if o.kind == "busy"]
    shown = [o for o in outcomes if o.kind != "busy"]
    rows = [["文件", "结果", "说明"]]
    rows += [[o.file, outcome_label(o), o.message] for o in shown]
    counts = {k: sum(o.kind == k for o in outcomes) for k in OUTCOME_NAMES}
    blocked = sum(o.status == "blocked" for o in outcomes)
    tail = (f"共 {len(shown)} 个文件：登记 {counts['recorded']}（其中拦截不得公开 {blocked}），新版本 {counts['version']}，"
            f"重复 {counts['duplicate']}，失败 {counts['failed']}，跳过 {counts['skipped']}"
            + (f"，签字审批表 {counts['signed']}" if counts["signed"] else "") + "。")
    if busy:
        tail += f"另有 {len(busy)} 个文件正由另一个进程（监视程序或另一个 gongkai ingest）处理，本次未处理。"
    notes = [f"注意：{o.file}：{o.warning}" for o in outcomes if o.warning]
    return "\n".join([table(rows, [34, 18, 70]), *notes, tail])


def feedback_rows(records) -> str:
    rows = [["编号", "登记表编号", "收到日期", "渠道", "事项", "状态", "意见内容"]]
    for f in records:
        rows.append([f.id, f.number or "—", (f.received or "—")[:10], f.channel or "—", f.item_id or "未关联",
                     "已答复" if f.answer else "未答复", f.content[:40].replace("\n", " ")])
    return table(rows, [9, 12, 11, 14, 13, 7, 42])


def resubmit_hint(item, inbox) -> str:
    """What a returned (退回) item's liaison does next."""
    md = item.report.metadata
    same = "、".join(x for x in ((f"发文字号 {md.doc_number}" if md and md.doc_number else ""),
                                (f"标题《{item.title}》" if item.title else "")) if x) or "同一标题"
    return (f"退回修改：请按审核意见修改后，把修改稿（保持{same}）放入收件箱 {inbox}，"
            f"程序会自动登记为 {item.id} 的新版本并重新进入审核，无需重新登记。")
