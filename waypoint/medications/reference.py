"""The two reviewed data files beside this app, loaded once.

- `data/treatment_medications.json`: FDA-approved medications for opioid use disorder (SAMHSA
  TIP 63) and alcohol use disorder (NIAAA Healthcare Professional's Core Resource on Alcohol),
  with the names a medication list may use. `treatment_flags(name)` says which a name is.
- `data/icd10cm_common.json`: common ICD-10-CM codes with their titles (CDC NCHS tabular list).
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
MEDICATIONS_FILE = DATA / "treatment_medications.json"
ICD10_FILE = DATA / "icd10cm_common.json"

# ICD-10-CM code shape: a letter other than U, a digit, a digit or A/B, then optionally a dot and
# one to four characters (CMS/NCHS ICD-10-CM Official Guidelines, Section I.A).
ICD10_FORMAT = re.compile(r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$")


@dataclass(frozen=True)
class TreatmentFlags:
    opioid_use: bool = False
    alcohol_use: bool = False
    medication: str = ""  # the generic name the flag comes from


NO_FLAGS = TreatmentFlags()


def _normal(name: str) -> str:
    return " ".join((name or "").lower().replace("-", " ").split())


@cache
def _by_name() -> dict[str, TreatmentFlags]:
    raw = json.loads(MEDICATIONS_FILE.read_text())
    names = {}
    for entry in raw["medications"]:
        flags = TreatmentFlags(entry["opioid_use"], entry["alcohol_use"], entry["name"])
        for name in entry["names"]:
            names[_normal(name)] = flags
    return names


def treatment_flags(name: str) -> TreatmentFlags:
    """Flags for a medication as written on the list: "Suboxone 8/2 mg film" is buprenorphine.

    The whole name is tried first, then each word (so a strength or a form after the name does
    not hide it). A name that matches nothing has no flags.
    """
    names = _by_name()
    normal = _normal(name)
    if normal in names:
        return names[normal]
    for word in re.split(r"[\s/,()]+", normal):
        if word in names:
            return names[word]
    return NO_FLAGS


@cache
def icd10_titles() -> dict[str, str]:
    return json.loads(ICD10_FILE.read_text())["codes"]


def normal_code(code: str) -> str:
    return (code or "").strip().upper()


def icd10_title(code: str) -> str:
    return icd10_titles().get(normal_code(code), "")
