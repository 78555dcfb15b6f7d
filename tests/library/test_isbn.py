import pytest
from django.core.exceptions import ValidationError

from waypoint.library import isbn


@pytest.mark.parametrize(
    "value",
    [
        "9781462502165",  # Practicing Harm Reduction Psychotherapy, 2nd ed.
        "978-1-4625-2864-6",  # Over the Influence, 2nd ed., with hyphens
        "0-306-40615-2",  # the ISBN-10 example from the ISBN Users' Manual
        "080442957X",  # an ISBN-10 whose check digit is X
    ],
)
def test_valid_isbns(value):
    assert isbn.is_valid(value)
    isbn.validate_isbn(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9781462502166", "isbn_check"),  # last digit changed
        ("0-306-40615-3", "isbn_check"),
        ("1234567890123", "isbn_check"),  # not a 978/979 prefix
        ("12345", "isbn_length"),
        ("97814625021X5", "isbn_check"),
    ],
)
def test_invalid_isbns(value, code):
    assert not isbn.is_valid(value)
    with pytest.raises(ValidationError) as caught:
        isbn.validate_isbn(value)
    assert caught.value.code == code


def test_normalize_strips_hyphens_and_spaces():
    assert isbn.normalize(" 978-1 4625 0216-5 ") == "9781462502165"
    isbn.validate_isbn("")  # optional field
