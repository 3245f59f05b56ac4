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


STYLE = re.compile(rb"<w:style\b[^>]*?w:styleId=\"([^\"]*)\".*?</w:style>", re.S)
STYLES_OPEN = re.compile(rb"<w:styles\b[^>]*>")


def _used_styles(data: bytes, used: set[str]) -> bytes:
    """styles.xml with only the w:style elements the body uses (mammoth reads only their names)."""
    head = STYLES_OPEN.search(data)
    if head is None:
        return data
    keep = [m[0] for m in STYLE.finditer(data, head.end()) if m[1].decode("utf-8", "replace") in used]
    return data[:head.end()] + b"".join(keep) + b"</w:styles>"


def _slim(path: Path) -> io.BytesIO:
    """The parts mammoth reads, with styles.xml cut to the styles the body uses: Word's full style
    table (hundreds of latent styles) is most of mammoth's time on a short document."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as o:
        infos = {i.filename: i for i in z.infolist()}
        if sum(infos[n].file_size for n in KEEP_PARTS if n in infos) > MAX_PARTS_BYTES:
            raise ValueError("too large")
        body = z.read("word/document.xml")
        used = {m.decode("utf-8", "replace") for m in USED_STYLE.findall(body)}
        for name in KEEP_PARTS:
            if name not in infos:
                continue
            data = body if name == "word/document.xml" else z.read(name)
            if name == "word/styles.xml":
                data = _used_styles(data, used)
            o.writestr(name, data)
    out.seek(0)
    return out


class Converter:
    """docx → HTML with a cache folder keyed by content hash."""

    def __init__(self, cache: Path):
        self.cache = cache
        cache.mkdir(parents=True, exist_ok=True)

    def leaks(self, sha: str, html: str, check, salt: str) -> bool:
        """The public guard's verdict on a converted document; a clean verdict is remembered per document and
        rules (salt: a fingerprint of the PII patterns), a leak is checked again every build."""
        mark = self.cache / f"{sha}.v{CACHE_VERSION}.{salt}.clean"
        if mark.is_file():
            return False
        if check(html):
            return True
        mark.touch()
        return False

    def _cached(self, sha: str) -> Path:
        return self.cache / f"{sha}.v{CACHE_VERSION}.html"

    def prepare(self, files: list[tuple[str, Path]], workers: int | None = None) -> None:
        """Convert the (sha, path) pairs that are not cached yet, in parallel when there are many."""
        todo = {sha: path for sha, path in files if not self._cached(sha).is_file()}
        if not todo:
            return
        workers = workers or min(os.cpu_count() or 1, 4)
        if len(todo) < 16 or workers < 2:
            for sha, path in todo.items():
                self._store(sha, docx_html(path))
            return
        with ProcessPoolExecutor(workers) as pool:
            for sha, html in zip(todo, pool.map(docx_html, todo.values(), chunksize=8)):
                self._store(sha, html)

    def html(self, sha: str, path: Path) -> str:
        cached = self._cached(sha)
        if cached.is_file():
            return cached.read_text(encoding="utf-8")
        html = docx_html(path)
        self._store(sha, html)
        return html

    def _store(self, sha: str, html: str) -> None:
        target = self._cached(sha)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.part")
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, target)


BLOCK_TAG = re.compile(r"</?(?:p|h[1-6]|li|td|th|tr|br|table|ul|ol|blockquote)\b[^>]*>")
TAG = re.compile(r"<[^>]+>")


def text_of(html: str) -> str:
    """The visible text of a fragment, for the PII guard: block tags end a line, inline tags join (a number
    split by <strong> is still one number)."""
    import html as h

    return h.unescape(TAG.sub("", BLOCK_TAG.sub("\n", html)))
