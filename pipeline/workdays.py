"""The office calendar: China's working days, quarters and months, and the office's clock.

Working days follow the State Council's annual notice (法定节假日 and 调休 make-up workdays) as packaged by
`chinesecalendar` (import name `chinese_calendar`), plus the office's own overrides from gongkai.toml
(`[calendar] holidays = [...]`, `workdays = [...]`) for years the package does not know yet. A year neither
knows is counted with weekends only, and `warning()` says so.

Every deadline in the pipeline goes through `WorkCalendar.add` (also `gongkai calendar DATE +N`); every
"which quarter / which month" goes through `Quarter` / `Month`; every "now" comes from a `Clock` in the
office's time zone (default Asia/Shanghai), so a server on UTC still gives the right year and quarter.

API for other modules (stable):
    cal = settings.calendar                 # WorkCalendar
    cal.is_workday(d) -> bool
    cal.add(d, n) -> date                   # n working days after d (n < 0: before; 0: d itself)
    cal.count(a, b) -> int                  # working days after a up to and including b (0 when b <= a)
    cal.warning(*days) -> str | None        # Chinese warning when a day lies beyond the known years
    Quarter.of(d), Quarter.parse("2026Q4"), q.start, q.end, q.holds(iso), q.label, q.code
    Month.parse("2026-11"), m.start, m.end, m.holds(iso), m.label
    clock = Clock(zone) / Clock(zone, fixed=datetime(...)); clock.now(), clock.today(), clock.stamp()
    local_day(iso, zone) -> date            # a stored timestamp (with or without offset) as an office day
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import UsageError

DEFAULT_ZONE = "Asia/Shanghai"
_MAX_STEPS = 3660  # ±N working days never loops for more than ten years of calendar days


@lru_cache(maxsize=1)
def _package_data() -> tuple[frozenset[date], frozenset[date], int, int]:
    """(holidays, make-up workdays, first year, last year) of the packaged State Council notices."""
    from chinese_calendar import constants

    hol, work = frozenset(constants.holidays), frozenset(constants.workdays)
    return hol, work, min(hol).year, max(hol).year


def package_years() -> tuple[int, int]:
    _, _, first, last = _package_data()
    return first, last


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: the packaged notices, then the office's overrides (which win)."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    zone: str = DEFAULT_ZONE
    _years: frozenset[int] = field(default=frozenset(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_years", frozenset(d.year for d in self.holidays | self.workdays))

    @property
    def tz(self) -> ZoneInfo:
        return zone_info(self.zone)

    def known(self, d: date) -> bool:
        first, last = package_years()
        return first <= d.year <= last or d.year in self._years

    def is_workday(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        hol, work, _, _ = _package_data()
        if d in work:
            return True
        return d.weekday() < 5 and d not in hol

    def add(self, d: date, n: int) -> date:
        """The date n working days after d (before d when n < 0); d itself when n == 0."""
        step = 1 if n > 0 else -1
        left = abs(n)
        for _ in range(_MAX_STEPS * (1 + left // 250)):
            if left == 0:
                return d
            d += timedelta(days=step)
            if self.is_workday(d):
                left -= 1
        raise UsageError(f"无法计算 {n} 个工作日：范围过大。")

    def count(self, a: date, b: date) -> int:
        """Working days after a up to and including b (how many working days an item has waited)."""
        if b <= a:
            return 0
        return sum(self.is_workday(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def warning(self, *days: date) -> str | None:
        unknown = sorted({d.year for d in days if not self.known(d)})
        if not unknown:
            return None
        first, last = package_years()
        years = "、".join(str(y) for y in unknown)
        return (f"注意：{years} 年的节假日和调休安排尚无数据（程序内置 {first}–{last} 年国务院办公厅通知），"
                f"暂按周六、周日休息计算；国务院公布安排后，请在 gongkai.toml 的 [calendar] 中填写 "
                "holidays = [...] 和 workdays = [...]。")


def zone_info(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise UsageError(f"时区“{name}”无法识别；请写成 Asia/Shanghai 这样的时区名。") from e


def calendar_from(section: dict) -> WorkCalendar:
    """[calendar] of gongkai.toml: zone, holidays, workdays (lists of YYYY-MM-DD)."""
    if not isinstance(section, dict):
        raise UsageError("gongkai.toml 的 [calendar] 应是一个表（zone、holidays、workdays）。")
    zone = str(section.get("zone", DEFAULT_ZONE) or DEFAULT_ZONE)
    zone_info(zone)
    hol = _dates(section.get("holidays", []), "holidays")
    work = _dates(section.get("workdays", []), "workdays")
    both = sorted(hol & work)
    if both:
        raise UsageError(f"[calendar] 中 {both[0].isoformat()} 同时写在 holidays 和 workdays 里，请删去一处。")
    return WorkCalendar(hol, work, zone)


def _dates(values: object, key: str) -> frozenset[date]:
    if not isinstance(values, list):
        raise UsageError(f"[calendar] {key} 应是日期列表，例如 {key} = [\"2027-01-01\"]。")
    out = set()
    for v in values:
        if isinstance(v, date) and not isinstance(v, datetime):
            out.add(v)
            continue
        try:
            out.add(date.fromisoformat(str(v).strip()))
        except ValueError as e:
            raise UsageError(f"[calendar] {key} 中的“{v}”不是 YYYY-MM-DD 格式的日期。") from e
    return frozenset(out)


# ------------------------------------------------------------------ quarters and months
QUARTER = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _holds(start: date, end: date, iso: str | None) -> bool:
    if not iso:
        return False
    try:
        return start <= date.fromisoformat(iso[:10]) <= end
    except ValueError:
        return False


@dataclass(frozen=True)
class Quarter:
    year: int
    q: int

    @classmethod
    def of(cls, d: date) -> "Quarter":
        return cls(d.year, (d.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        m = QUARTER.match(text.strip())
        if not m:
            raise UsageError(f"季度格式应为 2023Q4 这样的“年份Q季度”，收到：{text}")
        return cls(int(m[1]), int(m[2]))

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        return month_end(self.year, 3 * self.q)

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.q - 1]}季度"

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.q}"

    def holds(self, iso: str | None) -> bool:
        return _holds(self.start, self.end, iso)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, d: date) -> "Month":
        return cls(d.year, d.month)

    @classmethod
    def parse(cls, text: str) -> "Month":
        m = MONTH.match(text.strip())
        if not m or not 1 <= int(m[2]) <= 12:
            raise UsageError(f"月份格式应为 2026-11 这样的“年份-月份”，收到：{text}")
        return cls(int(m[1]), int(m[2]))

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return month_end(self.year, self.month)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def code(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def holds(self, iso: str | None) -> bool:
        return _holds(self.start, self.end, iso)


def month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def quarter_end(d: date) -> date:
    return Quarter.of(d).end


# ------------------------------------------------------------------ the office's clock
class Clock:
    """'Now' in the office's zone. Tests (and only tests) pass `fixed`."""

    def __init__(self, zone: str = DEFAULT_ZONE, fixed: datetime | None = None):
        self.tz = zone_info(zone)
        if fixed is not None and fixed.tzinfo is None:
            fixed = fixed.replace(tzinfo=self.tz)
        self.fixed = fixed

    def now(self) -> datetime:
        return (self.fixed or datetime.now(self.tz)).astimezone(self.tz).replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()

    def stamp(self) -> str:
        """ISO 8601 with the offset, e.g. 2026-11-30T09:15:00+08:00 — how the ledger stores times."""
        return self.now().isoformat(timespec="seconds")


def local_day(iso: str | None, zone: str = DEFAULT_ZONE) -> date | None:
    """The office's calendar day of a stored date or timestamp (one without an offset is office time)."""
    if not iso:
        return None
    try:
        if len(iso) <= 10:
            return date.fromisoformat(iso)
        t = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return t.astimezone(zone_info(zone)).date() if t.tzinfo else t.date()


WHEN = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$")


@dataclass(frozen=True)
class When:
    """A decision's date as the liaison gave it: a day, optionally with a time (office zone)."""

    day: date
    at: datetime | None = None

    @property
    def iso(self) -> str:
        return self.at.isoformat(timespec="minutes") if self.at else self.day.isoformat()


def parse_when(text: str, zone: str = DEFAULT_ZONE) -> When:
    """--date YYYY-MM-DD[ HH:MM] in the office's zone."""
    m = WHEN.match(text.strip())
    if not m:
        raise UsageError(f"--date 应写成 2026-11-27 或 \"2026-11-27 15:30\"，收到：{text}")
    try:
        day = date(int(m[1]), int(m[2]), int(m[3]))
        at = datetime(day.year, day.month, day.day, int(m[4]), int(m[5]), tzinfo=zone_info(zone)) if m[4] else None
    except ValueError as e:
        raise UsageError(f"--date 中的日期或时间不存在：{text}") from e
    return When(day, at)
