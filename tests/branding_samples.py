"""Logos for the branding tests: a real PNG built byte by byte, and SVGs good and bad."""

import struct
import zlib

from organizations.branding import branding_invalidate


def png(width: int = 4, height: int = 2, rgb=(200, 30, 30)) -> bytes:
    """A valid RGB PNG of one colour (built with the stdlib, as a browser would read it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


SVG_OK = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'viewBox="0 0 120 40" width="120" height="40">'
    b'<defs><linearGradient id="g"><stop offset="0" stop-color="#0a3d62"/></linearGradient></defs>'
    b'<rect width="120" height="40" fill="url(#g)"/><use xlink:href="#g"/>'
    b'<text x="8" y="26" font-size="18" fill="#ffffff">Acme</text></svg>'
)


def svg(inner: str, *, attrs: str = "") -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 10 10"{attrs}>{inner}</svg>'
    ).encode()


def clear_branding_cache():
    """The branding is cached per process and a test's rows are rolled back: clear it after."""
    branding_invalidate()
