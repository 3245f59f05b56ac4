"""The workspace: a folder with gongkai.toml, inbox/, outbox/, archive/, failed/, the ledger and the log.
Settings are read once here and passed down explicitly."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError
from .model import DEFAULT_MASKS, Masks
from .workdays import WorkCalendar, calendar_from
from .read.libreoffice import ConvertSettings

CONFIG_NAME = "gongkai.toml"

DEFAULT_CONFIG = """\
# gongkai 工作区配置（党务公开）。修改后立即生效，无需重启命令行；监视程序需重启。

[organisation]
name = "中共青川区科学技术局党组"          # 单位名称，出现在生成的文书中
office = "局党务公开领导小组办公室"        # 办公室（设在局办公室）
supervision_phone = "85820611"            # 监督电话
opinion_box = "局机关一楼大厅征求意见箱"   # 意见箱位置
supervisors = ["陈一平", "章晓鸣"]         # 聘请的监督员

[leadership]                               # 局党务公开领导小组（见工作方案 六.2）
leader = "陈先荣"                          # 组长
deputies = ["陈翔峰", "张正浩", "蒋中平"]  # 副组长
members = ["陈一平", "章晓鸣"]             # 成员
liaison = "章晓鸣"                         # 办公室主任兼联络员
# 局审核（gongkai review --by）只接受组长、副组长的姓名

[district]                                 # 区党务公开领导小组：--level district 的审核人须在此名单中
members = ["李立"]                         # 组长、副组长姓名

[masks]                                    # 公开的文书中个人信息怎样显示：[开头保留几位, 末尾保留几位]
mobile = [3, 4]           # 手机号：138****2044
id = [6, 4]               # 身份证号：330106********3414（隐去出生日期）
bank = [0, 4]             # 银行卡号：只显示末 4 位
name = 1                  # 来信人、举报人等的姓名：只保留姓，如 赵**

[time_limits]                              # 公开时限（四(三)），单位：工作日 / 日
temporary_days = 5        # 临时性工作：收文后 N 个工作日内公开
phase_days = 30           # 阶段性工作：阶段结束后 N 日内公开（无法确定阶段结束时自收文起算）
predisclose_days = 5      # 预公开（公示）默认天数（工作日）

[calendar]                                 # 工作日按国务院办公厅节假日安排（含调休上班日）计算
zone = "Asia/Shanghai"    # 办公室所在时区：事项编号的年份、季度、期限都按这个时区的日期
holidays = []             # 程序尚无数据的年份：补充放假日，如 ["2027-01-01"]
workdays = []             # 补充调休上班日（周六、周日上班），如 ["2027-02-06"]

[folders]
inbox = "inbox"
outbox = "outbox"
archive = "archive"
failed = "failed"
templates = "templates"   # 工作区的文书模板（缺少时使用程序自带模板）

[checker]
rules = ""                # 办公室自己的规则文件（TOML），空表示使用默认规则

[workflow]
require_signed_form = false  # true：公开前须收到当前版本的签字审批表（签字后扫描放入收件箱即可）

[watch]
stable_seconds = 2.0      # 文件大小和修改时间保持不变多少秒后才处理
rescan_seconds = 30       # 定期重新扫描收件箱（弥补网络共享目录漏掉的事件）
polling = "auto"          # auto：网络文件系统上自动用轮询；true / false 强制

[site]                    # 网络式公开：局域网上的党务公开专栏（gongkai site build / gongkai serve）
dir = "site"              # 网站输出目录：site/public 党外公开，site/inside 党内公开（含工作台）
auto = false              # true：每次公开、办结、答复意见后自动重新生成网站
feedback_form = true      # gongkai serve 时，预公开和已公开事项的页面上提供网上意见表
rate_limit = 5            # 同一网络地址每小时最多提交几条网上意见

[convert]                 # .doc/.wps/.rtf/.odt 经 LibreOffice 转为 .docx 后检查
soffice = ""              # soffice 的位置，空表示在 PATH 中查找（Debian：apt-get install libreoffice-writer-nogui）
timeout = 60              # 单个文件转换的时限（秒），超时即中止并说明原因
max_memory_mb = 1024      # 常驻的 LibreOffice 占用内存超过此数（MB）时，在下一个文件前重启
"""


@dataclass(frozen=True)
class Leadership:
    leader: str
    deputies: tuple[str, ...]
    members: tuple[str, ...]
    liaison: str


@dataclass(frozen=True)
class Settings:
    root: Path
    org: str
    office: str
    phone: str
    opinion_box: str
    supervisors: tuple[str, ...]
    leadership: Leadership
    district: tuple[str, ...]
    masks: Masks
    temporary_days: int
    phase_days: int
    predisclose_days: int
    inbox: Path
    outbox: Path
    archive: Path
    failed: Path
    templates: Path
    rules_file: Path | None
    stable_seconds: float
    rescan_seconds: float
    polling: str
    calendar: WorkCalendar = WorkCalendar()
    require_signed_form: bool = False
    site_dir: Path | None = None
    site_auto: bool = False
    site_feedback: bool = True
    site_rate_limit: int = 5
    convert: ConvertSettings = ConvertSettings()

    @property
    def db(self) -> Path:
        return self.root / "gongkai.db"

    @property
    def log_file(self) -> Path:
        return self.root / "gongkai.log"


def find_root(start: Path) -> Path | None:
    for d in [start, *start.parents]:
        if (d / CONFIG_NAME).is_file():
            return d
    return None


def load_workspace(explicit: Path | None = None, cwd: Path | None = None) -> Settings:
    """The workspace named by --workspace, or the nearest folder upward with a gongkai.toml."""
    if explicit is not None:
        if not (explicit / CONFIG_NAME).is_file():
            raise UsageError(f"{explicit} 不是 gongkai 工作区（没有 {CONFIG_NAME}）；请先运行 gongkai init {explicit}。")
        root = explicit
    else:
        root = find_root((cwd or Path.cwd()).resolve())
        if root is None:
            raise UsageError("当前目录不在 gongkai 工作区中；请先运行 gongkai init，或用 --workspace 指定工作区。")
    return settings_from(root.resolve(), _read(root / CONFIG_NAME))


def init_workspace(root: Path) -> tuple[Settings, bool]:
    """Create the config and folders; an existing config is kept. Returns (settings, created)."""
    root.mkdir(parents=True, exist_ok=True)
    cfg = root / CONFIG_NAME
    created = not cfg.exists()
    if created:
        cfg.write_text(DEFAULT_CONFIG, encoding="utf-8")
    settings = settings_from(root.resolve(), _read(cfg))
    for folder in (settings.inbox, settings.outbox, settings.archive, settings.failed):
        folder.mkdir(parents=True, exist_ok=True)
    copy_templates(settings.templates, None)  # staff edit the workspace's copies (README: 模板)
    return settings, created


def copy_templates(dest: Path, workspace_templates: Path | None) -> tuple[list[Path], list[Path]]:
    """Copy each template in effect (the workspace's copy where it has one, else the packaged one) into
    dest; a file already there is kept, never overwritten. Returns (copied, kept)."""
    import shutil

    from .inbox import temp_beside
    from .render import TEMPLATE_KEYS, find_template

    try:
        dest.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise UsageError(f"{dest} 已存在且不是文件夹；请换一个目录。") from None
    copied, kept = [], []
    for name in TEMPLATE_KEYS:
        source = find_template(name, workspace_templates)
        target = dest / source.name
        if target.exists():
            kept.append(target)
            continue
        tmp = temp_beside(target)
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
        copied.append(target)
    return copied, kept


def _read(path: Path) -> dict[str, Any]:
    from .tomlfile import read_toml

    return read_toml(path, "配置文件")


def settings_from(root: Path, d: dict[str, Any]) -> Settings:
    try:
        org, lead, tl = d.get("organisation", {}), d.get("leadership", {}), d.get("time_limits", {})
        folders, checker, watch = d.get("folders", {}), d.get("checker", {}), d.get("watch", {})
        flow = d.get("workflow", {})
        site = d.get("site", {})
        conv = d.get("convert", {})
        rules = str(checker.get("rules", "") or "")
        return Settings(
            root=root,
            org=str(org.get("name", "")),
            office=str(org.get("office", "党务公开领导小组办公室")),
            phone=str(org.get("supervision_phone", "")),
            opinion_box=str(org.get("opinion_box", "征求意见箱")),
            supervisors=tuple(org.get("supervisors", ())),
            leadership=Leadership(str(lead.get("leader", "")), tuple(lead.get("deputies", ())),
                                  tuple(lead.get("members", ())), str(lead.get("liaison", ""))),
            district=tuple(str(n) for n in d.get("district", {}).get("members", ())),
            masks=_masks(d.get("masks", {})),
            temporary_days=int(tl.get("temporary_days", 5)),
            phase_days=int(tl.get("phase_days", 30)),
            predisclose_days=int(tl.get("predisclose_days", 5)),
            inbox=root / folders.get("inbox", "inbox"),
            outbox=root / folders.get("outbox", "outbox"),
            archive=root / folders.get("archive", "archive"),
            failed=root / folders.get("failed", "failed"),
            templates=root / folders.get("templates", "templates"),
            rules_file=(root / rules) if rules else None,
            stable_seconds=float(watch.get("stable_seconds", 2.0)),
            rescan_seconds=float(watch.get("rescan_seconds", 30)),
            polling=str(watch.get("polling", "auto")).lower(),
            calendar=calendar_from(d.get("calendar", {})),
            require_signed_form=_flag(flow.get("require_signed_form", False), "workflow.require_signed_form"),
            site_dir=root / str(site.get("dir", "site")),
            site_auto=_flag(site.get("auto", False), "site.auto"),
            site_feedback=_flag(site.get("feedback_form", True), "site.feedback_form"),
            site_rate_limit=int(site.get("rate_limit", 5)),
            convert=ConvertSettings(str(conv.get("soffice", "") or "") or None, str(conv.get("python", "") or "") or None,
                                    float(conv.get("timeout", 60)), int(conv.get("max_memory_mb", 1024))),
        )
    except (TypeError, ValueError, AttributeError) as e:
        raise UsageError(f"配置文件 {root / CONFIG_NAME} 的取值有误：{value_problem(d)}；"
                         "请对照 gongkai init 生成的样例修改。") from e


NUMBERS = {"time_limits": ("temporary_days", "phase_days", "predisclose_days"),
           "watch": ("stable_seconds", "rescan_seconds")}


def value_problem(d: dict[str, Any]) -> str:
    """Which entry is wrong, in words (for the message when a conversion above failed)."""
    for section, keys in NUMBERS.items():
        for key in keys:
            value = d.get(section, {}).get(key) if isinstance(d.get(section), dict) else None
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                return f"[{section}] 中的 {key} 应是数字（现在是 {value!r}），数字两边不要加引号"
    for section in ("organisation", "leadership", "time_limits", "folders", "checker", "watch", "workflow"):
        if section in d and not isinstance(d[section], dict):
            return f"[{section}] 应是一节（方括号标题下的若干行），现在是一个值"
    return "某一项的类型不对（数字、文字或列表）"


def _flag(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    raise UsageError(f"配置文件 {CONFIG_NAME} 中 {key} 只能是 true 或 false（现在是 {value!r}）。")


def _masks(d: dict[str, Any]) -> Masks:
    def pair(key: str) -> tuple[int, int]:
        value = d.get(key, getattr(DEFAULT_MASKS, key))
        head, tail = (int(v) for v in value)
        if head < 0 or tail < 0:
            raise ValueError(f"[masks] {key} 的位数不能为负")
        return head, tail

    return Masks(pair("mobile"), pair("id"), pair("bank"), int(d.get("name", DEFAULT_MASKS.name)),
                 str(d.get("char", DEFAULT_MASKS.char))[:1] or "*")


def convert_settings_near(cwd: Path | None = None) -> ConvertSettings:
    """`gongkai check` runs anywhere: the [convert] settings of the workspace around cwd, if there is one."""
    root = find_root((cwd or Path.cwd()).resolve())
    if root is None:
        return ConvertSettings()
    try:
        return settings_from(root.resolve(), _read(root / CONFIG_NAME)).convert
    except UsageError:
        return ConvertSettings()
