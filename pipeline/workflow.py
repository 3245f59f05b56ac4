"""The disclosure workflow (spec/workflow.md): what each action may do from each state, and the
refusals. Every refusal is a WorkflowError with a Chinese message and changes nothing."""
from __future__ import annotations

import getpass
from datetime import date, timedelta

from .errors import UsageError, WorkflowError
from .ledger import Ledger
from .model import Item
from .rules import Rules
from .workdays import WorkCalendar, When, local_day, quarter_end

STATUS_NAMES = {
    "received": "已登记待审核", "blocked": "不得公开（已拦截）", "approved": "审核通过", "returned": "已退回修改",
    "predisclosed": "预公开（公示）中", "disclosed_inside": "已党内公开", "disclosed": "已公开", "closed": "已办结",
}
BLOCK_CODES = ("SECRET", "NOT_PUBLIC", "NO_TEXT")
# what a refusal says instead of a rule code (a clerk reads these, not SECRET / NO_TEXT)
BLOCK_NAMES = {"SECRET": "密级标志或涉密内容", "NOT_PUBLIC": "“不公开”标注", "NO_TEXT": "无法提取的文字（扫描件或乱码）"}


def block_names(codes) -> str:
    return "、".join(BLOCK_NAMES[c] for c in BLOCK_CODES if c in codes)
LEVEL_NAMES = {"bureau": "局党务公开领导小组", "district": "区党务公开领导小组"}
SCOPE_NAMES = {"inside": "党内", "outside": "党外（社会）"}


def facts(ledger: Ledger, item: Item) -> list[dict]:
    """The recorded decisions of the item's current version (a new version starts a new review)."""
    fs = [d for d in ledger.event_data(item.id) if d]
    starts = [i for i, f in enumerate(fs) if f.get("kind") == "version"]
    return fs[starts[-1] + 1:] if starts else fs


def is_correction(ledger: Ledger, item: Item) -> bool:
    """The current version is a 更正 of an item already published."""
    versions = [d for d in ledger.event_data(item.id) if d.get("kind") == "version"]
    return bool(versions and versions[-1].get("correction"))


def last_review(fs: list[dict], level: str) -> dict | None:
    reviews = [f for f in fs if f.get("kind") == "review" and f.get("level") == level]
    return reviews[-1] if reviews else None


def manual_text(fs: list[dict]) -> tuple[str | None, str | None]:
    """(title, summary) the reviewer gave for a scan (NO_TEXT) when approving it after a manual check."""
    given = [f for f in fs if f.get("kind") == "review" and (f.get("title") or f.get("summary"))]
    return (given[-1].get("title"), given[-1].get("summary")) if given else (None, None)


def publication(fs: list[dict], scope: str) -> dict | None:
    """The recorded publication of the current version in this scope (its date dates the notice)."""
    done = [f for f in fs if f.get("kind") == "publish" and f.get("scope") == scope]
    return done[-1] if done else None


def os_account() -> str:
    """The operating-system account that runs the command, recorded beside --by."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container): say so rather than guess
        return "（未知账户）"


def _refuse(msg: str) -> None:
    raise WorkflowError(msg)


# ------------------------------------------------------------------ review
def review(ledger: Ledger, item_id: str, approve: bool, by: str, level: str = "bureau",
           comment: str | None = None, when: When | None = None, allowed: tuple[str, ...] | None = None,
           title: str | None = None, summary: str | None = None) -> Item:
    """Record a decision. `allowed`: the names that may decide at this level (gongkai.toml: 组长/副组长
    for the bureau, [district] members for the district); None skips the check (library use)."""
    item = ledger.item(item_id)
    by, title, summary = by.strip(), (title or "").strip() or None, (summary or "").strip() or None
    if not by:
        raise UsageError("请用 --by 写明审核人姓名。")
    if level not in LEVEL_NAMES:
        raise UsageError("--level 只能是 bureau（局）或 district（区）。")
    if allowed is not None and by not in allowed:
        who = "不是局党务公开领导小组的组长或副组长（gongkai.toml [leadership]）" if level == "bureau" \
            else "不在区党务公开领导小组名单中（gongkai.toml [district] members）"
        valid = "、".join(allowed) if allowed else "（未配置，请先在 gongkai.toml 中填写）"
        raise UsageError(f"“{by}”{who}，不能记录审核结论；可用的姓名：{valid}。")
    codes = item.report.codes
    if (title or summary) and "NO_TEXT" not in codes:  # a draft with text names itself in public documents
        raise UsageError(f"{item.id} 不是扫描件，--title 和 --summary 只用于无法提取文字的文件；标题和摘要取自文稿本身。")
    if item.status in ("returned", "closed", "disclosed", "disclosed_inside"):
        _refuse(f"{item.id} 当前状态为“{STATUS_NAMES[item.status]}”，不能再审核。")
    if approve and item.status == "blocked":
        _check_unblock(item, codes, comment, title, summary)
    if level == "district" and item.status not in ("approved", "predisclosed"):
        _refuse(f"{item.id} 须先经局党务公开领导小组审核通过，再报区党务公开领导小组审核。")
    if level == "bureau" and item.status not in ("received", "blocked"):
        _refuse(f"{item.id} 已经过局党务公开领导小组审核（当前：{STATUS_NAMES[item.status]}）。")
    when = decided(ledger, item, when)
    new = ("approved" if level == "bureau" else item.status) if approve else "returned"
    action = f"{LEVEL_NAMES[level]}审核{'通过' if approve else '退回'}"
    data = {"kind": "review", "level": level, "decision": "approve" if approve else "reject", "by": by,
            "os_user": os_account(), "comment": comment or "", **dates(ledger, when)}
    if title or summary:
        data.update(title=title, summary=summary)
    ledger.transition(item.id, item.status, new, by, action + _on(when, ledger), comment, data)
    return ledger.item(item.id)


def set_category(ledger: Ledger, item: Item, code: int, name: str | None, by: str) -> Item:
    """The reviewer sets the content category (an undecided one — 类别待定 — or a wrong one)."""
    if not name:
        raise UsageError(f"没有第{code}类内容类别；--category 请写 1–7 的类别编号（见 gongkai rules show 中的 [categories]）。")
    if item.status == "closed":
        _refuse(f"{item.id} 已办结，不能再修改内容类别。")
    ledger.set_category(item.id, item.version, code, name, by)
    return ledger.item(item.id)


def _check_unblock(item: Item, codes: frozenset[str], comment: str | None, title: str | None,
                   summary: str | None) -> None:
    hard = {c for c in codes if c in ("SECRET", "NOT_PUBLIC")}
    if hard:
        _refuse(f"{item.id} 含有{block_names(hard)}，不能审核通过，也永远不能公开。")
    if not (comment and comment.strip()):
        _refuse(f"{item.id} 的文字无法提取（扫描件或乱码）或识别自扫描件，审核通过前须人工核对原件："
                "请用 --comment 写明人工核对结论。")
    ocr_read = bool(item.report.metadata and item.report.metadata.ocr and item.title)  # OCR gave the title
    if not (title and summary) and not ocr_read:
        _refuse(f"{item.id} 是扫描件，公开的文书需要标题和内容摘要：请用 --title 和 --summary 写明"
                "（或把录入的文字稿以“事项编号_文件名.docx”放入收件箱，作为新版本）。")


# ------------------------------------------------------------------ decision dates
def decided(ledger: Ledger, item: Item, when: When | None) -> When:
    """The date a decision was made (--date), checked: not in the future, not before the item existed,
    not before the previous step of the current version. None means now."""
    now = ledger.clock.now()
    if when is None:
        return When(now.date(), now)
    shown = when.iso.replace("T", " ")
    if when.day > now.date() or (when.at is not None and when.at > now):
        _refuse(f"日期 {shown} 晚于现在（{now.strftime('%Y-%m-%d %H:%M')}），不能记录尚未发生的决定。")
    zone = ledger.clock.tz.key
    created = local_day(item.created, zone)
    if created and when.day < created:
        _refuse(f"日期 {shown} 早于事项 {item.id} 的登记日期（{created.isoformat()}），请核对会议日期。")
    prev = previous_step(ledger, item)
    if prev:
        label, iso = prev
        day = local_day(iso, zone)
        later = when.at is not None and len(iso) > 10 and day == when.day and when.at < _aware(iso, ledger)
        if day and (when.day < day or later):
            _refuse(f"日期 {shown} 早于上一步“{label}”的日期（{iso[:16].replace('T', ' ')}），请核对会议日期。")
    return when


def _aware(iso: str, ledger: Ledger):
    from datetime import datetime

    t = datetime.fromisoformat(iso)
    return t if t.tzinfo else t.replace(tzinfo=ledger.clock.tz)


STEP_NAMES = {"version": "收到文稿", "review": "审核", "predisclose": "预公开", "publish": "公开", "close": "办结"}


def previous_step(ledger: Ledger, item: Item) -> tuple[str, str] | None:
    """(name, ISO date) of the latest dated step of the current version (its receipt counts)."""
    fs = facts(ledger, item)
    dated = [f for f in fs if f.get("kind") in STEP_NAMES and (f.get("date") or f.get("start"))]
    if dated:
        f = dated[-1]
        return STEP_NAMES[f["kind"]], f.get("date") or f["start"]
    received = ledger.version_received(item.id, item.version)
    return ("收到文稿", received) if received else None


def dates(ledger: Ledger, when: When) -> dict:
    """What an event keeps: the decision's date and when it was entered."""
    return {"date": when.iso, "entered": ledger.clock.stamp()}


def _on(when: When, ledger: Ledger) -> str:
    return "" if when.day == ledger.clock.today() else f"（{when.day.isoformat()} 决定）"


def decision_day(f: dict) -> date | None:
    iso = f.get("date") or f.get("start")
    return date.fromisoformat(iso[:10]) if iso else None


# ------------------------------------------------------------------ pre-disclosure
def predisclose_gate(item: Item, days: int) -> None:
    if days < 1:
        raise UsageError("预公开天数须至少为 1 个工作日。")
    if item.status != "approved":
        _refuse(f"{item.id} 当前状态为“{STATUS_NAMES[item.status]}”；只有审核通过的事项才能预公开。")


def predisclose(ledger: Ledger, item_id: str, days: int, by: str, cal: WorkCalendar,
                when: When | None = None) -> Item:
    item = ledger.item(item_id)
    predisclose_gate(item, days)
    when = decided(ledger, item, when)
    start = when.day
    end = cal.add(start, days)
    data = {"kind": "predisclose", "start": start.isoformat(), "end": end.isoformat(), "days": days,
            **dates(ledger, when)}
    ledger.transition(item.id, "approved", "predisclosed", by, f"预公开，征求意见 {days} 个工作日",
                      f"{start.isoformat()} 至 {end.isoformat()}", data)
    return ledger.item(item.id)


def predisclose_period(ledger: Ledger, item: Item) -> dict | None:
    periods = [f for f in facts(ledger, item) if f.get("kind") == "predisclose"]
    return periods[-1] if periods else None


# ------------------------------------------------------------------ publication
def publish(ledger: Ledger, item_id: str, scope: str, by: str, rules: Rules, when: When | None = None,
            require_signed_form: bool = False) -> Item:
    """Publish after every gate (publish_gate) has passed; one event records it."""
    item = ledger.item(item_id)
    copy = publish_gate(ledger, item, scope, rules, when, require_signed_form)
    when = decided(ledger, item, when)
    new = "disclosed_inside" if scope == "inside" else "disclosed"
    data = {"kind": "publish", "scope": scope, "os_user": os_account(), "redacted": copy.path if copy else "",
            "redacted_sha256": copy.sha256 if copy else "", **dates(ledger, when)}
    ledger.transition(item.id, item.status, new, by, f"{SCOPE_NAMES[scope]}公开" + _on(when, ledger), None, data)
    return ledger.item(item.id)


def publish_gate(ledger: Ledger, item: Item, scope: str, rules: Rules, when: When | None = None,
                 require_signed_form: bool = False):
    """Every gate of publication in one place, decided from the ledger alone (the item, its recorded
    decisions, its signed form and its recorded 公开稿 of the current version) — never from what lies in
    a folder. Returns the 公开稿 artifact an outside publication uses (None inside)."""
    from .scope import scope_of

    if scope not in SCOPE_NAMES:
        raise UsageError("--scope 只能是 inside（党内）或 outside（党外）。")
    fs = facts(ledger, item)
    _check_publishable(ledger, item, fs, (when.day if when else ledger.clock.today()))
    decided(ledger, item, when)
    if require_signed_form:
        _check_signed(ledger, item)
    codes = item.report.codes
    if scope == "inside":
        if item.status == "disclosed_inside":
            _refuse(f"{item.id} 已经党内公开。")
        return None
    limit = scope_of(item.report, rules)
    if not limit.outside:
        _refuse(f"{item.id} 不能对党外公开：{limit.reason}")
    if "INSIDE_FIRST" in codes and item.status != "disclosed_inside":
        _refuse(f"{item.id} 属于须“先党内后党外”的事项，请先党内公开（--scope inside），再向党外公开。")
    copy = ledger.artifact(item.id, item.version, "redacted")
    if copy is None:
        what = "扫描件无法自动生成公开稿，请把录入的文字稿作为新版本放入收件箱" if "NO_TEXT" in codes \
            else f"请先生成公开稿（gongkai generate forms --item {item.id}）"
        _refuse(f"{item.id} 对党外公开须用当前版本（第{item.version}版）经复查的公开稿，台账中没有；{what}。")
    if copy.status != "ok":
        _refuse(f"{item.id} 的公开稿（第{item.version}版）复查未通过：{copy.note}。请人工处理原稿后重新放入。")
    return copy


def _check_publishable(ledger: Ledger, item: Item, fs: list[dict], today: date) -> None:
    codes = item.report.codes
    if item.status == "blocked" or codes & {"SECRET", "NOT_PUBLIC"}:
        _refuse(f"{item.id} 含有不得公开的问题（{block_names(codes) or '已拦截'}），不能公开。")
    if item.status in ("received", "returned"):
        _refuse(f"{item.id} 尚未审核通过（当前：{STATUS_NAMES[item.status]}），不能公开；请先 gongkai review。")
    if item.status in ("disclosed", "closed"):
        _refuse(f"{item.id} 已经公开（当前：{STATUS_NAMES[item.status]}）。")
    if "NO_TEXT" in codes and not all(manual_text(fs)):
        _refuse(f"{item.id} 是扫描件，没有人工核对后填写的标题和摘要，不能公开（gongkai review {item.id} --approve"
                " --by 姓名 --comment 核对结论 --title 标题 --summary 摘要）。")
    district = last_review(fs, "district")
    if "ESCALATE" in codes and not (district and district["decision"] == "approve"):
        _refuse(f"{item.id} 属于特别重大事项，须经区党务公开领导小组审核通过后才能公开（gongkai review {item.id} --approve --level district --by 姓名）。")
    if "PRE_DISCLOSE" in codes or item.status == "predisclosed":
        period = predisclose_period(ledger, item)
        if period is None:
            _refuse(f"{item.id} 须先预公开征求意见，才能正式公开（gongkai predisclose {item.id} --days N）。")
        elif today <= date.fromisoformat(period["end"]):
            _refuse(f"{item.id} 的预公开期到 {period['end']} 结束，期满后才能正式公开。")


def _check_signed(ledger: Ledger, item: Item) -> None:
    """workflow.require_signed_form: the signed form of the CURRENT version is in the ledger."""
    versions = [f["version"] for f in ledger.signed_forms(item.id)]
    if item.version in versions:
        return
    older = f"（已收到的是第{'、'.join(str(v) for v in sorted(set(versions)))}版，版本不符）" if versions else ""
    _refuse(f"{item.id} 尚未收到第{item.version}版的签字审批表{older}，不能公开；"
            f"请把领导签字后的《党务公开审批表》（{item.id}，第{item.version}版）扫描后放入收件箱。")


# ------------------------------------------------------------------ closing
def close(ledger: Ledger, item_id: str, by: str, when: When | None = None) -> Item:
    item = ledger.item(item_id)
    if item.status not in ("disclosed", "disclosed_inside"):
        _refuse(f"{item.id} 当前状态为“{STATUS_NAMES[item.status]}”；只有已公开的事项才能办结。")
    open_fb = [f.id for f in ledger.feedback(item_id=item.id) if not f.answer]
    if open_fb:
        _refuse(f"{item.id} 还有 {len(open_fb)} 条意见未答复（{'、'.join(open_fb)}），答复后才能办结。")
    when = decided(ledger, item, when)
    ledger.transition(item.id, item.status, "closed", by, "办结" + _on(when, ledger), None,
                      {"kind": "close", **dates(ledger, when)})
    return ledger.item(item.id)


# ------------------------------------------------------------------ time limits
def due_date(kind: str | None, report_due: str | None, received: date, temporary_days: int,
             phase_days: int, cal: WorkCalendar) -> str:
    """临时性 work: N working days (China's calendar) after receipt; 阶段性: N calendar days; 规定性: the
    quarter's end (unless the draft names its own)."""
    if report_due:
        return report_due
    if kind == "phase":
        return (received + timedelta(days=phase_days)).isoformat()
    if kind == "periodic":
        return quarter_end(received).isoformat()
    return cal.add(received, temporary_days).isoformat()


def is_overdue(item: Item, today: date) -> bool:
    return bool(item.due) and item.status in ("received", "approved", "predisclosed", "returned") \
        and date.fromisoformat(item.due) < today
