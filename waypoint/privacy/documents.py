"""Rendering record documents as HTML and PDF.

PDFs come from WeasyPrint with a URL fetcher that only reads this app's own static files and
`data:` URLs: a document can never make the server fetch a remote or arbitrary local URL
(server-side request forgery, or reading files through a crafted `<img src="file:///...">`).
"""

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from waypoint.privacy import notice

STATIC_DIR = (Path(__file__).resolve().parent / "static").resolve()
DOCUMENT_CSS = STATIC_DIR / "privacy" / "document.css"


class LocalOnlyFetcher(URLFetcher):
    """Fetch `data:` URLs and files under this app's static directory; refuse everything else."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(STATIC_DIR):
                return super().fetch(url, headers)
        raise ValueError(f"refused to fetch {parts.scheme or 'relative'} URL for a PDF")


def render_pdf(html: str) -> bytes:
    fetcher = LocalOnlyFetcher()
    stylesheet = CSS(filename=str(DOCUMENT_CSS), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher, base_url=str(STATIC_DIR) + "/").write_pdf(
        stylesheets=[stylesheet]
    )


def notice_context() -> dict:
    return {
        "lead": notice.REDISCLOSURE_NOTICE_LEAD,
        "items": notice.REDISCLOSURE_NOTICE_ITEMS,
        "tail": notice.REDISCLOSURE_NOTICE_TAIL,
        "citation": notice.REDISCLOSURE_NOTICE_CITATION,
    }


def disclosure_context(disclosure, *, for_pdf: bool = False) -> dict:
    """Context for the disclosure document, re-rendered from the snapshot kept when it was made."""
    snap = json.loads(disclosure.snapshot)
    return {
        "for_pdf": for_pdf,
        "title": f"Records disclosed: chart {snap['chart_number']}",
        "snap": snap,
        "generated_at": disclosure.disclosed_at,
        "parts": snap["parts"],
        "empty_kinds": snap["empty_kinds"],
        "disclosure": disclosure,
        "consent": disclosure.consent,
        "notice": notice_context(),
    }


def client_copy_context(client, parts, *, generated_at, for_pdf: bool = False) -> dict:
    """The client's own readable copy of their record (no redisclosure notice: it is theirs)."""
    return {
        "for_pdf": for_pdf,
        "title": f"Your record at {client.organization.name}",
        "snap": {
            "organization": client.organization.name,
            "client_name": client.legal_name,
            "chart_number": client.chart_number,
        },
        "generated_at": generated_at,
        "parts": [part.as_snapshot() for part in parts],
        "empty_kinds": [],
        "disclosure": None,
        "notice": None,
    }


DOCUMENT_TEMPLATE = "privacy/record_document.html"


def render_document_pdf(context: dict) -> bytes:
    return render_pdf(render_to_string(DOCUMENT_TEMPLATE, {**context, "for_pdf": True}))
