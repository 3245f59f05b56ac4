"""The data that flows between the stages: small frozen dataclasses, no behaviour beyond views."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("block", "redact", "obligation", "fix")
SEVERITY_NAMES = {"block": "不得公开", "redact": "需脱敏", "obligation": "须履行程序", "fix": "需修改"}


@dataclass(frozen=True)
class Block:
    """One located piece of a draft's text: a paragraph, a table row, a header line or a PDF page line."""

    text: str
    location: str  # shown to the user: 第3段 / 表1第2行 / 页眉 / 第2页
    kind: str = "para"  # para | row | header | footer | page
    cells: tuple[str, ...] = ()  # for kind == "row": the cell texts
    size: float | None = None  # font size (pt) of the block's first text, where the reader can tell
    red: bool = False  # printed in red, as the 版头 (发文机关标志) of GB/T 9704 is


@dataclass(frozen=True)
class Draft:
    """A file read into located blocks. Nothing here has been interpreted yet."""

    path: str
    format: str  # docx | pdf
    sha256: str
    blocks: tuple[Block, ...]
    pages: int | None = None
    core_title: str | None = None
    no_text_reason: str | None = None  # set when the text layer is missing or unusable

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass(frozen=True)
class Application:
    """The fields of a 党务公开事项申请表."""

    subject: str | None = None
    department: str | None = None
    content: str | None = None
    scope: str | None = None
    form: str | None = None
    period: str | None = None
    applicant: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Metadata:
    format: str
    pages: int | None = None
    title: str | None = None
    doc_number: str | None = None
    date: str | None = None
    issuer: str | None = None
    secrecy: str | None = None
    secrecy_period: str | None = None
    disclosure_note: str | None = None
    category: int | None = None
    category_name: str | None = None
    application: Application | None = None


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    evidence: str
    location: str


@dataclass(frozen=True)
class Timing:
    kind: str | None = None  # periodic | phase | temporary
    due: str | None = None  # ISO date


@dataclass(frozen=True)
class ErrorInfo:
    code: str
    message: str


@dataclass(frozen=True)
class Report:
    """The result of checking one file; its JSON form is spec/check-report.md."""

    file: str
    sha256: str | None
    status: str  # ok | error
    error: ErrorInfo | None = None
    metadata: Metadata | None = None
    findings: tuple[Finding, ...] = ()
    timing: Timing | None = None

    @property
    def disclosable(self) -> bool | None:
        if self.status != "ok":
            return None
        return not any(f.severity == "block" for f in self.findings)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(f.code for f in self.findings)

    @property
    def verdict(self) -> str:
        """The one-line verdict a clerk reads."""
        if self.status != "ok":
            return "无法检查"
        sev = {f.severity for f in self.findings}
        if "block" in sev:
            return "不得公开"
        if "redact" in sev:
            return "需脱敏后对外公开"
        if "obligation" in sev:
            return "须履行程序"
        if "fix" in sev:
            return "可以公开（公开前请先改正所列问题）"
        return "可以公开"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "status": self.status,
            "error": asdict(self.error) if self.error else None,
            "metadata": asdict(self.metadata) if self.metadata else None,
            "findings": [asdict(f) for f in self.findings] if self.status == "ok" else None,
            "disclosable": self.disclosable,
            "timing": asdict(self.timing) if self.timing else None,
        }

    @staticmethod
    def from_json(d: dict[str, Any]) -> "Report":
        md = d.get("metadata")
        if md:
            app = md.get("application")
            md = Metadata(**{**md, "application": Application(**app) if app else None})
        return Report(
            file=d["file"],
            sha256=d.get("sha256"),
            status=d["status"],
            error=ErrorInfo(**d["error"]) if d.get("error") else None,
            metadata=md,
            findings=tuple(Finding(**f) for f in d.get("findings") or ()),
            timing=Timing(**d["timing"]) if d.get("timing") else None,
        )


@dataclass(frozen=True)
class Event:
    at: str
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    comment: str | None = None


@dataclass(frozen=True)
class Item:
    """A disclosure item in the ledger (one per document, several versions possible)."""

    id: str
    status: str
    title: str | None
    file: str
    sha256: str
    version: int
    report: Report
    due: str | None = None
    created: str = ""
    events: tuple[Event, ...] = field(default=())
