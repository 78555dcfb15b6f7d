"""Checking an uploaded scan of a signed paper consent: a real PDF, PNG or JPEG, nothing else.

The declared type and the file name are never trusted; the bytes decide. A file is accepted only
when a maintained parser reads all of it:

- **PDF**: starts with `%PDF-`, pypdf (strict mode) parses its cross-reference table, trailer
  and every page, it is not encrypted, and nothing but whitespace follows the last `%%EOF`.
- **PNG / JPEG**: Pillow verifies and then fully decodes the image, and nothing follows the
  PNG `IEND` chunk or the JPEG end-of-image marker.

What counts as a polyglot (refused): a file that some other program would read as something
else. Concretely, a `%PDF-` header followed by HTML (pypdf cannot parse it), any content after
the end of the PDF or image (`<html><script>…` appended after `%%EOF`), and the markers browsers
use to sniff HTML (`<html`, `<script`, `<!doctype html`, `<body`, `<iframe`…, WHATWG MIME
Sniffing §7.1) anywhere in the first kilobyte. Accepted scans are still served only as
attachments with `X-Content-Type-Options: nosniff` (docs/security.md).
"""

import io
import logging
import re

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the empty IEND chunk with its CRC
_JPEG_START = b"\xff\xd8\xff"
_JPEG_END = b"\xff\xd9"

# The HTML patterns of the WHATWG MIME Sniffing standard (rules for identifying an unknown
# MIME type), matched case-insensitively at a tag boundary; the one-letter tags (<a, <b, <p,
# <br) are left out because they turn up by chance in compressed image data.
_HTML_MARKERS = re.compile(
    rb"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|style|title|body|!--)[\s>]",
    re.IGNORECASE,
)
_SNIFF_WINDOW = 1024

REFUSED = "Upload a PDF, JPEG or PNG file."


class ScanRefused(ValueError):
    """The file is not a PDF, PNG or JPEG we accept; the message says why, in plain words."""


def check_scan(content: bytes) -> str:
    """The content type of an acceptable scan, or ScanRefused with the reason."""
    if _HTML_MARKERS.search(content[:_SNIFF_WINDOW]):
        raise ScanRefused(f"{REFUSED} This file contains web page (HTML) code.")
    if content.startswith(b"%PDF-"):
        _check_pdf(content)
        return PDF
    if content.startswith(_PNG_SIGNATURE):
        _check_image(content, "PNG")
        if not content.endswith(_PNG_END):
            raise ScanRefused(f"{REFUSED} Something is attached after the end of the image.")
        return PNG
    if content.startswith(_JPEG_START):
        _check_image(content, "JPEG")
        if not content.endswith(_JPEG_END):
            raise ScanRefused(f"{REFUSED} Something is attached after the end of the image.")
        return JPEG
    raise ScanRefused(REFUSED)


def sniff_scan(content: bytes) -> str | None:
    """Like check_scan, but None instead of an exception."""
    try:
        return check_scan(content)
    except ScanRefused:
        return None


def _check_pdf(content: bytes) -> None:
    from pypdf import PdfReader

    end = content.rfind(b"%%EOF")
    if end < 0:
        raise ScanRefused(f"{REFUSED} The PDF is incomplete (no end marker).")
    if content[end + len(b"%%EOF") :].strip():
        raise ScanRefused(f"{REFUSED} Something is attached after the end of the PDF.")
    # pypdf logs its repairs as warnings; strict mode turns the serious ones into errors.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(content), strict=True)
        if reader.is_encrypted:
            raise ScanRefused(f"{REFUSED} The PDF is password-protected.")
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - reading each page object checks it exists
    except ScanRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - see _check_image
        raise ScanRefused(f"{REFUSED} The PDF could not be read.") from exc
    if pages < 1:
        raise ScanRefused(f"{REFUSED} The PDF has no pages.")


def _check_image(content: bytes, kind: str) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != kind:
                raise ScanRefused(REFUSED)
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()  # verify() does not decode the pixels; load() does
    except ScanRefused:
        raise
    except Exception as exc:  # noqa: BLE001
        # A damaged file can make a decoder raise almost anything (PIL's PNG reader has raised
        # IndexError on fuzzed input, pypdf KeyError and RecursionError): whatever it is, the
        # file cannot be read, which is a refusal with a reason, never a 500.
        raise ScanRefused(f"{REFUSED} The image could not be read.") from exc
