"""An Office Open XML package (.docx, or a .docx/.xlsx embedded in one) opened for reading: its parts and
their relationships, each part through the safe zip layer (safezip.py). ISO/IEC 29500 Strict files
(purl.oclc.org namespaces) are read as well: their namespaces are mapped to the transitional ones before
parsing, so every reader sees one vocabulary."""
from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import InputError
from .limits import Limits
from .safezip import SafeZip, parse_xml

PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
STRICT = [  # Strict → transitional namespace (longest first: prefixes of one another)
    ("http://purl.oclc.org/ooxml/officeDocument/relationships", "http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    ("http://purl.oclc.org/ooxml/officeDocument/extendedProperties", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
    ("http://purl.oclc.org/ooxml/officeDocument/customProperties", "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"),
    ("http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes", "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"),
    ("http://purl.oclc.org/ooxml/officeDocument/sharedTypes", "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes"),
    ("http://purl.oclc.org/ooxml/officeDocument/math", "http://schemas.openxmlformats.org/officeDocument/2006/math"),
    ("http://purl.oclc.org/ooxml/wordprocessingml/main", "http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
    ("http://purl.oclc.org/ooxml/spreadsheetml/main", "http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
    ("http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing", "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"),
    ("http://purl.oclc.org/ooxml/drawingml/picture", "http://schemas.openxmlformats.org/drawingml/2006/picture"),
    ("http://purl.oclc.org/ooxml/drawingml/chart", "http://schemas.openxmlformats.org/drawingml/2006/chart"),
    ("http://purl.oclc.org/ooxml/drawingml/main", "http://schemas.openxmlformats.org/drawingml/2006/main"),
]
STRICT_MARK = b"http://purl.oclc.org/ooxml/"
BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, NotImplementedError,
          RuntimeError, etree.XMLSyntaxError, UnicodeDecodeError)


@dataclass(frozen=True)
class Rel:
    type: str  # the last segment of the relationship type: officeDocument, header, footnotes, hyperlink …
    target: str  # a part name inside the package, or the external address
    external: bool


class Package:
    """Read-only access to the parts of one package, every part inflated and parsed through the safe zip
    layer (caps, DOCTYPE refusal, one budget shared with nested packages). `source` is a file, the bytes of
    an embedded package, or an open SafeZip (a package nested in another)."""

    def __init__(self, source: Path | bytes | SafeZip, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.zip = source if isinstance(source, SafeZip) else SafeZip(source, self.limits)
        self.names = set(self.zip.names)
        try:
            self.strict = "_rels/.rels" in self.names and STRICT_MARK in self.zip.read("_rels/.rels")
            root_rels = self.rels("")
        except BROKEN as e:
            self.close()
            raise corrupt() from e
        main = next((r for r in root_rels if r.type == "officeDocument" and not r.external), None)
        self.main = main.target if main and main.target in self.names else None
        self.root_rels = root_rels

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> "Package":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def has(self, name: str) -> bool:
        return name in self.names

    def data(self, name: str) -> bytes:
        """The bytes of a part, inflated under the caps."""
        return self.zip.read(name)

    def nested(self, name: str) -> "Package":
        """A package stored as a part (an embedded .docx / .xlsx), read under the same budget."""
        return Package(self.zip.nested(name), self.limits)

    def xml(self, name: str) -> etree._Element | None:
        """The parsed part, None when the package has no such part. A damaged part is an InputError."""
        if name not in self.names:
            return None
        data = self.data(name)
        if self.strict:
            for strict, transitional in STRICT:
                data = data.replace(strict.encode(), transitional.encode())
        return parse_xml(data, name)

    def rels(self, part: str) -> list[Rel]:
        """The relationships of a part ("" for the package itself), targets resolved to part names."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        if root is None:
            return []
        out = []
        for r in root.iter(PKG_RELS):
            target = r.get("Target") or ""
            external = r.get("TargetMode") == "External"
            if not external:
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out.append(Rel((r.get("Type") or "").rstrip("/").rsplit("/", 1)[-1], target, external))
        return out

    def rel_map(self, part: str) -> dict[str, Rel]:
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        if root is None:
            return {}
        rels = self.rels(part)
        return {r.get("Id"): rel for r, rel in zip(root.iter(PKG_RELS), rels)}


def corrupt() -> InputError:
    return InputError("Word 文件内容损坏，无法打开；请在 Word 中打开原稿，另存为新的 .docx 后重新放入。", "CORRUPT")
