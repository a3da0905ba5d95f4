"""Form fields shared by several areas: required values, choices, whole numbers, pounds, dates.

Each field reads what a person typed and, when it cannot, says plainly what to type instead,
one message per field (a field that could not be read does not also say "required").
"""
from __future__ import annotations

import re
from typing import ClassVar

import wtforms.widgets as wtforms_widgets
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

from marketplace.money import InvalidAmount, parse_pounds


def _stop_silent_cutting() -> None:
    """WTForms writes a Length limit into the page as maxlength, and a browser then cuts pasted
    text at the limit without a word. The server's "Use 2000 characters or fewer", beside the
    field with the text kept, is what a person should see instead."""
    for widget in vars(wtforms_widgets).values():
        attrs = getattr(widget, "validation_attrs", None)
        if isinstance(widget, type) and attrs and "maxlength" in attrs:
            widget.validation_attrs = [name for name in attrs if name != "maxlength"]


_stop_silent_cutting()


def trimmed(value):
    return value.strip() if isinstance(value, str) else value


def at_most(limit: int) -> Length:
    return Length(max=limit, message=f"Use {limit} characters or fewer")


class Required:
    """The field must have a value. Stays quiet when the value could not even be read, so a
    person sees one message per field."""

    field_flags: ClassVar[dict] = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.errors:
            raise StopValidation()
        if field.data is None or field.data == [] or (
            isinstance(field.data, str) and not field.data.strip()
        ):
            raise StopValidation(self.message)


class ChoiceRadioField(RadioField):
    def __init__(self, label, *, missing_message: str, **kwargs):
        super().__init__(label, validators=[Required(missing_message)], **kwargs)
        self.missing_message = missing_message

    def pre_validate(self, form):
        if self.data not in [value for value, _ in self.choices]:
            self.data = None
            raise StopValidation(self.missing_message)


class ChoiceField(SelectField):
    """A drop-down whose only error is the plain message given."""

    def __init__(self, label, *, missing_message: str, required: bool = True, **kwargs):
        validators = [Required(missing_message)] if required else []
        super().__init__(label, validators=validators, **kwargs)
        self.missing_message = missing_message

    def pre_validate(self, form):
        if self.data and self.data not in [str(value) for value, _ in self.choices]:
            raise StopValidation(self.missing_message)


class _OptionalCheckbox(CheckboxInput):
    """"At least one" is not "each one": no box in a group carries the required attribute."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("required", False)
        return super().__call__(field, **kwargs)


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes; render it with the choice_group macro."""

    widget = ListWidget(prefix_label=False)
    option_widget = _OptionalCheckbox()

    def pre_validate(self, form):
        allowed = {value for value, _ in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError("Choose from the options shown")


class WholeNumberField(StringField):
    """A whole number typed as text (no spinner, so nothing changes by accident); `number` is
    the int, or None when empty or unreadable. Ranges are checked by the form, which says
    what the range is."""

    #: Any length: a number too large is out of range, and the form's range message says so
    #: ("from 1 to 500"), not "enter a whole number".
    _NUMBER = re.compile(r"^-?[0-9]{1,100}$")

    def __init__(self, label, *, invalid_message: str, **kwargs):
        super().__init__(label, **kwargs)
        self.invalid_message = invalid_message
        self.number: int | None = None

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = text
        self.number = None
        if text:
            if not self._NUMBER.match(text):
                raise ValueError(self.invalid_message)
            self.number = int(text)

    def process_data(self, value):
        self.number = int(value) if isinstance(value, int) or (
            isinstance(value, str) and self._NUMBER.match(value)) else None
        self.data = "" if value is None else str(value)


class PoundsField(StringField):
    """An amount typed in pounds; `pence` is the int, or None when empty or unreadable."""

    def __init__(self, label, **kwargs):
        super().__init__(label, filters=[trimmed], **kwargs)
        self.pence: int | None = None

    def process_formdata(self, valuelist):
        self.data = (valuelist[0] if valuelist else "").strip()
        self.pence = None
        if self.data:
            try:
                self.pence = parse_pounds(self.data)
            except InvalidAmount as error:
                raise ValueError(str(error)) from None


class PlainDateField(DateField):
    """type=date where browsers support it; YYYY-MM-DD (or DD/MM/YYYY) typed text elsewhere.
    Optional unless validators say otherwise."""

    widget = DateInput()

    def __init__(self, label, validators=None, **kwargs):
        super().__init__(label, format=["%Y-%m-%d", "%d/%m/%Y"],
                         validators=validators or [Optional()], **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            super().process_formdata([valuelist[0].strip()])
        except ValueError:
            self.data = None
            raise ValueError(
                "Enter a real date as year-month-day, for example 2026-04-01"
            ) from None
