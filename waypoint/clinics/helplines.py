"""Crisis, overdose-spotting and emergency numbers, from one reviewed data file.

`data/crisis_lines.json` holds every number the app shows, per country, each with who answers
(in plain words, and as one of the categories in the file's `answered_by`), its operator, funding,
languages, cost, region, its source and the date it was last verified against that source (docs:
crisis-lines.md). The crisis card shows the crisis and overdose lines; the public directory at
`/helplines/` shows every line, filtered by country and need. Templates render them through one
tag, `{% crisis_lines %}` (`waypoint/clinics/templatetags/helplines.py`), with `tel:` links
and `sms:` links where texting works. A line whose `verified` is null stays in the file for
review but is never shown.

The country is the organization's: today that is the diary's standard-drink country
(`DiarySettings.country`), read only through `organization_country()` so that the place that
stores it can change without touching this module.
"""

import datetime
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

DATA_FILE = Path(__file__).resolve().parent / "data" / "crisis_lines.json"

# Countries with their own entry; units.COUNTRIES also offers "WHO" and "EU", which are not
# countries: organizations that chose them see the generic emergency advice only.
SUPPORTED_COUNTRIES = ("US", "CA", "UK", "AU", "NZ")
KINDS = {"crisis", "overdose", "drug_info", "treatment_referral"}
# What a visitor looks for, in the directory's words, in the order the filter offers them.
NEEDS = {
    "crisis": _("Someone to talk to in a crisis"),
    "overdose": _("Someone on the line while you use (overdose spotting)"),
    "drug_info": _("Information about alcohol and other drugs"),
    "treatment_referral": _("Finding treatment or support near you"),
}

# Words of the data file that the public pages translate at render time (`{% translate name %}`,
# `gettext(name)`): listed here so `makemessages` finds them. The lines' own descriptions (who
# answers, operator, hours) stay in English, marked `lang="en"` (docs/public-site.md#languages).
DATA_FILE_WORDS = (
    gettext_noop("United States"),
    gettext_noop("Canada"),
    gettext_noop("United Kingdom"),
    gettext_noop("Australia"),
    gettext_noop("New Zealand"),
    gettext_noop("A government service"),
    gettext_noop("A network of local nonprofit crisis centers"),
    gettext_noop("Trained volunteers of a charity"),
    gettext_noop("Peers: people with lived experience of drug use"),
    gettext_noop("A paid referral service (it is paid by the places it refers you to)"),
    gettext_noop("English"),
    gettext_noop("French"),
    gettext_noop("Spanish"),
    gettext_noop("Spanish (press 2, or text AYUDA)"),
    gettext_noop("interpreters for other languages on calls"),
    gettext_noop("interpreters in 120 languages"),
)
# Who answers, as a category; the file names each in plain words. Lines owned by a treatment
# provider are never listed, so that is not a category a line may have.
ANSWERED_BY = {"government", "crisis_network", "charity_volunteers", "peers", "paid_referral"}
REFUSED_OPERATORS = {"provider"}
SOURCE_KINDS = {"operator", "government", "partner", "secondary"}
MAX_AGE_DAYS = 365

_TEL = re.compile(r"^\+?[0-9]{3,15}$")
_SHOWN_NUMBER = re.compile(r"^[0-9][0-9 -]{1,18}[0-9]$")


class HelplineFileError(ValueError):
    """The data file is malformed; the message names the entry and the problem."""


@dataclass(frozen=True)
class Line:
    id: str
    kind: str
    name: str
    number: str
    tel: str
    sms: str | None
    sms_display: str
    hours: str
    who_answers: str
    operator: str
    source: str
    source_kind: str
    verified: datetime.date | None
    note: str
    answered_by: str = ""
    answered_by_label: str = ""
    funding: str = ""
    languages: tuple[str, ...] = ()
    cost: str = ""
    region: str = ""
    chat: str | None = None

    @property
    def need(self) -> str:
        return NEEDS[self.kind]


@dataclass(frozen=True)
class Emergency:
    number: str
    tel: str
    source: str
    source_kind: str
    verified: datetime.date | None


@dataclass(frozen=True)
class CountryLines:
    code: str
    name: str
    emergency: Emergency
    lines: tuple[Line, ...]

    @property
    def shown(self) -> tuple[Line, ...]:
        """Lines verified against their source; unverified ones are never shown."""
        return tuple(line for line in self.lines if line.verified is not None)


def _date(where: str, value) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise HelplineFileError(f"{where}: verified must be YYYY-MM-DD or null") from exc


def _text(where: str, entry: dict, key: str, *, required=True) -> str:
    value = entry.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise HelplineFileError(f"{where}: {key} is required")
    return value


def _source(where: str, entry: dict) -> tuple[str, str]:
    source = _text(where, entry, "source")
    if not source.startswith(("https://", "http://")):
        raise HelplineFileError(f"{where}: source must be a web address")
    kind = _text(where, entry, "source_kind")
    if kind not in SOURCE_KINDS:
        raise HelplineFileError(f"{where}: source_kind must be one of {sorted(SOURCE_KINDS)}")
    return source, kind


def _number(where: str, entry: dict, key: str) -> str:
    value = _text(where, entry, key)
    if not _SHOWN_NUMBER.match(value):
        raise HelplineFileError(f"{where}: {key} {value!r} is not a phone number")
    return value


def _tel(where: str, entry: dict, key: str, *, required=True) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not _TEL.match(value):
        raise HelplineFileError(f"{where}: {key} must be digits, optionally after a +")
    return value


def _answered_by_labels(data) -> dict[str, str]:
    labels = data.get("answered_by")
    if not isinstance(labels, dict) or set(labels) != ANSWERED_BY:
        raise HelplineFileError(f"answered_by must name exactly {sorted(ANSWERED_BY)}")
    for key, label in labels.items():
        if not isinstance(label, str) or not label.strip():
            raise HelplineFileError(f"answered_by {key}: needs plain words")
    return labels


def _answered_by(where: str, entry: dict, labels: dict[str, str]) -> str:
    value = _text(where, entry, "answered_by")
    if value in REFUSED_OPERATORS:
        raise HelplineFileError(f"{where}: lines owned by a treatment provider are never listed")
    if value not in labels:
        raise HelplineFileError(f"{where}: answered_by must be one of {sorted(labels)}")
    return value


def _languages(where: str, entry: dict) -> tuple[str, ...]:
    value = entry.get("languages")
    if not isinstance(value, list) or not value:
        raise HelplineFileError(f"{where}: languages must list at least one language")
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise HelplineFileError(f"{where}: each language must be words")
    return tuple(value)


def _web_address(where: str, entry: dict, key: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith("https://"):
        raise HelplineFileError(f"{where}: {key} must be an https:// address or null")
    return value


def parse(data) -> dict[str, CountryLines]:
    """Validate the file's JSON and build the per-country entries."""
    if not isinstance(data, dict) or not isinstance(data.get("countries"), dict):
        raise HelplineFileError("the file must be an object with 'countries'")
    labels = _answered_by_labels(data)
    result = {}
    for code, country in data["countries"].items():
        where = code
        if not isinstance(country, dict):
            raise HelplineFileError(f"{where}: must be an object")
        emergency = country.get("emergency")
        if not isinstance(emergency, dict):
            raise HelplineFileError(f"{where}: emergency number is required")
        source, source_kind = _source(f"{where} emergency", emergency)
        parsed_emergency = Emergency(
            number=_number(f"{where} emergency", emergency, "number"),
            tel=_tel(f"{where} emergency", emergency, "tel"),
            source=source,
            source_kind=source_kind,
            verified=_date(f"{where} emergency", emergency.get("verified")),
        )
        lines = []
        seen = set()
        for entry in country.get("lines") or []:
            line_where = f"{where} {entry.get('id', '?')}" if isinstance(entry, dict) else where
            if not isinstance(entry, dict):
                raise HelplineFileError(f"{line_where}: each line must be an object")
            line_id = _text(line_where, entry, "id")
            if line_id in seen:
                raise HelplineFileError(f"{line_where}: duplicate id")
            seen.add(line_id)
            kind = _text(line_where, entry, "kind")
            if kind not in KINDS:
                raise HelplineFileError(f"{line_where}: kind must be one of {sorted(KINDS)}")
            source, source_kind = _source(line_where, entry)
            sms = _tel(line_where, entry, "sms", required=False)
            answered_by = _answered_by(line_where, entry, labels)
            lines.append(
                Line(
                    id=line_id,
                    kind=kind,
                    name=_text(line_where, entry, "name"),
                    number=_number(line_where, entry, "number"),
                    tel=_tel(line_where, entry, "tel"),
                    sms=sms,
                    sms_display=_text(line_where, entry, "sms_display", required=False)
                    or (sms or ""),
                    hours=_text(line_where, entry, "hours"),
                    who_answers=_text(line_where, entry, "who_answers"),
                    operator=_text(line_where, entry, "operator"),
                    source=source,
                    source_kind=source_kind,
                    verified=_date(line_where, entry.get("verified")),
                    note=_text(line_where, entry, "note", required=False),
                    answered_by=answered_by,
                    answered_by_label=labels[answered_by],
                    funding=_text(line_where, entry, "funding"),
                    languages=_languages(line_where, entry),
                    cost=_text(line_where, entry, "cost"),
                    region=_text(line_where, entry, "region"),
                    chat=_web_address(line_where, entry, "chat"),
                )
            )
        result[code] = CountryLines(
            code=code,
            name=_text(where, country, "name"),
            emergency=parsed_emergency,
            lines=tuple(lines),
        )
    return result


def load_file(path: Path) -> dict[str, CountryLines]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HelplineFileError(f"{path.name}: cannot be read as JSON ({exc})") from exc
    try:
        return parse(data)
    except HelplineFileError as exc:
        raise HelplineFileError(f"{path.name}: {exc}") from exc


@functools.cache
def all_countries() -> dict[str, CountryLines]:
    return load_file(DATA_FILE)


def for_country(code: str) -> CountryLines | None:
    """The entry of a supported country, or None (WHO, EU, anything unknown)."""
    return all_countries().get((code or "").upper())


def organization_country(organization) -> str:
    """The organization's country code, through the one country lookup
    (`DiarySettings.country_for`, the standard-drink country)."""
    from waypoint.diary.models import DiarySettings

    return DiarySettings.country_for(organization)


def for_organization(organization) -> CountryLines | None:
    if organization is None:
        return None
    return for_country(organization_country(organization))


def directory(country: str = "", need: str = "") -> list[CountryLines]:
    """The public directory: every shown line, per country, optionally one country and one need.

    Unknown filter values are the caller's to refuse (the view says so and shows everything)."""
    countries = [all_countries()[country]] if country else list(all_countries().values())
    result = []
    for entry in countries:
        lines = tuple(line for line in entry.shown if not need or line.kind == need)
        if lines:
            result.append(
                CountryLines(
                    code=entry.code, name=entry.name, emergency=entry.emergency, lines=lines
                )
            )
    return result
