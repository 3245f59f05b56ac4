"""Scans and phone photos of generated drafts: a real rasteriser (poppler's pdftoppm) and Pillow."""
from __future__ import annotations

import subprocess
from pathlib import Path

from optional import need_binary


def raster(pdf: Path, out_png: Path, dpi: int = 200) -> Path:
    """Page 1 of a PDF as a greyscale PNG, as a copier scans it."""
    pdftoppm = need_binary("pdftoppm", "poppler-utils (pdftoppm)")
    stem = out_png.with_suffix("")
    subprocess.run([pdftoppm, "-r", str(dpi), "-gray", "-png", "-singlefile", str(pdf), str(stem)], check=True,
                   capture_output=True, timeout=120)
    return out_png


def scanned_pdf(png: Path, out: Path, dpi: int = 200) -> Path:
    """A PDF holding only the page picture: no text layer, as a copier makes it."""
    from PIL import Image

    with Image.open(png) as im:
        im.convert("L").save(out, "PDF", resolution=float(dpi))
    return out


def phone_photo(png: Path, out: Path, degrees: float = 3.0) -> Path:
    """The page photographed by a phone: turned a few degrees, a little blurred, lit unevenly, JPEG."""
    from PIL import Image, ImageChops, ImageFilter

    with Image.open(png) as im:
        page = im.convert("L")
    turned = page.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=200)
    blurred = turned.filter(ImageFilter.GaussianBlur(1.2))
    light = Image.linear_gradient("L").rotate(-35, expand=False).resize(blurred.size)  # dark corner to bright
    light = light.point(lambda v: 150 + v * 105 // 255)  # 59 % to 100 % of the light
    lit = ImageChops.multiply(blurred, light)
    lit.convert("RGB").save(out, "JPEG", quality=85)
    return out


def without_ocr_env(tmp_path: Path) -> dict[str, str]:
    """An environment in which the [ocr] extra cannot be imported by any process of the run, the read worker
    included: a package of the same name that refuses to import stands first on PYTHONPATH."""
    import os

    hidden = tmp_path / "hidden" / "rapidocr_onnxruntime"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text("raise ImportError('hidden for this test')\n", encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(hidden.parent), str(root)])}
