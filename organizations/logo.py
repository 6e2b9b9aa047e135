"""Checking an uploaded logo before it is stored: a PNG, or an SVG that can do nothing but draw.

The logo is shown on every page, in the emails' frame and in the PDF, so it must not be able
to run code or make anyone's browser (or the PDF renderer) fetch anything. An SVG is not
cleaned and kept: anything suspicious refuses the whole file with a reason the site admin
can act on, and nothing is stored.
"""

import re
import struct
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

from django.utils.translation import gettext

MAX_LOGO_BYTES = 200 * 1024
MAX_PNG_SIDE = 4000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG, SVG = "image/png", "image/svg+xml"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Elements that run code, embed another document or change attributes over time (an
# <animate>/<set> can turn a harmless href into javascript:). A logo needs none of them.
FORBIDDEN_ELEMENTS = frozenset(
    {
        "script",
        "foreignobject",
        "iframe",
        "embed",
        "object",
        "audio",
        "video",
        "handler",
        "listener",
        "set",
        "animate",
        "animatemotion",
        "animatetransform",
        "animatecolor",
    }
)
# Embedded bitmaps are fine; an embedded SVG (or HTML) could carry what we refuse here.
SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
URL_FUNCTION = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)


class LogoRefused(ValueError):
    """The file cannot be the logo; the message says why, in the admin's words."""


@dataclass(frozen=True)
class CheckedLogo:
    content: bytes
    media_type: str


def logo_check(content: bytes) -> CheckedLogo:
    """The logo if it is an acceptable PNG or SVG, else LogoRefused with the reason."""
    if not content:
        raise LogoRefused(gettext("The file is empty."))
    if len(content) > MAX_LOGO_BYTES:
        raise LogoRefused(
            gettext("The logo is %(size)d KB; the limit is %(limit)d KB.")
            % {"size": len(content) // 1024, "limit": MAX_LOGO_BYTES // 1024}
        )
    if content.startswith(PNG_SIGNATURE):
        _check_png(content)
        return CheckedLogo(content, PNG)
    _check_svg(content)
    return CheckedLogo(content, SVG)


def _check_png(content: bytes) -> None:
    """The PNG's first chunk must be a well-formed IHDR (right length, right checksum) with
    sensible dimensions: a truncated or disguised file is refused."""
    header = content[8 : 8 + 8 + 13 + 4]
    if len(header) < 25 or header[4:8] != b"IHDR" or struct.unpack(">I", header[:4])[0] != 13:
        raise LogoRefused(gettext("The PNG file is damaged: it has no image header."))
    data, crc = header[8:21], struct.unpack(">I", header[21:25])[0]
    if zlib.crc32(b"IHDR" + data) != crc:
        raise LogoRefused(gettext("The PNG file is damaged: its image header does not check out."))
    width, height = struct.unpack(">II", data[:8])
    if not (1 <= width <= MAX_PNG_SIDE and 1 <= height <= MAX_PNG_SIDE):
        raise LogoRefused(
            gettext(
                "The PNG is %(width)d×%(height)d pixels; each side must be between 1 and "
                "%(limit)d pixels."
            )
            % {"width": width, "height": height, "limit": MAX_PNG_SIDE}
        )


def _check_svg(content: bytes) -> None:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise LogoRefused(gettext("The logo must be a PNG or an SVG file (UTF-8).")) from None
    # Entities are how XML reads files and blows up memory: refused before parsing.
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise LogoRefused(
            gettext("The SVG declares a DOCTYPE or entities; remove them and try again.")
        )
    if re.search(r"<\?xml-stylesheet", text, re.IGNORECASE):
        raise LogoRefused(gettext("The SVG links a style sheet; a logo must be self-contained."))
    try:
        root = ElementTree.fromstring(text)  # noqa: S314  # nosec B314 - no DOCTYPE/ENTITY reaches here
    except ElementTree.ParseError:
        raise LogoRefused(
            gettext("The logo must be a PNG or an SVG file; this one cannot be read.")
        ) from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise LogoRefused(gettext("The logo must be a PNG or an SVG file (an <svg> root element)."))
    for element in root.iter():
        _check_element(element)


def _local_name(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _check_element(element) -> None:
    name = _local_name(element.tag)
    if name in FORBIDDEN_ELEMENTS:
        raise LogoRefused(
            gettext("The SVG contains a <%(name)s> element, which a logo may not have.")
            % {"name": name}
        )
    for attribute, value in element.attrib.items():
        attr = _local_name(attribute)
        if attr.startswith("on"):
            raise LogoRefused(
                gettext(
                    "The SVG has an event handler (%(attribute)s) on <%(name)s>; "
                    "a logo may not run code."
                )
                % {"attribute": attr, "name": name}
            )
        if attr == "href":
            _check_reference(
                value,
                where=gettext("the %(attribute)s of <%(name)s>")
                % {"attribute": attr, "name": name},
            )
        for match in URL_FUNCTION.finditer(value):
            _check_reference(
                match.group(2),
                where=gettext("a url() in the %(attribute)s of <%(name)s>")
                % {"attribute": attr, "name": name},
            )
    if name == "style" and element.text:
        if "@import" in element.text.lower():
            raise LogoRefused(
                gettext("The SVG's style imports another file; a logo must be self-contained.")
            )
        for match in URL_FUNCTION.finditer(element.text):
            _check_reference(match.group(2), where=gettext("a url() in its <style>"))


def _check_reference(reference: str, *, where: str) -> None:
    """Only a fragment of the same file, or an embedded bitmap, may be referenced."""
    reference = reference.strip()
    if reference.startswith("#") or SAFE_DATA_IMAGE.match(reference):
        return
    raise LogoRefused(
        gettext(
            "The SVG refers to something outside itself (%(where)s: %(reference)r); "
            "a logo may only point inside itself (#id) or embed a PNG/JPEG image."
        )
        % {"where": where, "reference": reference[:60]}
    )
