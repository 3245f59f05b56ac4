"""The disclosure workflow (spec/workflow.md): what each action may do from each state, and the
refusals. Every refusal is a WorkflowError with a Chinese message and changes nothing."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from .errors import UsageError, WorkflowError
from .ledger import Ledger
from .model import Item

STATUS_NAMES = {
    "received": "已登记待审核", "blocked": "不得公开（已拦截）", "approved": "审核通过", "returned": "已退回修改",
    "predisclosed": "预公开（公示）中", "disclosed_inside": "已党内公开", "disclosed": "已公开", "closed": "已办结",
}
BLOCK_CODES = ("SECRET", "NOT_PUBLIC", "NO_TEXT")
PII_CODES = ("PII_ID", "PII_PHONE", "PII_BANK")
LEVEL_NAMES = {"bureau": "局党务公开领导小组", "district": "区党务公开领导小组"}
SCOPE_NAMES = {"inside": "党内", "outside": "党外（社会）"}


def facts(ledger: Ledger, item: Item) -> list[dict]:
    """The recorded decisions of the item's current version (a new version starts a new review)."""
    fs = [d for d in ledger.event_data(item.id) if d]
    starts = [i for i, f in enumerate(fs) if f.get("kind") == "version"]
    return fs[starts[-1] + 1:] if starts else fs


def last_review(fs: list[dict], level: str) -> dict | None:
    reviews = [f for f in fs if f.get("kind") == "review" and f.get("level") == level]
    return reviews[-1] if reviews else None


def _refuse(msg: str) -> None:
    raise WorkflowError(msg)


# ------------------------------------------------------------------ review
def review(ledger: Ledger, item_id: str, approve: bool, by: str, level: str = "bureau",
           comment: str | None = None) -> Item:
    item = ledger.item(item_id)
    if not by.strip():
        raise UsageError("请用 --by 写明审核人姓名。")
    if level not in LEVEL_NAMES:
        raise UsageError("--level 只能是 bureau（局）或 district（区）。")
    codes = item.report.codes
    if item.status in ("returned", "closed", "disclosed", "disclosed_inside"):
        _refuse(f"{item.id} 当前状态为“{STATUS_NAMES[item.status]}”，不能再审核。")
    if approve and item.status == "blocked":
        _check_unblock(item, codes, comment)
    if level == "district" and item.status not in ("approved", "predisclosed"):
        _refuse(f"{item.id} 须先经局党务公开领导小组审核通过，再报区党务公开领导小组审核。")
    if level == "bureau" and item.status not in ("received", "blocked"):
        _refuse(f"{item.id} 已经过局党务公开领导小组审核（当前：{STATUS_NAMES[item.status]}）。")
    new = ("approved" if level == "bureau" else item.status) if approve else "returned"
    action = f"{LEVEL_NAMES[level]}审核{'通过' if approve else '退回'}"
    data = {"kind": "review", "level": level, "decision": "approve" if approve else "reject", "by": by,
            "comment": comment or "", "date": date.today().isoformat()}
    ledger.transition(item.id, item.status, new, by, action, comment, data)
    return ledger.item(item.id)


def _check_unblock(item: Item, codes: frozenset[str], comment: str | None) -> None:
    hard = sorted(c for c in codes if c in ("SECRET", "NOT_PUBLIC"))
    if hard:
        _refuse(f"{item.id} 含有{'、'.join(hard)}（涉密或标明不公开），不能审核通过，也永远不能公开。")
    if not (comment and comment.strip()):
        _refuse(f"{item.id} 无法提取文字（NO_TEXT），审核通过前须人工核对原件：请用 --comment 写明人工核对结论。")


# ------------------------------------------------------------------ pre-disclosure
def add_working_days(start: date, days: int) -> date:
    d, left = start, days
    while left > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            left -= 1
    return d


def predisclose(ledger: Ledger, item_id: str, days: int, by: str, today: date | None = None) -> Item:
    item = ledger.item(item_id)
    today = today or date.today()
    if days < 1:
        raise UsageError("预公开天数须至少为 1 个工作日。")
    if item.status != "approved":
        _refuse(f"{item.id} 当前状态为“{STATUS_NAMES[item.status]}”；只有审核通过的事项才能预公开。")
    end = add_working_days(today, days)
    data = {"kind": "predisclose", "start": today.isoformat(), "end": end.isoformat(), "days": days}
    ledger.transition(item.id, "approved", "predisclosed", by, f"预公开，征求意见 {days} 个工作日",
                      f"{today.isoformat()} 至 {end.isoformat()}", data)
    return ledger.item(item.id)


def predisclose_period(ledger: Ledger, item: Item) -> dict | None:
    periods = [f for f in facts(ledger, item) if f.get("kind") == "predisclose"]
    return periods[-1] if periods else None


# ------------------------------------------------------------------ publication
def publish(ledger: Ledger, item_id: str, scope: str, by: str, redacted: Path | None,
            today: date | None = None) -> Item:
    """`redacted` is the current version's 公开稿 if one exists (the caller looks it up on disk)."""
    item = ledger.item(item_id)
    today = today or date.today()
    if scope not in SCOPE_NAMES:
        raise UsageError("--scope 只能是 inside（党内）或 outside（党外）。")
    fs = facts(ledger, item)
    _check_publishable(ledger, item, fs, today)
    codes = item.report.codes
    if scope == "inside":
        if item.status == "disclosed_inside":
            _refuse(f"{item.id} 已经党内公开。")
        new = "disclosed_inside"
    else:
        if "INSIDE_FIRST" in codes and item.status != "disclosed_inside":
            _refuse(f"{item.id} 属于须“先党内后党外”的事项，请先党内公开（--scope inside），再向党外公开。")
        if codes & set(PII_CODES) and not (redacted and redacted.is_file()):
            _refuse(f"{item.id} 含有个人信息，只能用脱敏后的公开稿对外公开；请先生成公开稿（gongkai generate forms --item {item.id}）。")
        new = "disclosed"
    data = {"kind": "publish", "scope": scope, "date": today.isoformat(), "redacted": str(redacted or "")}
    ledger.transition(item.id, item.status, new, by, f"{SCOPE_NAMES[scope]}公开", None, data)
    return ledger.item(item.id)


def _check_publishable(ledger: Ledger, item: Item, fs: list[dict], today: date) -> None:
    codes = item.report.codes
    if item.status == "blocked" or codes & {"SECRET", "NOT_PUBLIC"}:
        _refuse(f"{item.id} 含有不得公开的问题（{'、'.join(sorted(codes & set(BLOCK_CODES)))}），不能公开。")
    if item.status in ("received", "returned"):
        _refuse(f"{item.id} 尚未审核通过（当前：{STATUS_NAMES[item.status]}），不能公开；请先 gongkai review。")
    if item.status in ("disclosed", "closed"):
        _refuse(f"{item.id} 已经公开（当前：{STATUS_NAMES[item.status]}）。")
    district = last_review(fs, "district")
    if "ESCALATE" in codes and not (district and district["decision"] == "approve"):
        _refuse(f"{item.id} 属于特别重大事项，须经区党务公开领导小组审核通过后才能公开（gongkai review {item.id} --approve --level district --by 姓名）。")
    if "PRE_DISCLOSE" in codes or item.status == "predisclosed":
        period = predisclose_period(ledger, item)
        if period is None:
            _refuse(f"{item.id} 须先预公开征求意见，才能正式公开（gongkai predisclose {item.id} --days N）。")
        elif today <= date.fromisoformat(period["end"]):
            _refuse(f"{item.id} 的预公开期到 {period['end']} 结束，期满后才能正式公开。")


# ------------------------------------------------------------------ closing
def close(ledger: Ledger, item_id: str, by: str) -> Item:
    item = ledger.item(item_id)
    if item.status not in ("disclosed", "disclosed_inside"):
        _refuse(f"{item.id} 当前状态为“{STATUS_NAMES[item.status]}”；只有已公开的事项才能办结。")
    open_fb = [f.id for f in ledger.feedback(item_id=item.id) if not f.answer]
    if open_fb:
        _refuse(f"{item.id} 还有 {len(open_fb)} 条意见未答复（{'、'.join(open_fb)}），答复后才能办结。")
    ledger.transition(item.id, item.status, "closed", by, "办结", None, {"kind": "close"})
    return ledger.item(item.id)


# ------------------------------------------------------------------ time limits
def due_date(kind: str | None, report_due: str | None, received: date, temporary_days: int,
             phase_days: int) -> str:
    if report_due:
        return report_due
    if kind == "phase":
        return (received + timedelta(days=phase_days)).isoformat()
    if kind == "periodic":
        q_end = ((received.month - 1) // 3 + 1) * 3
        nxt = date(received.year + (q_end == 12), q_end % 12 + 1, 1)
        return (nxt - timedelta(days=1)).isoformat()
    return add_working_days(received, temporary_days).isoformat()


def is_overdue(item: Item, today: date | None = None) -> bool:
    today = today or date.today()
    return bool(item.due) and item.status in ("received", "approved", "predisclosed", "returned") \
        and date.fromisoformat(item.due) < today
