"""ISBN-10 and ISBN-13 check digits (ISO 2108; the ISBN Users' Manual, International ISBN
Agency, 7th ed., 2017, sections 5 and 8)."""

import re

from django.core.exceptions import ValidationError


def normalize(value: str) -> str:
    """Digits (and a final X) only: "978-1-4625-0216-5" -> "9781462502165"."""
    return re.sub(r"[\s-]", "", value or "").upper()


def is_valid_isbn10(digits: str) -> bool:
    if not re.fullmatch(r"\d{9}[\dX]", digits):
        return False
    total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
    return total % 11 == 0


def is_valid_isbn13(digits: str) -> bool:
    if not re.fullmatch(r"97[89]\d{10}", digits):
        return False
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits))
    return total % 10 == 0


def is_valid(value: str) -> bool:
    digits = normalize(value)
    return is_valid_isbn13(digits) if len(digits) == 13 else is_valid_isbn10(digits)


def validate_isbn(value: str) -> None:
    """Model and form validator. Empty is allowed (the field is optional)."""
    if not value:
        return
    digits = normalize(value)
    if len(digits) not in (10, 13):
        raise ValidationError("An ISBN has 10 or 13 digits.", code="isbn_length")
    if not is_valid(digits):
        raise ValidationError(
            "That ISBN's check digit does not match: please copy it again from the book.",
            code="isbn_check",
        )
