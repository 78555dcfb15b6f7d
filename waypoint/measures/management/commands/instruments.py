"""`waypoint instruments list` and `waypoint instruments show ID [--json]`."""

import json

from django.core.management.base import BaseCommand, CommandError

from waypoint.measures import instruments


class Command(BaseCommand):
    help = "List the validated instruments, or show one with its items and scoring."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="list|show")
        listing = actions.add_parser("list", help="List instruments")
        listing.add_argument("--json", action="store_true", help="Print JSON")
        show = actions.add_parser("show", help="Show one instrument")
        show.add_argument("instrument_id", metavar="ID")
        show.add_argument("--json", action="store_true", help="Print JSON")

    def handle(self, *args, **options):
        try:
            if options["action"] == "list":
                self._list(as_json=options["json"])
            else:
                self._show(options["instrument_id"], as_json=options["json"])
        except (instruments.UnknownInstrument, instruments.InstrumentFileError) as exc:
            raise CommandError(str(exc).strip("'\"")) from None

    def _list(self, *, as_json: bool):
        rows = instruments.all_instruments()
        if as_json:
            payload = [
                {"id": i.id, "name": i.name, "version": i.version, "items": len(i.items)}
                for i in rows
            ]
            self.stdout.write(json.dumps(payload, indent=2))
            return
        for instrument in rows:
            self.stdout.write(
                f"{instrument.id:<16} {instrument.version:<9} {len(instrument.items):>3} items  "
                f"{instrument.name}"
            )

    def _show(self, instrument_id: str, *, as_json: bool):
        instrument = instruments.get(instrument_id)
        if as_json:
            self.stdout.write(json.dumps(instrument.as_json(), indent=2, ensure_ascii=False))
            return
        out = self.stdout.write
        out(f"{instrument.name} ({instrument.short_name}), version {instrument.version}")
        if instrument.instructions:
            out(instrument.instructions)
        for number, item in enumerate(instrument.items, 1):
            notes = []
            if not item.scored:
                notes.append("not scored")
            if not item.required:
                notes.append("optional")
            if item.reverse_scored:
                notes.append("reverse-scored")
            suffix = f"  [{', '.join(notes)}]" if notes else ""
            out(f"{number}. {item.text}{suffix}")
            for index, option in enumerate(item.options):
                score = "" if option.score is None else f" = {option.score}"
                out(f"     {index}: {option.label}{score}")
        for key, bands in instrument.bands.items():
            heading = f"Bands ({key} thresholds)" if key else "Bands"
            out(heading + ": " + "; ".join(f"{b.min}-{b.max} {b.label}" for b in bands))
        out(f"Source: {instrument.citation}")
        out(f"Licence: {instrument.licence}")
