"""The look of a .docx paragraph — font size and whether it is printed in red — resolved the way Word
does it: the run's own formatting, then its character style, the paragraph style chain, the default
paragraph style and the document defaults. Extraction uses it to tell a red 版头 from a title line."""
from __future__ import annotations

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class Look:
    def __init__(self, styles_root: etree._Element | None) -> None:
        self.styles: dict[str, etree._Element] = {}
        self.default_para: str | None = None
        self.defaults: etree._Element | None = None
        if styles_root is None:
            return
        for st in styles_root.iter(W + "style"):
            sid = st.get(W + "styleId")
            if sid:
                self.styles[sid] = st
                if st.get(W + "type") == "paragraph" and st.get(W + "default") in ("1", "true", "on"):
                    self.default_para = sid
        self.defaults = styles_root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")

    def of(self, p: etree._Element) -> tuple[float | None, bool]:
        """(size in pt, red) of the paragraph's first run that carries text."""
        run = next((r for r in p.iter(W + "r") if "".join(t.text or "" for t in r.iter(W + "t")).strip()), None)
        if run is None:
            return None, False
        size = self._prop(p, run, "sz")
        color = self._prop(p, run, "color")
        return (int(size) / 2 if size and size.isdigit() else None), _is_red(color)

    def hidden(self, p: etree._Element, run: etree._Element) -> bool:
        """The run is hidden text (w:vanish on the run, its character style or the paragraph style)."""
        for rpr in self._chain(p, run):
            el = rpr.find(W + "vanish")
            if el is not None:
                return el.get(W + "val") not in ("0", "false", "off")
        return False

    def _prop(self, p: etree._Element, run: etree._Element, name: str) -> str | None:
        for rpr in self._chain(p, run):
            el = rpr.find(W + name)
            if el is not None and el.get(W + "val"):
                return el.get(W + "val")
        return None

    def _chain(self, p: etree._Element, run: etree._Element):
        yield from _rpr(run)
        rstyle = run.find(f"{W}rPr/{W}rStyle")
        if rstyle is not None:
            yield from self._style_rprs(rstyle.get(W + "val"))
        pstyle = p.find(f"{W}pPr/{W}pStyle")
        yield from self._style_rprs(pstyle.get(W + "val") if pstyle is not None else self.default_para)
        if self.defaults is not None:
            yield self.defaults

    def _style_rprs(self, sid: str | None):
        seen: set[str] = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            st = self.styles[sid]
            yield from _rpr(st)
            based = st.find(W + "basedOn")
            sid = based.get(W + "val") if based is not None else None


def _rpr(el: etree._Element):
    rpr = el.find(W + "rPr")
    if rpr is not None:
        yield rpr


def _is_red(color: str | None) -> bool:
    if not color or len(color) != 6:
        return False
    try:
        r, g, b = (int(color[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return False
    return r >= 0xB0 and g <= 0x50 and b <= 0x50
