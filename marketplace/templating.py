"""Template filters and globals: money, dates and times (London, from times.py), labels from the
vocabulary, areas."""
from __future__ import annotations

from flask import Flask

from marketplace import areas, times, vocabulary
from marketplace.money import format_pence


def init_app(app: Flask) -> None:
    app.jinja_env.filters["pence"] = format_pence
    app.jinja_env.filters["category_label"] = lambda v: vocabulary.label(vocabulary.CATEGORIES, v)
    app.jinja_env.filters["provider_type_label"] = lambda v: vocabulary.label(
        vocabulary.PROVIDER_TYPES, v
    )
    app.jinja_env.filters["mode_label"] = lambda v: vocabulary.label(vocabulary.DELIVERY_MODES, v)
    app.jinja_env.filters["language_label"] = lambda v: vocabulary.label(vocabulary.LANGUAGES, v)
    app.jinja_env.filters["specialism_label"] = lambda v: vocabulary.label(
        vocabulary.SPECIALISMS, v
    )
    app.jinja_env.filters["outcome_theme_label"] = lambda v: vocabulary.label(
        vocabulary.OUTCOME_THEMES, v
    )
    app.jinja_env.filters["unit_label"] = lambda v: vocabulary.label(
        vocabulary.PRICE_UNITS + vocabulary.ORDER_ONLY_UNITS, v)
    app.jinja_env.filters["area_label"] = areas.area_label
    app.jinja_env.filters["rating"] = lambda centi: "" if centi is None else f"{centi / 100:.1f}"
    app.jinja_env.filters["paragraphs"] = paragraphs
    # A date, or the London day of a moment: "1 April 2026".
    app.jinja_env.filters["plain_date"] = times.format_date
    # A moment in London wall time: "1 April 2026, 00:30" and "00:30".
    app.jinja_env.filters["plain_datetime"] = times.format_datetime
    app.jinja_env.filters["plain_time"] = times.format_time
    app.jinja_env.globals["unread_notifications"] = _unread_notifications
    app.jinja_env.globals["vocabulary"] = vocabulary
    app.jinja_env.globals["areas"] = areas
    app.jinja_env.globals["field_attributes"] = field_attributes


def _unread_notifications() -> int:
    from flask_login import current_user

    from marketplace.notifications.services import unread_count

    return unread_count(current_user) if current_user.is_authenticated else 0


def paragraphs(text: str | None) -> list[str]:
    """Split what someone typed into paragraphs at blank lines (each is escaped on output)."""
    from marketplace.providers.services import paragraphs as split

    return split(text)


def field_attributes(field, hint: str | None, extra: dict) -> dict:
    """HTML attributes linking a form field to its hint and error for screen readers."""
    described = []
    if hint:
        described.append(f"{field.id}-hint")
    if field.errors:
        described.append(f"{field.id}-error")
    attributes = {key: value for key, value in extra.items() if value}
    if described:
        attributes["aria-describedby"] = " ".join(described)
    if field.errors:
        attributes["aria-invalid"] = "true"
    return attributes
