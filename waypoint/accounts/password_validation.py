"""Offline checks for the patterns that breached-password lists are full of.

Django's validators already refuse short passwords (we ask for 12+), the 20,000 most common
passwords and passwords close to the person's name or email. Attackers' cracking rules go
further: they take a common word and add digits or symbols ("Password2024!"), swap letters for
look-alikes ("P@ssw0rd"), walk along the keyboard ("qwertyuiop12"), repeat characters, or use
the name of the site. `BreachedPatternValidator` refuses those shapes without any network call
(NIST SP 800-63B §5.1.1.2 asks verifiers to compare against breached and expected values; a
hosted breach API is out of reach offline, so we check the patterns instead).
"""

from __future__ import annotations

import re
from functools import cache

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.db import DatabaseError

_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "!": "i",
        "3": "e",
        "4": "a",
        "@": "a",
        "5": "s",
        "$": "s",
        "7": "t",
        "+": "t",
        "8": "b",
        "9": "g",
        "|": "l",
    }
)
_KEYBOARD_ROWS = (
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
)
_SITE_WORDS = ("waypoint",)


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(CommonPasswordValidator().passwords)


def _strip_decoration(value: str) -> str:
    """Drop the digits and symbols people add at either end."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", value)


def _walk_runs(value: str, min_run: int = 4) -> list[tuple[int, int]]:
    """(start, end) spans of keyboard walks and sequences (forwards or backwards)."""
    spans = []
    for row in _KEYBOARD_ROWS:
        for line in (row, row[::-1]):
            i = 0
            while i < len(value):
                j = i
                while j + 1 < len(value):
                    pos = line.find(value[j])
                    if pos < 0 or pos + 1 >= len(line) or line[pos + 1] != value[j + 1]:
                        break
                    j += 1
                if j - i + 1 >= min_run:
                    spans.append((i, j + 1))
                    i = j + 1
                else:
                    i += 1
    return spans


def _remove_spans(value: str, spans) -> str:
    keep = [True] * len(value)
    for start, end in spans:
        for k in range(start, end):
            keep[k] = False
    return "".join(ch for ch, k in zip(value, keep, strict=True) if k)


def _context_words(user) -> set[str]:
    words = set(_SITE_WORDS)
    try:
        from waypoint.clinics.models import Organization

        names = list(Organization.objects.values_list("name", flat=True)[:500])
    except DatabaseError:
        names = []
    if user is not None:
        names.append(getattr(user, "full_name", "") or "")
        email = getattr(user, "email", "") or ""
        names.extend(re.split(r"[@.+_-]", email))
    for name in names:
        for word in re.split(r"[^\w]+", name.casefold()):
            if len(word) >= 4:
                words.add(word)
    return words


class BreachedPatternValidator:
    """Refuse common passwords in disguise, keyboard walks, repeats and the site's own names.

    `min_unique` is how many characters must remain once keyboard walks, runs of one character,
    and the site, organization and person names are taken out.
    """

    def __init__(self, min_unique: int = 8, min_distinct: int = 6):
        self.min_unique = min_unique
        self.min_distinct = min_distinct

    def validate(self, password: str, user=None) -> None:
        folded = password.casefold()
        if len(set(folded)) < self.min_distinct:
            raise ValidationError(
                "This password repeats too few different characters.",
                code="password_repetitive",
            )
        common = _common_passwords()
        core = _strip_decoration(folded)
        for candidate in {core, core.translate(_LEET), _strip_decoration(folded.translate(_LEET))}:
            if not candidate:
                continue
            if candidate in common or _is_repeat_of_common(candidate, common):
                raise ValidationError(
                    "This password is a common password with a few changes; attackers try "
                    "these first.",
                    code="password_common_variant",
                )
        remaining = _remove_spans(folded, _walk_runs(folded))
        remaining = re.sub(r"(.)\1{2,}", "", remaining)
        deleeted = remaining.translate(_LEET)
        for word in sorted(_context_words(user), key=len, reverse=True):
            if word in deleeted:
                start = deleeted.index(word)
                remaining = remaining[:start] + remaining[start + len(word) :]
                deleeted = deleeted[:start] + deleeted[start + len(word) :]
        if len(re.sub(r"[\W_]", "", remaining)) < self.min_unique:
            raise ValidationError(
                "This password is mostly a keyboard pattern, repeated characters, or the name "
                "of this site, your organization or yourself.",
                code="password_pattern",
            )

    def get_help_text(self) -> str:
        return (
            "Your password can't be a common password with numbers or symbols added, a "
            "keyboard pattern, or the name of this site or your organization."
        )


def _is_repeat_of_common(value: str, common: frozenset[str]) -> bool:
    for size in range(3, len(value) // 2 + 1):
        if len(value) % size == 0 and value[:size] * (len(value) // size) == value:
            return value[:size] in common or size < 4
    return False
