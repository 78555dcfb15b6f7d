from django import forms

from waypoint.medications import reference
from waypoint.medications.models import Allergy, CoordinationNote, Diagnosis, Medication

DATE = forms.DateInput(attrs={"type": "date"})


class MedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["name", "dose", "prescriber", "started_on", "stopped_on"]
        widgets = {"started_on": DATE, "stopped_on": DATE}
        help_texts = {
            "name": "The name alone, generic or brand (e.g. Suboxone, sertraline); the strength "
            "goes under dose. Medications for opioid or alcohol use disorder are recognised from "
            "the name, and combinations with diary entries are checked when the name is known.",
            "stopped_on": "Leave empty while the person is taking it.",
        }

    def clean(self):
        data = super().clean()
        start, stop = data.get("started_on"), data.get("stopped_on")
        if start and stop and stop < start:
            self.add_error("stopped_on", "The stop date can't be before the start date.")
        return data


class DiagnosisForm(forms.ModelForm):
    class Meta:
        model = Diagnosis
        fields = ["description", "code", "noted_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "noted_on": DATE}
        help_texts = {"code": "Optional, e.g. F11.20. Codes are checked against our list."}

    def clean_code(self):
        code = reference.normal_code(self.cleaned_data.get("code"))
        if not code:
            return ""
        if not reference.ICD10_FORMAT.match(code):
            raise forms.ValidationError(
                "This isn't an ICD-10-CM code: a letter, two characters, then optionally a dot "
                "and up to four more (e.g. F11.20)."
            )
        if code not in reference.icd10_titles():
            raise forms.ValidationError(
                "This code is well formed but not in our list of codes. Check it, or write the "
                "diagnosis in words and leave the code empty."
            )
        return code


class AllergyForm(forms.ModelForm):
    class Meta:
        model = Allergy
        fields = ["text", "noted_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "noted_on": DATE}


class CoordinationNoteForm(forms.ModelForm):
    class Meta:
        model = CoordinationNote
        fields = ["occurred_on", "prescriber", "note"]
        widgets = {"occurred_on": DATE, "note": forms.Textarea(attrs={"rows": 4})}
