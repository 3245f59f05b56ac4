"""An item's document as a safe HTML fragment: .docx through mammoth, then an allow-list sanitiser (nh3,
the Rust `ammonia` cleaner) so nothing but plain structure survives — no links, images, scripts,
attributes or styles. Conversions are cached by the sha256 of the file's bytes, and run in a process
pool when many are missing (a cold build of a large ledger)."""
from __future__ import annotations

import io
import os
import re
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..read import sha256_of

CACHE_VERSION = "1"
TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "u", "s", "sub", "sup", "br",
        "ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "th", "blockquote"}
ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
# what mammoth needs from a .docx: the body, its relationships, styles (names only), lists and notes
KEEP_PARTS = ("[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
              "word/styles.xml", "word/numbering.xml", "word/footnotes.xml", "word/endnotes.xml")
USED_STYLE = re.compile(rb'w:(?:p|r|tbl)Style w:val="([^"]+)"')
MAX_PARTS_BYTES = 64 << 20  # a bounded read: a zip bomb is refused before the check would let it in
STYLE_MAP = "\n".join([
    "p[style-name='Title'] => h2:fresh", "p[style-name='标题'] => h2:fresh",
    "p[style-name='heading 1'] => h3:fresh", "p[style-name='heading 2'] => h4:fresh",
    "p[style-name='heading 3'] => h5:fresh", "comment-reference => !",
])


def docx_html(path: Path) -> str:
    """The sanitised HTML of a .docx (Chinese message paragraph when it cannot be converted)."""
    import mammoth
    import nh3

    try:
        result = mammoth.convert_to_html(_slim(path), style_map=STYLE_MAP,
                                         convert_image=mammoth.images.img_element(lambda image: {}))
    except Exception:  # noqa: BLE001 — a document mammoth cannot read must not stop the site
        return "<p>（本文件无法转换为网页，请查阅原件。）</p>"
    return nh3.clean(result.value, tags=TAGS, attributes=ATTRIBUTES, url_schemes=set(), link_rel=None,
                     strip_comments=True)


STYLES_OPEN = re.compile(rb"<w:styles\b[^>]*>")


def _used_styles(data: bytes, used: set[str]) -> bytes:
    """styles.xml with only the w:style elements the body uses (mammoth reads only their names): each used
    id is looked up directly, so Word's table of hundreds of latent styles is never scanned by a regex."""
    head = STYLES_OPEN.search(data)
    if head is None:
        return data
    keep = []
    for style_id in sorted(used):
        at = data.find(b'w:styleId="' + style_id.encode("utf-8") + b'"', head.end())
        if at < 0:
            continue
        start = data.rfind(b"<w:style ", head.end(), at)
        end = data.find(b"</w:style>", at)
        if start >= 0 and end >= 0:
            keep.append(data[start:end + len(b"</w:style>")])
    return data[:head.end()] + b"".join(keep) + b"</w:styles>"


def _needed(name: str, body: bytes, styles: bytes) -> bool:
    """Lists and notes are read only when the body (or a style it uses) refers to them."""
    if name == "word/numbering.xml":
        return b"w:numPr" in body or b"w:numPr" in styles
    if name == "word/footnotes.xml":
        return b"w:footnoteReference" in body
    if name == "word/endnotes.xml":
        return b"w:endnoteReference" in body
    return True


def _slim(path: Path) -> io.BytesIO:
    """The parts mammoth reads, with styles.xml cut to the styles the body uses and lists and notes left out
    when nothing refers to them: Word's full style table (hundreds of latent styles) and an unused
    numbering part are most of mammoth's time on a short document."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as o:
        infos = {i.filename: i for i in z.infolist()}
        if sum(infos[n].file_size for n in KEEP_PARTS if n in infos) > MAX_PARTS_BYTES:
            raise ValueError("too large")
        body = z.read("word/document.xml")
        used = {m.decode("utf-8", "replace") for m in USED_STYLE.findall(body)}
        styles = _used_styles(z.read("word/styles.xml"), used) if "word/styles.xml" in infos else b""
        for name in KEEP_PARTS:
            if name not in infos or not _needed(name, body, styles):
                continue
            o.writestr(name, body if name == "word/document.xml" else styles if name == "word/styles.xml"
                       else z.read(name))
    out.seek(0)
    return out


def _convert(job: tuple[str, Path]) -> tuple[str, str | None]:
    """(sha, html) for a pool worker; html is None when the file is no longer the one the ledger recorded."""
    sha, path = job
    try:
        if sha256_of(path) != sha:
            return sha, None
    except OSError:
        return sha, None
    return sha, docx_html(path)


class Converter:
    """docx → HTML with a cache folder keyed by the sha256 the ledger recorded for the document. The folder is
    listed once per build, so an unchanged item costs no file system call until its page is rendered."""

    def __init__(self, cache: Path):
        self.cache = cache
        cache.mkdir(parents=True, exist_ok=True)
        self.names = set(os.listdir(cache))
        self.refused: set[str] = set()  # recorded sha, but the file on disk is another
        self.used: set[str] = set()  # every document this build shows (kept by prune)

    def _name(self, sha: str) -> str:
        return f"{sha}.v{CACHE_VERSION}.html"

    def has(self, sha: str) -> bool:
        return self._name(sha) in self.names

    def path(self, sha: str) -> Path:
        return self.cache / self._name(sha)

    def html(self, sha: str) -> str:
        return self.path(sha).read_text(encoding="utf-8")

    def leaks(self, sha: str, check, salt: str) -> bool:
        """The public guard's verdict on a converted document; a clean verdict is remembered per document and
        rules (salt: a fingerprint of the PII patterns), a leak is checked again every build."""
        mark = f"{sha}.v{CACHE_VERSION}.{salt}.clean"
        if mark in self.names:
            return False
        if check(self.html(sha)):
            return True
        (self.cache / mark).touch()
        self.names.add(mark)
        return False

    def prepare(self, files: dict[str, Path], workers: int | None = None) -> None:
        """Convert the documents (sha → path) not cached yet, in a process pool when there are many."""
        self.used |= set(files)
        todo = [(sha, path) for sha, path in files.items() if not self.has(sha)]
        if not todo:
            return
        workers = workers or min(os.cpu_count() or 1, 4)
        if len(todo) < 16 or workers < 2:
            results = map(_convert, todo)
            self._store_all(results)
            return
        with ProcessPoolExecutor(workers) as pool:
            self._store_all(pool.map(_convert, todo, chunksize=max(1, min(32, len(todo) // (4 * workers)))))

    def prune(self, keep: set[str]) -> int:
        """Remove conversions and verdicts of documents no entry shows any more (older versions, withdrawn
        items); returns how many files were removed."""
        gone = 0
        for name in list(self.names):
            if name.split(".", 1)[0] not in keep and not name.endswith(".part"):
                try:
                    (self.cache / name).unlink()
                    gone += 1
                except OSError:
                    pass
                self.names.discard(name)
        return gone

    def _store_all(self, results) -> None:
        for sha, html in results:
            if html is None:
                self.refused.add(sha)
                continue
            target = self.path(sha)
            tmp = target.with_name(f"{target.name}.{os.getpid()}.part")
            tmp.write_text(html, encoding="utf-8")
            os.replace(tmp, target)
            self.names.add(target.name)


BLOCK_TAG = re.compile(r"</?(?:p|h[1-6]|li|td|th|tr|br|table|ul|ol|blockquote)\b[^>]*>")
TAG = re.compile(r"<[^>]+>")


def text_of(html: str) -> str:
    """The visible text of a fragment, for the PII guard: block tags end a line, inline tags join (a number
    split by <strong> is still one number)."""
    import html as h

    return h.unescape(TAG.sub("", BLOCK_TAG.sub("\n", html)))
