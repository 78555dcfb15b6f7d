from django import forms
from django.db import models

from waypoint.library import isbn as isbn_rules
from waypoint.library.models import Article, BookReview


def _formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # Django 6's default, now
    return db_field.formfield(**kwargs)


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "slug", "authors", "audience", "topics", "summary", "body", "published"]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 18}),
        }


class BookReviewForm(forms.ModelForm):
    class Meta:
        model = BookReview
        formfield_callback = _formfield
        fields = [
            "title", "slug", "authors", "publisher", "year", "edition", "isbn", "publisher_url",
            "reviewer", "reviewer_credentials", "rating", "audience", "topics", "summary", "body",
            "published",
        ]  # fmt: skip
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 18}),
            "rating": forms.Select(choices=[(n, f"{n} of 5") for n in range(1, 6)]),
        }

    def clean_isbn(self):
        value = self.cleaned_data.get("isbn", "")
        isbn_rules.validate_isbn(value)
        return isbn_rules.normalize(value)


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label="Your rating",
        coerce=int,
        choices=[(n, f"{n} of 5") for n in range(1, 6)],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose 1 to 5 stars.",
            "invalid_choice": "Choose 1 to 5 stars.",
        },
    )
