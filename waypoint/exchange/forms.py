import json

from django import forms

MAX_UPLOAD = 20 * 1024 * 1024


class BundleUploadForm(forms.Form):
    bundle = forms.FileField(
        label="FHIR Bundle (JSON)",
        help_text="A FHIR R4 Bundle, up to 20 MB, as exported by Waypoint or another system.",
    )
    chart_number = forms.CharField(
        max_length=20,
        required=False,
        help_text="Leave empty to keep the chart number in the file.",
    )

    def clean_bundle(self):
        upload = self.cleaned_data["bundle"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is larger than 20 MB.")
        try:
            return json.loads(upload.read())
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise forms.ValidationError("This file is not JSON.") from None
