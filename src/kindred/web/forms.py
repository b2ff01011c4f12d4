"""Form rendering: an error summary at the top, errors and hints tied to their fields."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class AccessibleFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
