from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def accessible_widget(field: BoundField) -> SafeString:
    """The field's widget, marked invalid and pointing at its error message when it has one."""
    attrs: dict[str, str | bool] = {}
    if field.errors:
        described = [f"{field.auto_id}_error"]
        if field.help_text:
            described.append(f"{field.auto_id}_helptext")
        attrs = {"aria-invalid": "true", "aria-describedby": " ".join(described)}
    return field.as_widget(attrs=attrs)
