"""Stage-matched suggestions for the clinician, from the reviewed data file beside this module.

`data/stage_suggestions.json` has, per stage, a few short prompts, each naming its source (a key
of the file's `sources`). Loaded once; tests check every stage has suggestions and every
suggestion a known source.
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "stage_suggestions.json"


@dataclass(frozen=True)
class Suggestion:
    text: str
    source_key: str
    source: str


@functools.cache
def _data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def sources() -> dict[str, str]:
    return dict(_data()["sources"])


def suggestions_for(stage: str) -> list[Suggestion]:
    data = _data()
    return [
        Suggestion(item["text"], item["source"], data["sources"][item["source"]])
        for item in data["stages"].get(stage, [])
    ]
