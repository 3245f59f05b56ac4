"""A minimal valid OFD (GB/T 33190) written by the tests: OFD.xml + Document.xml + one Content.xml per page,
optionally a seal (Signatures.xml + Signature.xml). Coordinates in millimetres, as OFD has them."""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence
from xml.sax.saxutils import escape

OFD_NS = "http://www.ofdspec.org/2016"


@dataclass(frozen=True)
class Text:
    text: str
    x: float  # mm from the left edge
    y: float  # mm from the top (baseline)
    size: float = 5.6  # mm (16 pt ≈ 5.6 mm, 三号)
    red: bool = False


def _text_object(n: int, t: Text) -> str:
    width = len(t.text) * t.size
    delta = f' DeltaX="g {len(t.text) - 1} {t.size}"' if len(t.text) > 1 else ""
    colour = '<ofd:FillColor Value="255 0 0"/>' if t.red else ""
    return (f'<ofd:TextObject ID="{n}" Boundary="{t.x} {t.y - t.size} {width} {t.size * 1.4}" Font="1" Size="{t.size}">'
            f'{colour}<ofd:TextCode X="0" Y="{t.size}"{delta}>{escape(t.text)}</ofd:TextCode></ofd:TextObject>')


def make_ofd(path: Path, pages: Sequence[Sequence[Text]], title: str | None = None, seal: bool = False) -> Path:
    info = f"<ofd:Title>{escape(title)}</ofd:Title>" if title else ""
    sigs = "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>" if seal else ""
    ofd = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" DocType="OFD">'
           f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>0c1d2e3f</ofd:DocID>{info}<ofd:CreationDate>2023-09-12"
           f"</ofd:CreationDate></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>{sigs}</ofd:DocBody></ofd:OFD>")
    page_refs = "".join(f'<ofd:Page ID="{100 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    document = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData>'
                "<ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"
                "</ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
                f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>")
    res = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{OFD_NS}" BaseLoc="Res"><ofd:Fonts>'
           '<ofd:Font ID="1" FontName="仿宋" FamilyName="仿宋"/></ofd:Fonts></ofd:Res>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", ofd)
        z.writestr("Doc_0/Document.xml", document)
        z.writestr("Doc_0/PublicRes.xml", res)
        for i, texts in enumerate(pages):
            objects = "".join(_text_object(10 + n, t) for n, t in enumerate(texts))
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml",
                       f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
                       f'<ofd:Layer ID="2">{objects}</ofd:Layer></ofd:Content></ofd:Page>')
        if seal:
            z.writestr("Doc_0/Signs/Signatures.xml",
                       f'<?xml version="1.0" encoding="UTF-8"?><ofd:Signatures xmlns:ofd="{OFD_NS}">'
                       '<ofd:MaxSignId>1</ofd:MaxSignId><ofd:Signature ID="1" Type="Seal" BaseLoc="Sign_0/Signature.xml"/>'
                       "</ofd:Signatures>")
            z.writestr("Doc_0/Signs/Sign_0/Signature.xml",
                       f'<?xml version="1.0" encoding="UTF-8"?><ofd:Signature xmlns:ofd="{OFD_NS}"><ofd:SignedInfo>'
                       '<ofd:Provider ProviderName="青川区电子印章系统" Version="1.0"/>'
                       '<ofd:StampAnnot ID="1" PageRef="100" Boundary="130 230 40 40"/></ofd:SignedInfo>'
                       "<ofd:SignedValue>SignedValue.dat</ofd:SignedValue></ofd:Signature>")
            z.writestr("Doc_0/Signs/Sign_0/SignedValue.dat", b"\x30\x82\x01\x00")
    return path


def official_ofd(path: Path, *, secrecy: str | None = None, body: Sequence[str] = (), seal: bool = False,
                 title: str = "中共青川区科学技术局党组关于调整局领导班子成员工作分工的通知",
                 docno: str = "青科党〔2023〕21号") -> Path:
    """A GB/T 9704-shaped page: 密级, red 版头, 文号, title, salutation, body, signature, date."""
    lines: list[Text] = []
    if secrecy:
        lines.append(Text(secrecy, 26, 30))
    lines += [Text("中共青川区科学技术局党组文件", 35, 60, 9.8, red=True), Text(docno, 80, 80)]
    lines += [Text(title[i:i + 20], 20, 105 + 12 * n, 7.7) for n, i in enumerate(range(0, len(title), 20))]
    y = 105 + 12 * ((len(title) + 19) // 20) + 10
    lines.append(Text("局机关各科室：", 26, y))
    for para in ["因工作需要，经局党组研究，现将局领导班子成员工作分工调整如下。", *body]:
        y += 10
        lines.append(Text(para[:28], 26 + 11.2, y))
        for rest in range(28, len(para), 28):
            y += 10
            lines.append(Text(para[rest:rest + 28], 26, y))
    lines += [Text("中共青川区科学技术局党组", 110, y + 25), Text("2023年9月12日", 125, y + 35)]
    return make_ofd(path, [lines], title=title, seal=seal)
