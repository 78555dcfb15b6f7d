"""The use diary in the client's record (privacy app registries) and its retention anonymizer.

- `diary_part` (kind "Diary and goals summaries", `InfoKind.DIARY_GOALS`): the outcomes of the
  last 90 days (the same numbers the chart shows, from the rollups: days reported and unknown,
  PDA, PHDD, drinks per drinking day and per week, grams per day, WHO risk level, days within the
  person's own plan, use days per substance, money) and every diary entry as structured data
  (day, what and how much, route, safer-use practices followed, mood, urge, money, who entered
  it). Unknown days are reported as unknown, never as days without use.
- `diary_notes_part` (kind None: only the client's own copy): what the person wrote in their
  own words (notes, where, with whom: these can name other people) and their anchor events. A
  disclosure of "diary summaries" leaves them out (minimum necessary, 42 CFR 2.13(a)).
- `anonymize_diary` (ANONYMIZERS): blanks the entries' free text and deletes anchor events
  (birthdays, court dates: identifying dates and labels); amounts, grams, practices, mood, urge,
  money, days and the rollups stay for de-identified outcome reports.

See docs/privacy.md and docs/outcomes.md.
"""

from waypoint.diary.models import AnchorEvent, DiaryEntry, DiarySettings
from waypoint.diary.reports import compare_windows
from waypoint.goals.models import Substance
from waypoint.lib import units
from waypoint.privacy.models import InfoKind
from waypoint.privacy.records import RecordPart

SUMMARY_DAYS = 90


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _number(value):
    return None if value is None else float(value)


def _entries(client) -> list[DiaryEntry]:
    return list(DiaryEntry.objects.filter(client=client).order_by("day", "created_at", "id"))


def diary_part(client, ctx):
    entries = _entries(client)
    if not entries:
        return None
    country = DiarySettings.country_for(client.organization_id)
    comparison = compare_windows(client, days=SUMMARY_DAYS, today=ctx.today, country=country)
    outcomes = comparison.current
    labels = dict(Substance.choices)
    summary = outcomes.as_dict()
    summary.update(
        {
            "first_day": _iso(comparison.first),
            "last_day": _iso(comparison.last),
            "who_risk_label": outcomes.who_risk_level.label if outcomes.who_risk_level else None,
            "drink_word": units.drink_word(country),
            "substance_days": [
                {"substance": code, "label": labels.get(code, code), "days": days}
                for code, days in sorted(outcomes.per_substance_use_days.items())
            ],
        }
    )
    data = {
        "outcomes_last_90_days": summary,
        "entries": [
            {
                "id": entry.pk,
                "day": _iso(entry.day),
                "kind": entry.kind,
                "substance": entry.substance,
                "substance_label": labels.get(entry.substance, "") if entry.substance else "",
                "amount": _number(entry.amount),
                "unit": entry.unit,
                "amount_text": entry.amount_text(country),
                "alcohol_grams": round(entry.alcohol_grams, 2),
                "beverage": entry.beverage,
                "volume_ml": _number(entry.volume_ml),
                "abv": _number(entry.abv),
                "route": entry.get_route_display() if entry.route else "",
                "practices": entry.practice_labels(),
                "mood": entry.mood,
                "urge": entry.urge,
                "money_spent": _number(entry.money_spent),
                "source": entry.get_source_display(),
            }
            for entry in entries
        ],
    }
    return RecordPart(
        key="diary",
        title="Use diary: outcomes of the last 90 days and entries",
        kind=InfoKind.DIARY_GOALS,
        template="diary/parts/_record.html",
        data=data,
    )


def diary_notes_part(client, ctx):
    notes = [
        {
            "entry_id": entry.pk,
            "day": _iso(entry.day),
            "where": entry.setting_where,
            "with_whom": entry.setting_with_whom,
            "note": entry.note,
        }
        for entry in _entries(client)
        if entry.note or entry.setting_where or entry.setting_with_whom
    ]
    anchors = [
        {
            "day": _iso(event.day),
            "kind": event.get_kind_display(),
            "label": event.label,
            "repeats": event.get_repeats_display() if event.repeats else "",
        }
        for event in AnchorEvent.objects.filter(client=client).order_by("day", "id")
    ]
    if not notes and not anchors:
        return None
    return RecordPart(
        key="diary_notes",
        title="Your diary notes and memorable days, in your words",
        kind=None,
        template="diary/parts/_notes.html",
        data={"entries": notes, "anchor_events": anchors},
    )


def anonymize_diary(client) -> None:
    """Blank the diary's free text and drop anchor events; numbers and days stay."""
    DiaryEntry.objects.filter(client=client).update(note="", setting_where="", setting_with_whom="")
    AnchorEvent.objects.filter(client=client).delete()
