import datetime

from django import forms
from django.utils.text import slugify

from waypoint.accounts.models import User
from waypoint.notes.models import NoteTemplate

MAX_SECTION = 20_000
MAX_TEMPLATE_SECTIONS = 12


class NoteForm(forms.Form):
    """Session date plus one text box per section of the note's format."""

    session_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, sections: list[dict], today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.section_keys = []
        for section in sections:
            name = f"section_{section['key']}"
            self.section_keys.append(section["key"])
            self.fields[name] = forms.CharField(
                label=section["label"],
                required=False,
                max_length=MAX_SECTION,
                help_text=section.get("prompt", ""),
                widget=forms.Textarea(attrs={"rows": 5}),
                initial=section.get("text", ""),
            )

    def clean_session_date(self):
        day = self.cleaned_data["session_date"]
        if day > self.today:
            raise forms.ValidationError("The session date cannot be in the future.")
        return day

    def texts(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"section_{key}", "") for key in self.section_keys}


class SignForm(forms.Form):
    """Credentials are asked only when the signer's account has none (User.credentials)."""

    credentials = forms.CharField(
        max_length=80, required=False, help_text="e.g. LCSW, psychology trainee, peer specialist"
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum", max_length=MAX_SECTION, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What to change",
        max_length=MAX_SECTION,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The author sees this comment on the returned draft.",
    )


class NoteTemplateForm(forms.Form):
    """One line per section: `Label: prompt` (the prompt is optional)."""

    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=300, required=False)
    sections = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="One section per line, as “Label: prompt for the writer”. At most 12.",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if NoteTemplate.objects.filter(organization=self.organization, name__iexact=name).exists():
            raise forms.ValidationError("Your organization already has a format with this name.")
        return name

    def clean_sections(self):
        sections, keys = [], set()
        for line in self.cleaned_data["sections"].splitlines():
            if not line.strip():
                continue
            label, _, prompt = line.partition(":")
            label, prompt = label.strip()[:80], prompt.strip()[:500]
            key = slugify(label).replace("-", "_")[:30]
            if not label or not key:
                raise forms.ValidationError(f"Give each section a label: “{line.strip()}”.")
            if key in keys:
                raise forms.ValidationError(f"Two sections are called “{label}”.")
            keys.add(key)
            sections.append({"key": key, "label": label, "prompt": prompt})
        if not sections:
            raise forms.ValidationError("Add at least one section.")
        if len(sections) > MAX_TEMPLATE_SECTIONS:
            raise forms.ValidationError(f"At most {MAX_TEMPLATE_SECTIONS} sections.")
        return sections


class NoteSettingsForm(forms.Form):
    late_entry_hours = forms.IntegerField(
        label="Late entry after (hours)",
        min_value=1,
        max_value=720,
        help_text="A note signed more than this many hours after the end of the session day "
        "is marked as a late entry.",
    )
    trainees = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Trainees: their notes need a supervisor's co-signature",
        help_text="Only staff with a supervisor are listed (set supervisors on the staff page).",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainees"].queryset = (
            User.objects.staff_of(organization)
            .active()
            .filter(supervisors__isnull=False)
            .distinct()
            .order_by("full_name", "id")
        )


class SupervisionNoteForm(forms.Form):
    met_on = forms.DateField(
        label="Supervision date", widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(label="Note", max_length=MAX_SECTION, widget=forms.Textarea())

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_met_on(self):
        day = self.cleaned_data["met_on"]
        if day > self.today:
            raise forms.ValidationError("The date cannot be in the future.")
        return day
