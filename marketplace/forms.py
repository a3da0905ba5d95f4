"""Form fields shared by several areas: required values, choices, whole numbers, pounds, dates.

Each field reads what a person typed and, when it cannot, says plainly what to type instead,
one message per field (a field that could not be read does not also say "required").
"""
from __future__ import annotations

import re
from datetime import date
from typing import ClassVar

import wtforms.widgets as wtforms_widgets
from markupsafe import Markup, escape
from wtforms import Field, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional, StopValidation, ValidationError
from wtforms.utils import unset_value
from wtforms.widgets import CheckboxInput, ListWidget

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


_PARTS = ("day", "month", "year")


class DatePartsInput:
    """Day, month and year boxes (the GOV.UK date pattern): no browser shows its own
    mm/dd/yyyy beside our hint, and every phone keyboard types digits into them."""

    def __call__(self, field, **kwargs):
        invalid = ' aria-invalid="true"' if field.errors else ""
        boxes = []
        for part, value, width in zip(_PARTS, field.parts, ("2", "2", "4")):
            box_id = field.id if part == "day" else f"{field.id}-{part}"
            boxes.append(
                f'<div class="date-part"><label for="{box_id}">{part.capitalize()}</label>'
                f'<input class="input input-width-{width}" id="{box_id}" '
                f'name="{field.name}-{part}" type="text" inputmode="numeric" '
                f'value="{escape(value)}"{invalid}></div>')
        return Markup(f'<div class="date-parts">{"".join(boxes)}</div>')


class PlainDateField(Field):
    """A date typed as day, month and year (three boxes named `<name>-day`, ...). A single
    `<name>` value as 2026-04-01 or 1/4/2026 is read too (links and the check page carry
    dates that way). Optional unless validators say otherwise; `parts` keeps what was typed."""

    widget = DatePartsInput()

    def __init__(self, label, validators=None, **kwargs):
        super().__init__(label, validators=validators or [Optional()], **kwargs)
        self._typed = ("", "", "")

    @property
    def parts(self) -> tuple[str, str, str]:
        """The boxes' values: the date's (also one a view set after reading the form), or what
        was typed when it is not a date yet."""
        return _parts_of(self.data) if self.data else self._typed

    @parts.setter
    def parts(self, typed: tuple[str, str, str]) -> None:
        self._typed = typed

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = data if isinstance(data, date) else None
        self.parts = _parts_of(self.data)
        self.raw_data = []
        if formdata is None:
            return
        if any(f"{self.name}-{part}" in formdata for part in _PARTS):
            self.parts = tuple((formdata.get(f"{self.name}-{part}") or "").strip()
                               for part in _PARTS)
        elif self.name in formdata:
            text = (formdata.get(self.name) or "").strip()
            self.parts = _parts_of_text(text)
            if self.parts is None:
                self.parts, self.raw_data, self.data = (text, "", ""), [text], None
                self.process_errors.append(_NOT_A_DATE)
                return
        else:
            self.data = None
            return
        # One string, empty only when every box is: Optional() looks at raw_data[0].
        self.raw_data = [" ".join(self.parts).strip()]
        self.data = None
        if self.raw_data[0]:
            try:
                self.data = _date_from_parts(*self.parts)
            except ValueError as problem:
                self.process_errors.append(str(problem))

    def _value(self):
        return self.data.isoformat() if self.data else ""


def _parts_of(value: date | None) -> tuple[str, str, str]:
    return (str(value.day), str(value.month), str(value.year)) if value else ("", "", "")


def _parts_of_text(text: str) -> tuple[str, str, str] | None:
    """'2026-04-01' or '1/4/2026' as its boxes; None for anything else."""
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if iso:
        return iso.group(3), iso.group(2), iso.group(1)
    british = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if british:
        return british.group(1), british.group(2), british.group(3)
    return None if text else ("", "", "")


_NOT_A_DATE = "Enter a real date, for example 27 3 2026"


def _date_from_parts(day: str, month: str, year: str) -> date:
    missing = [name for name, value in zip(_PARTS, (day, month, year)) if not value]
    if missing:
        raise ValueError(f"The date must include a {' and a '.join(missing)}")
    if not (day.isdigit() and month.isdigit() and year.isdigit()):
        raise ValueError("Enter the date in numbers, for example 27 3 2026")
    if len(year) != 4:
        raise ValueError("Enter the year as 4 digits, for example 2026")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(_NOT_A_DATE) from None
