"""Zip packages read without trusting what they declare: a .docx, and any other zip-based format
(OFD, an .xlsx or .docx embedded in a draft).

- the end record is read first: too many entries, or a central directory too large for them, is refused
  before zipfile builds an entry object for each;
- only stored and deflated entries, none encrypted (Word writes nothing else; bzip2/lzma can inflate a
  few KB into GBs in one call);
- every part is inflated as a stream, 1 MB at a time, against a byte cap per part and one budget for the
  whole package (nested packages share it): the declared size is never trusted, and a size that lies
  fails the CRC;
- XML parts: a DOCTYPE is refused (Word refuses them too), entities are never expanded, the network is
  never used, no huge trees; the elements and the Word paragraphs of all XML parts are counted from the
  bytes before any parser builds a tree.

    with SafeZip(data, limits) as z:      # bytes or a Path
        z.validate()                      # every part once: caps, CRCs, DOCTYPEs, element count
        root = z.xml("word/footnotes.xml")
        inner = z.nested("word/embeddings/x.docx")

Everything refused is an InputError with a Chinese message; `what` names the kind of file in it.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from lxml import etree

from ..errors import InputError
from .limits import Limits

CHUNK = 1 << 20
MAX_PROLOG = CHUNK  # an XML declaration and comments before the root: never this long in a real part
MAX_NESTING = 3  # a package inside a package inside a package
CD_BYTES_PER_ENTRY = 1024  # central-directory bytes allowed per entry (46 + name + extra + comment)
XML_SUFFIXES = (".xml", ".rels", ".vml")


def safe_parser() -> etree.XMLParser:
    """The only XML parser for untrusted parts: no entities, no DTD, no network, no huge trees."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False)


@dataclass
class Budget:
    """What is left to inflate and to count, shared by a package and the packages nested in it."""

    bytes_left: int
    nodes_left: int
    paragraphs_left: int


class SafeZip:
    def __init__(self, source: Path | bytes, limits: Limits, *, what: str = "Word 文件",
                 budget: Budget | None = None, depth: int = 0):
        self.limits = limits
        self.what = what
        self.budget = budget or Budget(limits.max_unzipped_bytes, limits.max_xml_nodes, limits.max_paragraphs)
        self.depth = depth
        self._spent: set[str] = set()  # parts already counted against the budget
        self._fp: BinaryIO = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else open(source, "rb")
        try:
            self._check_end_record()
            self._zip = zipfile.ZipFile(self._fp)
            self._infos = self._zip.infolist()
        except InputError:
            self._fp.close()
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
            self._fp.close()
            raise self._corrupt() from e
        self._check_entries()
        self._xml_types = None
        self._validated = False

    # ------------------------------------------------------------------ public
    @property
    def names(self) -> tuple[str, ...]:
        return tuple(i.filename for i in self._infos)

    def has(self, name: str) -> bool:
        return name in self._zip.NameToInfo

    def read(self, name: str) -> bytes:
        """A part's bytes, inflated against the caps (counted once against the package budget)."""
        info = self._info(name)
        xml = self.is_xml(name)
        out = bytearray()
        count = _Count()
        for chunk in self._stream(info):
            out += chunk
            if xml:
                count.feed(chunk)
        if xml:
            self._check_xml_head(bytes(out[:MAX_PROLOG]), name)
        self._settle(info.filename, len(out), count)
        return bytes(out)

    def xml(self, name: str) -> etree._Element:
        """A part parsed by the safe parser; a DOCTYPE or malformed XML is refused."""
        return parse_xml(self.read(name), name, self.what)

    def nested(self, name: str, what: str = "嵌入的文件") -> "SafeZip":
        """A package stored as a part (an embedded .docx/.xlsx), read under the same budget."""
        if self.depth + 1 >= MAX_NESTING:
            raise InputError(f"{self.what}中嵌套的压缩包层数过多，疑似异常文件；请在 Word 中另存为新文件后再放入。", "ZIP_BOMB")
        return SafeZip(self.read(name), self.limits, what=what, budget=self.budget, depth=self.depth + 1)

    def validate(self) -> None:
        """Inflate every part once, discarding the bytes: caps, CRCs, XML prologs and element counts.
        After it, any reader (python-docx included) can inflate these parts without a surprise."""
        if self._validated:
            return
        for info in self._infos:
            if info.is_dir():
                continue
            xml = self.is_xml(info.filename)
            head = b""
            size, count = 0, _Count()
            for chunk in self._stream(info):
                size += len(chunk)
                if xml:
                    if len(head) < MAX_PROLOG:
                        head += chunk[:MAX_PROLOG - len(head)]
                    count.feed(chunk)
            if xml:
                self._check_xml_head(head, info.filename)
            self._settle(info.filename, size, count)
        self._validated = True

    def is_xml(self, name: str) -> bool:
        lower = name.lower()
        if lower.endswith(XML_SUFFIXES):
            return True
        types = self._content_types()
        return _is_xml_type(types.get("/" + name.lstrip("/").lower()) or types.get(PurePosixPath(lower).suffix))

    def close(self) -> None:
        self._zip.close()
        self._fp.close()

    def __enter__(self) -> "SafeZip":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ checks
    def _check_end_record(self) -> None:
        end = zipfile._EndRecData(self._fp)  # the end record, zip64 included, without reading any entry
        if end is None:
            raise self._corrupt()
        entries, cd_size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
        if entries > self.limits.max_zip_entries or cd_size > self.limits.max_zip_entries * CD_BYTES_PER_ENTRY:
            raise self._too_many(max(entries, cd_size // 46))
        self._fp.seek(0)

    def _check_entries(self) -> None:
        if len(self._infos) > self.limits.max_zip_entries:
            raise self._too_many(len(self._infos))
        declared = 0
        for info in self._infos:
            if info.flag_bits & 0x1:
                raise InputError(f"{self.what}内部的部件（{info.filename}）被加密，无法读取；请在 Word 中取消加密后另存再放入。",
                                 "ENCRYPTED")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise InputError(f"{self.what}内部使用了 Word 不会使用的压缩方式（{info.filename}），疑似异常文件；"
                                 "请在 Word 中另存为新的 .docx 后再放入。", "ZIP_BOMB")
            if info.file_size > self.limits.max_part_bytes:
                raise self._bomb(info.filename, info.file_size)
            declared += info.file_size
        if declared > self.budget.bytes_left:
            raise self._bomb(None, declared)

    def _stream(self, info: zipfile.ZipInfo):
        """The inflated bytes of one entry, CHUNK at a time, never more than the caps allow."""
        cap = self.limits.max_part_bytes
        seen = 0
        try:
            with self._zip.open(info) as f:
                while True:
                    chunk = f.read(CHUNK)
                    if not chunk:
                        break
                    seen += len(chunk)
                    if seen > cap:
                        raise self._bomb(info.filename, seen)
                    if info.filename not in self._spent and seen > self.budget.bytes_left:
                        raise self._bomb(None, seen)
                    yield chunk
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
            # a CRC mismatch here is a declared size that lies, or damage: either way the part is not what it says
            raise self._corrupt(info.filename) from e

    def _settle(self, name: str, size: int, count: "_Count") -> None:
        """Count a part against the package budget, once however often it is read."""
        if name in self._spent:
            return
        self._spent.add(name)
        self.budget.bytes_left -= size
        self.budget.nodes_left -= count.nodes
        self.budget.paragraphs_left -= count.paragraphs
        if self.budget.paragraphs_left < 0:
            raise InputError(
                f"{self.what}的段落过多（超过 {self.limits.max_paragraphs:,} 段），疑似异常文件，未检查；"
                "请确认来源，或拆分成几个文件后再放入。", "TOO_LARGE")
        if self.budget.nodes_left < 0:
            raise InputError(
                f"{self.what}的内容结构过于庞大（超过 {self.limits.max_xml_nodes:,} 个 XML 元素），疑似异常文件；"
                "请确认来源，或拆分成几个文件后再放入。", "TOO_COMPLEX")

    def _check_xml_head(self, head: bytes, name: str) -> None:
        verdict = _prolog_doctype(head)
        if verdict is None and len(head) >= MAX_PROLOG:
            raise InputError(f"{self.what}内部的 XML 部件（{name}）开头异常（超长的声明或注释），疑似恶意构造；"
                             "请用 Word 打开原稿，另存为新文件后再放入。", "XML_DOCTYPE")
        if verdict:
            raise doctype_error(name, self.what)

    def _info(self, name: str) -> zipfile.ZipInfo:
        try:
            return self._zip.getinfo(name)
        except KeyError:
            raise InputError(f"{self.what}缺少内部部件 {name}，文件不完整；请重新保存后再放入。", "CORRUPT") from None

    def _content_types(self) -> dict[str, str]:
        if self._xml_types is None:
            self._xml_types = {}
            if self.has("[Content_Types].xml"):
                root = self.xml("[Content_Types].xml")
                for el in root:
                    tag = el.tag if isinstance(el.tag, str) else ""
                    ctype = el.get("ContentType") or ""
                    if tag.endswith("}Default") and el.get("Extension"):
                        self._xml_types["." + el.get("Extension").lower()] = ctype
                    elif tag.endswith("}Override") and el.get("PartName"):
                        self._xml_types[el.get("PartName").lower()] = ctype
        return self._xml_types

    # ------------------------------------------------------------------ messages
    def _corrupt(self, part: str | None = None) -> InputError:
        where = f"（内部部件 {part} 的数据与声明不符或已损坏）" if part else ""
        return InputError(f"{self.what}已损坏或不完整{where}（可能复制中断或下载未完成）；请从原处重新保存一份后再放入。",
                          "CORRUPT")

    def _too_many(self, n: int) -> InputError:
        return InputError(f"{self.what}内部条目过多（{n} 个，上限 {self.limits.max_zip_entries} 个），疑似异常文件；"
                          "请在 Word 中另存为新文件后再放入。", "ZIP_BOMB")

    def _bomb(self, part: str | None, size: int) -> InputError:
        if part:
            detail = f"内部部件 {part} 解压后超过 {self.limits.max_part_bytes / 1048576:.0f} MB"
        else:
            detail = f"解压后超过 {self.limits.max_unzipped_bytes / 1048576:.0f} MB"
        return InputError(f"{self.what}{detail}，疑似异常文件（压缩炸弹）；请确认来源，另存为正常的文件后再放入。", "ZIP_BOMB")


def doctype_error(name: str, what: str = "Word 文件") -> InputError:
    return InputError(f"{what}内部的 XML 部件（{name}）含有 DOCTYPE 声明（Word 不会写入，也拒绝打开这样的文件），"
                      "疑似恶意构造；请用 Word 打开原稿，另存为新文件后再放入。", "XML_DOCTYPE")


def parse_xml(data: bytes, name: str, what: str = "Word 文件") -> etree._Element:
    """Parse one untrusted XML part: DOCTYPE refused before and after parsing, entities never expanded."""
    verdict = _prolog_doctype(data[:MAX_PROLOG])
    if verdict or (verdict is None and len(data) >= MAX_PROLOG):
        raise doctype_error(name, what)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as e:
        raise InputError(f"{what}内部的 XML 部件（{name}）已损坏，无法读取；请在 Word 中打开原稿，另存为新文件后再放入。",
                         "CORRUPT") from e
    if root.getroottree().docinfo.doctype:
        raise doctype_error(name, what)
    return root


class _Count:
    """From the bytes of an XML part, chunk by chunk: its start tags (every '<' that does not begin '</':
    an overcount by comments, PIs and CDATA, which is safe) and its Word paragraphs (<w:p> and <w:p …>)."""

    PARAS = (b"<w:p>", b"<w:p ")

    def __init__(self) -> None:
        self.nodes = self.paragraphs = 0
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        joined = self._tail + chunk  # a tag split between two chunks is counted once
        self.nodes += chunk.count(b"<") - chunk.count(b"</") - (self._tail[-1:] == b"<" and chunk[:1] == b"/")
        self.paragraphs += sum(joined.count(p) - self._tail.count(p) for p in self.PARAS)
        self._tail = chunk[-4:]


_WS = re.compile(r"[ \t\r\n]*")


def _prolog_doctype(head: bytes) -> bool | None:
    """True: a DOCTYPE precedes the root element; False: the root element comes first; None: the prolog
    does not end within `head`."""
    text = _decode_head(head)
    i = 0
    while True:
        i = _WS.match(text, i).end()
        if text.startswith("<?", i):
            end = "?>"
        elif text.startswith("<!--", i):
            end = "-->"
        elif text.startswith("<!", i):
            return True  # the only other markup allowed before the root is <!DOCTYPE
        else:
            return None if i >= len(text) else False
        j = text.find(end, i + 2)
        if j < 0:
            return None
        i = j + len(end)


def _decode_head(head: bytes) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return _decode(head[len(bom):], codec)
    for sig, codec in ((b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
                       (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be")):
        if head.startswith(sig):
            return _decode(head, codec)
    return head.decode("latin-1")  # the prolog's markup is ASCII in every ASCII-compatible encoding


def _decode(data: bytes, codec: str) -> str:
    unit = 4 if "32" in codec else 2
    return data[:len(data) - len(data) % unit].decode(codec, errors="replace")


def _is_xml_type(ctype: str | None) -> bool:
    return bool(ctype) and (ctype.endswith("+xml") or ctype.endswith("/xml"))
