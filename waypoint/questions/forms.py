from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.questions import abuse
from waypoint.questions.models import (
    MAX_COMMENT_CHARS,
    MAX_LINKS,
    MAX_QUESTION_CHARS,
    MIN_COMMENT_CHARS,
    MIN_QUESTION_CHARS,
    Language,
    Question,
    Tag,
)


class PublicPostForm(forms.Form):
    """What every public post (question, comment) shares: the honeypot field, rendered apart
    and hidden (abuse.py), and the text as typed, which crisis detection reads even when the
    form is refused."""

    website = forms.CharField(required=False, label=gettext_lazy("Leave this empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update(
            {"tabindex": "-1", "autocomplete": "off", "class": "hp-field"}
        )
        self.fields["text"].widget.attrs["maxlength"] = str(self.max_chars)

    def visible_fields(self):
        """Every field but the honeypot, which the template renders apart, hidden."""
        return [field for field in super().visible_fields() if field.name != abuse.HONEYPOT_FIELD]

    @property
    def honeypot(self):
        return self[abuse.HONEYPOT_FIELD]

    @property
    def filled_honeypot(self) -> bool:
        return bool((self.data.get(abuse.HONEYPOT_FIELD) or "").strip())

    @property
    def raw_text(self) -> str:
        """What was typed, valid or not (crisis detection reads it even when refused)."""
        return str(self.data.get("text") or "")

    # Each kind of post sets its limits and says them in its own words.
    max_chars = min_chars = 0
    too_long = too_short = too_many_links = ""

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) > self.max_chars:
            raise forms.ValidationError(self.too_long % {"max": self.max_chars, "n": len(text)})
        if len(text) < self.min_chars:
            raise forms.ValidationError(self.too_short % {"min": self.min_chars})
        if abuse.count_links(text) > MAX_LINKS:
            raise forms.ValidationError(self.too_many_links % {"max": MAX_LINKS})
        return text


class AskForm(PublicPostForm):
    text = forms.CharField(
        label=gettext_lazy("Your question"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Please leave out names and other details that could identify you or anyone else."
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of your question"), choices=Language.choices
    )
    email = forms.EmailField(
        label=gettext_lazy("Email (optional)"),
        required=False,
        max_length=254,
        help_text=gettext_lazy(
            "Only to tell you when it is answered. It is stored encrypted and never shown."
        ),
    )
    consent_to_publish = forms.BooleanField(
        label=gettext_lazy("You may publish my question and its answer on this site"),
        required=False,
        help_text=gettext_lazy(
            "Without this, the answer can only be sent to the email address above."
        ),
    )
    max_chars, min_chars = MAX_QUESTION_CHARS, MIN_QUESTION_CHARS
    too_long = gettext_lazy("Please keep your question under %(max)s characters (it has %(n)s).")
    too_short = gettext_lazy(
        "Please say a little more, so that we can answer (at least %(min)s characters)."
    )
    too_many_links = gettext_lazy(
        "Please include at most %(max)s links: questions with many links are "
        "almost always advertising."
    )

    @property
    def raw_language(self) -> str:
        value = str(self.data.get("language") or "")
        return value if value in Language.values else Language.ENGLISH

    def clean(self):
        data = super().clean()
        if not data.get("consent_to_publish") and not data.get("email") and "email" in data:
            self.add_error(
                "consent_to_publish",
                _(
                    "Tick this box, or give an email address: otherwise there is no way for you "
                    "to read the answer."
                ),
            )
        return data

    def refusal_reason(self) -> str:
        """One line naming why the form was refused, for the moderators of a kept question."""
        labels = [
            str(self.fields[name].label) if name in self.fields else "form"
            for name in sorted(self.errors)
        ]
        return ("Form refused: " + "; ".join(labels))[:200]


class AnswerForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        required=False,
        help_text=gettext_lazy("A short public title. Needed to publish."),
    )
    public_question = forms.CharField(
        label=gettext_lazy("The question as it will be published"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Edit out anything that could identify the asker or anyone else."),
    )
    answer = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
        help_text=gettext_lazy("Markdown: **bold**, *italic*, lists, links."),
    )
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    new_tags = forms.CharField(
        required=False, max_length=200, help_text=gettext_lazy("New tags, separated by commas.")
    )
    publish = forms.BooleanField(
        required=False, label=gettext_lazy("Publish the question and answer")
    )

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        if not question.consent_to_publish:
            del self.fields["publish"]
            del self.fields["title"]
            del self.fields["public_question"]
            del self.fields["tags"]
            del self.fields["new_tags"]

    def clean_new_tags(self):
        names = [n.strip() for n in self.cleaned_data["new_tags"].split(",")]
        names = [n for n in names if n]
        if any(len(n) > 60 for n in names):
            raise forms.ValidationError(_("Keep each tag under 60 characters."))
        return names

    def clean(self):
        data = super().clean()
        if data.get("publish"):
            if not (data.get("title") or "").strip():
                self.add_error("title", _("A published question needs a title."))
            if not (data.get("public_question") or "").strip():
                self.add_error("public_question", _("A published question needs its question."))
        return data


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[
            ("spam", gettext_lazy("Advertising or spam")),
            ("not_a_question", gettext_lazy("Not a question we can answer here")),
            ("duplicate", gettext_lazy("Already answered (duplicate)")),
            ("other", gettext_lazy("Other")),
        ]
    )


class CommentForm(PublicPostForm):
    """A reader's comment on a library page: the same limits and honeypot as questions."""

    text = forms.CharField(
        label=gettext_lazy("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "A moderator reads every comment before it appears. Please leave out names and other "
            "details that could identify you or anyone else."
        ),
    )
    name = forms.CharField(
        label=gettext_lazy("Name to show (optional)"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("Leave it empty to appear as “A reader”."),
    )
    max_chars, min_chars = MAX_COMMENT_CHARS, MIN_COMMENT_CHARS
    too_long = gettext_lazy("Please keep your comment under %(max)s characters (it has %(n)s).")
    too_short = gettext_lazy("Please say a little more (at least %(min)s characters).")
    too_many_links = gettext_lazy(
        "Please include at most %(max)s links: comments with many links are almost "
        "always advertising."
    )
