"""Download headers: the one place a `Content-Disposition` is built.

Filenames often carry user values (a chart number, a stored scan's extension), so they are
cleaned before they reach a header: no quotes, backslashes, semicolons, path separators or
control characters (CR/LF would split the header), at most 120 characters. Non-ASCII names get
an ASCII `filename="..."` fallback and the exact name as RFC 6266 `filename*=UTF-8''...`,
encoded by Django's `content_disposition_header`.
"""

import re
import unicodedata

from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

MAX_LENGTH = 120
_UNSAFE = re.compile(r'["\\/;:*?<>|]')
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._ -]")


def safe_filename(filename: str, *, default: str = "download") -> str:
    """`filename` with everything that could break or bend a header parameter removed."""
    name = unicodedata.normalize("NFC", str(filename))
    name = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in name)
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")  # no leading dots: no hidden files
    if len(name) > MAX_LENGTH:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        name = (
            stem[: MAX_LENGTH - len(ext) - 1].rstrip(" .") + "." + ext if ext else name[:MAX_LENGTH]
        )
    return name or default


def _ascii_fallback(name: str) -> str:
    """For old clients: accents dropped (é → e), other letters and signs become `_`."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", name) if unicodedata.category(c) != "Mn"
    )
    return _NOT_ASCII_SAFE.sub("_", folded).strip(" .") or "download"


def attachment_header(filename: str) -> str:
    """The `Content-Disposition` value that makes a browser save the response as `filename`."""
    name = safe_filename(filename)
    if name.isascii():
        return content_disposition_header(True, name)
    utf8_parameter = content_disposition_header(True, name).partition("; ")[2]
    return f"{content_disposition_header(True, _ascii_fallback(name))}; {utf8_parameter}"


def attachment(response, filename: str):
    """Mark `response` as a download named `filename`, never stored by a browser or proxy."""
    response["Content-Disposition"] = attachment_header(filename)
    patch_cache_control(response, no_store=True, private=True)
    return response


def inline(response, filename: str):
    """Name `response` `filename` but let the client show or subscribe to it (a calendar feed),
    never stored by a browser or proxy."""
    response["Content-Disposition"] = content_disposition_header(False, safe_filename(filename))
    patch_cache_control(response, no_store=True, private=True)
    return response
