"""Reading a PDF as a reader (and a screen reader) would, with Debian's poppler-utils."""

import re
import subprocess
import tempfile
from pathlib import Path

from tests.services import require_executable


def _run(tool: str, pdf: bytes, *args: str) -> str:
    executable = require_executable(tool)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            [executable, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    return done.stdout


def text(pdf: bytes) -> str:
    """The PDF's text in reading order, whitespace collapsed to single spaces."""
    return re.sub(r"\s+", " ", _run("pdftotext", pdf, "-enc", "UTF-8"))


def info(pdf: bytes) -> dict[str, str]:
    """pdfinfo's fields: Title, Author, Subject, CreationDate, Pages, Tagged, Page size…"""
    fields = {}
    for line in _run("pdfinfo", pdf, "-isodates").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def outline(pdf: bytes) -> list[str]:
    """The bookmark titles (the document outline), in order."""
    xml = _run("pdftohtml", pdf, "-xml", "-i", "-q", "-stdout")
    block = re.findall(r"<outline>(.*)</outline>", xml, flags=re.S)
    items = re.findall(r"<item[^>]*>(.*?)</item>", block[0] if block else "", flags=re.S)
    return [_unescape(item) for item in items]


def links(pdf: bytes) -> list[str]:
    """The targets of every link annotation in the PDF."""
    xml = _run("pdftohtml", pdf, "-xml", "-i", "-q", "-stdout")
    return [_unescape(href) for href in re.findall(r'<a href="([^"]*)"', xml)]


def attachments(pdf: bytes) -> str:
    """pdfdetach's list of embedded files ("0 embedded files" when there are none)."""
    return _run("pdfdetach", pdf, "-list").strip()


def fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts' table: name, type, emb(edded), sub(set) for every font used."""
    rows = _run("pdffonts", pdf).splitlines()[2:]
    found = []
    for row in rows:
        parts = row.split()
        # name ... type ... encoding emb sub uni object ID: read the flags from the right.
        found.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return found


def xmp(pdf: bytes) -> str:
    """The document's XMP metadata packet (where PDF/UA declares itself), or ""."""
    import zlib

    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        data = match.group(1)
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
        if b"<x:xmpmeta" in data:
            return data.decode("utf-8", "replace")
    return ""


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text (pdftotext ends a page with a form feed), whitespace collapsed."""
    pages = _run("pdftotext", pdf, "-enc", "UTF-8").split("\f")
    return [re.sub(r"\s+", " ", page).strip() for page in pages[:-1]]


def pages_fill(pdf: bytes, *, top_mm: float, bottom_mm: float, height_mm: float) -> list[float]:
    """How far down each page's body the ink reaches (0 empty, 1 full), between the top and
    bottom page margins (where the running header and footer are), from a greyscale
    rendering with pdftoppm."""
    from PIL import Image

    executable = require_executable("pdftoppm")
    fills = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [executable, "-r", "40", "-gray", str(path), str(Path(folder) / "p")],
            check=True,
            timeout=120,
        )
        for image_path in sorted(Path(folder).glob("p-*.pgm")):
            fills.append(_fill(Image.open(image_path), top_mm, bottom_mm, height_mm))
    return fills


def _fill(image, top_mm: float, bottom_mm: float, height_mm: float) -> float:
    width, height = image.size
    top = round(height * top_mm / height_mm)
    bottom = height - round(height * bottom_mm / height_mm)
    pixels = image.load()
    inked = [y for y in range(top, bottom) if any(pixels[x, y] < 200 for x in range(width))]
    return (inked[-1] - top) / (bottom - top) if inked else 0.0


def _unescape(value: str) -> str:
    import html

    return html.unescape(value).strip()
