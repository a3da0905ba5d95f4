"""The filters every market view shares: a period, an area and a category, read from the
query string (no CSRF token: reading changes nothing)."""
from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError

from marketplace import areas, vocabulary
from marketplace.commissioning.market_map import MarketQuery
from marketplace.forms import PlainDateField
from marketplace.times import london_day_bounds, london_today

#: The period shown when none is asked for: the last 90 London days, today included.
DEFAULT_DAYS = 90


class MarketFilterForm(FlaskForm):
    class Meta:
        csrf = False

    start = PlainDateField("From")
    end = PlainDateField("To")
    area = StringField("Area: a local authority or postcode district")
    category = SelectField("Kind of support", choices=[("", "Any kind"), *vocabulary.CATEGORIES],
                           default="")

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The 'to' date must be the same as or after the 'from' date")
        if field.data and field.data > london_today():
            raise ValidationError("The 'to' date cannot be in the future")

    def validate_area(self, field):
        text = (field.data or "").strip()
        if text and areas.normalise_area(text) is None:
            raise ValidationError("Type a Greater Manchester local authority (such as Salford) "
                                  "or a postcode district (such as M6)")
        value = areas.normalise_area(text)
        if value and value not in areas.LOCAL_AUTHORITIES and \
                value not in areas.DISTRICT_TO_AUTHORITY:
            raise ValidationError(f"{value} is not a postcode district in Greater Manchester")

    def market_query(self) -> MarketQuery:
        end = self.end.data or london_today()
        start = self.start.data or end - timedelta(days=DEFAULT_DAYS - 1)
        since, until = london_day_bounds(start, end)
        value = areas.normalise_area(self.area.data)
        return MarketQuery(
            since=since, until=until,
            authority=value if value in areas.LOCAL_AUTHORITIES else None,
            district=value if value in areas.DISTRICT_TO_AUTHORITY else None,
            category=self.category.data or None)

    def period(self) -> tuple:
        end = self.end.data or london_today()
        return self.start.data or end - timedelta(days=DEFAULT_DAYS - 1), end
