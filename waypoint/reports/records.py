"""The reports app in the privacy registries: its anonymizer (and why it has no record part).

- `anonymize_exports` (ANONYMIZERS): deletes every export job of the chart. A finished record
  PDF is a copy of the whole identifying record; nothing in it is de-identified data to keep.
  (A purge deletes them with the chart: `ExportJob.client` cascades.)
- No RECORD_PARTS entry: an export job is a short-lived copy of parts the record already has
  (each under its own part and kind), not information of its own; listing it would put the record
  inside itself. The progress report likewise only rearranges the goals, diary, measures,
  assessment and safety-plan parts, so a disclosure of those kinds already carries its content
  (docs/privacy.md, "The progress report and disclosures").
"""

from waypoint.reports.models import ExportJob


def anonymize_exports(client) -> None:
    ExportJob.objects.filter(client=client).delete()
