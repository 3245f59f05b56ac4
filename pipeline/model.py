"""The data that flows between the stages: small frozen dataclasses, no behaviour beyond views."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

SEVERITIES = ("block", "redact", "obligation", "fix")
SEVERITY_NAMES = {"block": "不得公开", "redact": "需脱敏", "obligation": "须履行程序", "fix": "需修改"}
# What readers see instead of a rule code (codes stay in JSON, tests and the ledger only).
CODE_NAMES = {
    "SECRET": "涉密（标有密级）", "NOT_PUBLIC": "标明不公开或仅限内部", "NO_TEXT": "无法提取文字（须人工核对）",
    "PII_ID": "公民身份号码", "PII_PHONE": "个人手机号码", "PII_BANK": "银行卡号", "PII_NAME": "当事人姓名",
    "INSIDE_FIRST": "须先党内后党外", "PRE_DISCLOSE": "须预公开", "ESCALATE": "须报区党务公开领导小组审核",
    "MISSING_FIELD": "申请表缺栏目", "GARBLE": "转换错字", "BAD_DATE": "日期有误", "DOCNO_FORMAT": "发文字号格式",
    "SCOPE_CONFLICT": "公开范围与附注不一致", "HIDDEN_PART": "含有批注、修订、隐藏文字或文档属性",
    "UNCHECKED_PART": "含有无法检查的嵌入内容",
}
OCR_EVIDENCE = "（识别自扫描件）"  # the evidence of the NO_TEXT finding of a draft read by OCR


# Where in the file a block's text stands (Block.part). Machine-readable, for the checks and for the 公开稿
# (which removes or accepts the hidden ones); the Chinese name is what Block.location starts or ends with.
PARTS: dict[str, str] = {
    # the content a reader sees
    "body": "正文",  # paragraphs and table rows of a .docx, the page text of a PDF
    "textbox": "文本框",  # wps and VML text boxes, shapes with text
    "header": "页眉",  # every header of every section (default, first page, even pages), WordArt watermarks
    "footer": "页脚",
    "footnote": "脚注",
    "endnote": "尾注",
    "form_field": "表单域",  # PDF AcroForm field values
    "alt_chunk": "导入内容",  # altChunk parts (HTML / RTF / text that Word imports when it opens the file)
    "attachment": "附件",  # text of a file attached to a PDF (.docx / .pdf / .txt)
    "embedded": "嵌入对象",  # text of a .docx / .xlsx / .txt embedded in a .docx
    "xfa": "XFA 表单",  # the XFA form data of a PDF
    "picture": "图片中的文字",  # text OCR'd from a picture inside a .docx (a pasted ID card, a screenshot)
    # in the file but not on the printed page: each kind present gets a HIDDEN_PART finding of its own
    "comment": "批注",  # Word comments; PDF text notes, FreeText, stamps, popups
    "revision_inserted": "修订（已插入）",  # tracked insertion: the text also stands in its paragraph
    "revision_deleted": "修订（已删除）",  # tracked deletion (w:delText, moved-away text): Word still shows it
    "hidden": "隐藏文字",  # w:vanish runs
    "property": "文档属性",  # core / extended / custom properties, PDF document info and XMP metadata
    # in the file, not shown as such, but Word refills, links or shows it on demand
    "field_code": "域代码",  # w:instrText, fldSimple/@instr (the cached result is in the paragraph)
    "hyperlink": "超链接地址",  # hyperlink targets (tel:, mailto:, http:) from the part's .rels
    "alt_text": "图片说明",  # wp:docPr descr/title, VML alt and title
    "custom_xml": "自定义XML",  # customXml data parts (content controls are bound to them)
    "glossary": "文档部件",  # the glossary document (building blocks, AutoText)
}
HIDDEN_PARTS = ("comment", "revision_inserted", "revision_deleted", "hidden", "property")
ECHO_PARTS = ("revision_inserted",)  # text already matched in its paragraph: listed, not matched again


@dataclass(frozen=True)
class Block:
    """One located piece of a draft's text: a paragraph, a table row, a header line, a PDF page line, a
    comment, a property … `part` says where in the file it stands (a key of PARTS); `location` is what the
    clerk reads (第3段, 表1第2行, 页眉, 第2页, 批注2, 脚注1, 第4段（修订（已删除））, 文档属性·主题, 附件 名单.docx 第1段)."""

    text: str
    location: str  # shown to the user
    kind: str = "para"  # layout role: para | row | header | footer | page | aside (not in the body flow)
    cells: tuple[str, ...] = ()  # for kind == "row": the cell texts
    size: float | None = None  # font size (pt) of the block's first text, where the reader can tell
    red: bool = False  # printed in red, as the 版头 (发文机关标志) of GB/T 9704 is
    part: str = "body"  # a key of PARTS


@dataclass(frozen=True)
class Unchecked:
    """Something the file carries that could not be read (an embedded .bin object, a PDF attachment of an
    unreadable type): never ignored, it becomes an UNCHECKED_PART finding."""

    location: str  # 嵌入对象 oleObject1.bin（Excel.Sheet.8） / 附件 名单.zip
    reason: str  # why it was not read, in Chinese
    part: str = "embedded"  # a key of PARTS


@dataclass(frozen=True)
class Masks:
    """How personal data shows in anything shared or published (gongkai.toml [masks]): how many
    characters stay visible at the start and at the end. The defaults are common public-notice practice:
    mobile 138****2044, ID 330106********3414 (birth date hidden), bank card last 4 only, name 赵**."""

    mobile: tuple[int, int] = (3, 4)
    id: tuple[int, int] = (6, 4)
    bank: tuple[int, int] = (0, 4)
    name: int = 1  # characters of a name kept (the surname)
    char: str = "*"


DEFAULT_MASKS = Masks()


@dataclass(frozen=True)
class PictureRef:
    """A picture inside a file whose text is to be read by OCR: where the clerk finds it, and where it is
    in the file — a .docx's image part, or a PDF page (1-based) and the picture's box on it in the PDF's
    own coordinates (x0, y0, x1, y1 in points, y up: before the page's /Rotate and whatever its MediaBox
    or CropBox origin)."""

    location: str  # 第3段后·图片, 表1第2行·图片, 第2页·图片
    part: str = ""
    page: int = 0
    box: tuple[float, float, float, float] | None = None


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
    unchecked: tuple[Unchecked, ...] = ()  # parts present but not read
    notes: tuple[str, ...] = ()  # for the report: electronic seals of an OFD, pages read by OCR …
    ocr_pages: tuple[int, ...] = ()  # pages (1-based) whose text was recognised from a scan
    scan_pages: tuple[int, ...] = ()  # pages that are pictures, still to be OCR'd (read/ocr.py complete)
    pictures: tuple["PictureRef", ...] = ()  # pictures in the file still to be OCR'd (read/pictures.py)

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
class CategoryCandidate:
    code: int
    name: str


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
    category_confidence: float | None = None  # 0–1: the category's lead over the runner-up
    category_candidates: tuple[CategoryCandidate, ...] | None = None  # the best two when the category is null
    notes: tuple[str, ...] = ()  # said in the report and on the approval form (seals, OCR …)
    ocr: bool = False  # the fields were read by OCR from a scan (识别自扫描件)


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
            "metadata": _metadata_json(self.metadata) if self.metadata else None,
            "findings": [asdict(f) for f in self.findings] if self.status == "ok" else None,
            "disclosable": self.disclosable,
            "timing": asdict(self.timing) if self.timing else None,
        }

    @staticmethod
    def from_json(d: dict[str, Any]) -> "Report":
        md = d.get("metadata")
        if md:
            app = md.get("application")
            cands = md.get("category_candidates")
            md = Metadata(**{**md, "application": Application(**app) if app else None,
                             "category_candidates": tuple(CategoryCandidate(**c) for c in cands) if cands else None})
        return Report(
            file=d["file"],
            sha256=d.get("sha256"),
            status=d["status"],
            error=ErrorInfo(**d["error"]) if d.get("error") else None,
            metadata=md,
            findings=tuple(Finding(**f) for f in d.get("findings") or ()),
            timing=Timing(**d["timing"]) if d.get("timing") else None,
        )._with_ocr_flag()

    def _with_ocr_flag(self) -> "Report":
        """The JSON has no key for it: a recorded scan is known by its NO_TEXT finding read by OCR."""
        ocr = any(f.code == "NO_TEXT" and f.evidence == OCR_EVIDENCE for f in self.findings)
        if self.metadata is None or not ocr:
            return self
        return replace(self, metadata=replace(self.metadata, ocr=True))


def _metadata_json(md: Metadata) -> dict[str, Any]:
    """The keys of spec/check-report.md, no more: notes and the OCR flag live in the text report and the
    findings (every finding of a scan is located …（识别自扫描件）)."""
    d = asdict(md)
    d.pop("notes")
    d.pop("ocr")
    return d


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
