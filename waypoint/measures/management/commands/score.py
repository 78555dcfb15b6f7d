"""`waypoint score ID A1 A2 ... [--json] [--thresholds female|male]` and the CSV batch mode.

Where cut-offs differ by thresholds (AUDIT-C) and none are given, a total on which the female
and male cut-offs agree is scored and said to be the same under both; only a total on which
they disagree is refused.

Each answer is the 0-based index of the chosen option, in the official option order shown by
`waypoint instruments show ID`. `-` (or an empty CSV cell) marks an unanswered item.

CSV mode streams: one row is read, scored and written at a time, so memory does not grow with
the file. Bad rows are reported on stderr by line number and written with an `error` column;
good rows are still scored; the exit status is 1 when any row was bad.
"""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from waypoint.measures import instruments
from waypoint.measures.scoring import ScoringError, ThresholdsRequired, parse_answers, score


class Command(BaseCommand):
    help = "Score one set of answers, or a CSV file of respondents, for an instrument."

    def add_arguments(self, parser):
        parser.add_argument("instrument_id", metavar="ID")
        parser.add_argument("answers", nargs="*", metavar="A", help="0-based option indices")
        parser.add_argument("--json", action="store_true", help="Print JSON")
        parser.add_argument(
            "--thresholds",
            choices=["female", "male"],
            help="Which cut-offs to use where they differ (AUDIT-C)",
        )
        parser.add_argument("--csv", metavar="IN.csv", help="Score every row of a CSV file")
        parser.add_argument("--out", metavar="OUT.csv", help="Where to write scored rows")

    def handle(self, *args, **options):
        try:
            instrument = instruments.get(options["instrument_id"])
        except instruments.UnknownInstrument as exc:
            raise CommandError(exc.args[0]) from None
        thresholds = options["thresholds"]
        if options["csv"]:
            if options["answers"]:
                raise CommandError("give answers on the command line or --csv, not both")
            self._score_csv(instrument, options["csv"], options["out"], thresholds)
            return
        if options["out"]:
            raise CommandError("--out only applies with --csv")
        try:
            result = score(
                instrument, parse_answers(instrument, options["answers"]), thresholds=thresholds
            )
        except ThresholdsRequired as exc:
            raise CommandError(f"{exc} (--thresholds female or --thresholds male)") from None
        except ScoringError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json()))
            return
        parts = []
        if result.total is not None:
            parts.append(f"total {result.total}")
        if result.band:
            note = f" ({result.thresholds_note})" if result.thresholds_note else ""
            parts.append(result.band.label + note)
        parts.extend(f"{key} {value}" for key, value in result.subscales.items())
        if result.flags:
            parts.append("flags: " + ", ".join(result.flag_ids))
        self.stdout.write(f"{instrument.short_name}: " + "; ".join(parts))

    def _score_csv(self, instrument, in_path, out_path, thresholds):
        try:
            source = open(in_path, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {in_path}: {exc.strerror}") from None
        try:
            target = (
                open(out_path, "w", newline="", encoding="utf-8")  # noqa: SIM115
                if out_path
                else None
            )
        except OSError as exc:
            source.close()
            raise CommandError(f"cannot write {out_path}: {exc.strerror}") from None
        try:
            bad = self._stream(instrument, source, target or self.stdout, thresholds)
        except UnicodeDecodeError:
            raise CommandError(f"{in_path} is not UTF-8 text") from None
        except csv.Error as exc:
            raise CommandError(f"{in_path} is not valid CSV: {exc}") from None
        finally:
            source.close()
            if target:
                target.close()
        if bad:
            raise CommandError(f"{bad} bad row(s) in {in_path}; the other rows were scored")

    def _stream(self, instrument, source, target, thresholds) -> int:
        reader = csv.reader(source)
        writer = csv.writer(target, lineterminator="\n")
        header = next(reader, None)
        if header is None:
            raise CommandError("the CSV file is empty")
        item_count = len(instrument.items)
        # A header row is expected: an id column, then one column per item in order, and an
        # optional `thresholds` column (female/male) that overrides --thresholds per row.
        header = [h.strip() for h in header]
        thresholds_col = None
        if header and header[-1].lower() == "thresholds":
            thresholds_col = len(header) - 1
        answer_cols = (thresholds_col if thresholds_col is not None else len(header)) - 1
        if not instrument.min_answers <= answer_cols <= item_count:
            raise CommandError(
                f"the header has {answer_cols} item column(s) after the id column; "
                f"{instrument.short_name} has {item_count} items"
            )
        subscale_keys = [sub.key for sub in instrument.subscales]
        # Where cut-offs differ, say which set scored each row ("both": they agree).
        used = ["thresholds_used"] if instrument.sex_specific else []
        writer.writerow([*header, "total", "band", *used, "flags", *subscale_keys, "error"])
        blank_scores = [""] * (3 + len(used) + len(subscale_keys))

        def fitted(row):
            # A bad row of the wrong width is padded or cut to the header's width, so that its
            # reason stays under `error` (the reason says how many columns it had).
            return (row + [""] * len(header))[: len(header)]

        bad = 0
        stderr = self.stderr
        for row in reader:
            line = reader.line_num
            if not row or not any(cell.strip() for cell in row):
                continue
            try:
                if len(row) != len(header):
                    raise ScoringError(f"has {len(row)} columns, the header has {len(header)}")
                row_thresholds = thresholds
                if thresholds_col is not None and row[thresholds_col].strip():
                    row_thresholds = row[thresholds_col].strip().lower()
                    if row_thresholds not in ("female", "male"):
                        raise ScoringError(
                            f"thresholds must be female or male, not {row[thresholds_col]!r}"
                        )
                cells = row[1 : 1 + answer_cols]
                result = score(
                    instrument, parse_answers(instrument, cells), thresholds=row_thresholds
                )
            except ThresholdsRequired as exc:
                bad += 1
                reason = f"{exc} (--thresholds or a thresholds column)"
                stderr.write(f"line {line}: {reason}")
                writer.writerow([*fitted(row), *blank_scores, reason])
                continue
            except ScoringError as exc:
                bad += 1
                stderr.write(f"line {line}: {exc}")
                writer.writerow([*fitted(row), *blank_scores, str(exc)])
                continue
            writer.writerow(
                [
                    *row,
                    "" if result.total is None else result.total,
                    result.band.label if result.band else "",
                    *([result.thresholds_used] if used else []),
                    " ".join(result.flag_ids),
                    *(result.subscales[key] for key in subscale_keys),
                    "",
                ]
            )
        return bad
