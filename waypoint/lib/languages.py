"""The language to write to a person in, from the free-text "languages" on their chart.

A chart stores the languages a person prefers as they said them (`Client.languages`,
"Spanish, English"), not as a code. Emails that go out without a request (appointment
reminders, sent by the worker) use the first language named there that Waypoint writes in
(English or Spanish), else English. Pure function, no database.
"""

import re
import unicodedata

# Names a person or a clinician may write, without accents and lower case. Two-letter codes are
# left out on purpose: "en" and "es" are also ordinary Spanish words.
_NAMES = {
    "english": "en",
    "ingles": "en",
    "spanish": "es",
    "espanol": "es",
    "castellano": "es",
}


def preferred_language(text: str | None) -> str:
    """ "es" or "en": the first of the two named in `text`; English when neither is."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    for word in re.findall(r"[a-z]+", plain):
        if word in _NAMES:
            return _NAMES[word]
    return "en"
