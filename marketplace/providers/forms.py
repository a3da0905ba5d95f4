"""Forms for the provider area: the organisation profile and a service listing.

Fields parse what a person typed (numbers, dates, pounds, lists of areas) and check lengths;
the listing rules live in providers.services (find_*_problems) and are shown here beside the
field they concern, so a page and the API refuse the same things with the same words.
"""
from __future__ import annotations

import re
from typing import ClassVar

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, Optional, ValidationError

from marketplace import areas, vocabulary
from marketplace.forms import (
    CheckboxesField,
    ChoiceField,
    ChoiceRadioField,
    PlainDateField,
    Required,
    WholeNumberField,
    at_most,
)
from marketplace.money import InvalidAmount, parse_pounds, pence_to_pounds_text
from marketplace.providers import services as provider_services
from marketplace.providers.services import ProviderDetails, ServiceDetails


def one_line(value):
    return provider_services.clean_text(value) if isinstance(value, str) else value


def multi_line(value):
    return provider_services.clean_text(value, multiline=True) if isinstance(value, str) else value


class _ListingForm(FlaskForm):
    """Adds the domain's listing rules to field-level validation, one message per field."""

    #: Domain field name -> form field name, where they differ.
    field_for: ClassVar[dict[str, str]] = {}

    def find_problems(self) -> list[tuple[str, str]]:
        """The domain's problems with what was typed; each listing form supplies its rules."""
        return []

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.add_problems(self.find_problems())
        return valid and not self.errors

    def add_problems(self, problems) -> None:
        for field_name, message in problems:
            target = self[self.field_for.get(field_name, field_name)]
            if not target.errors:
                target.errors = [message]


# --- organisation profile -------------------------------------------------------------------

PROVIDER_TYPE_HINTS = {
    "ulo": "Run and controlled by the people who use its services: they hold most of the "
    "seats on the board.",
    "micro-enterprise": "A small local business or social enterprise with "
    f"{vocabulary.MICRO_PROVIDER_SIZE}.",
    "personal-assistant": "You work for yourself, supporting people with daily life. You will "
    "need a recent DBS check.",
    "community-group": "A voluntary or community group, often run by volunteers.",
    "larger-provider": f"An organisation with more than {vocabulary.MICRO_PROVIDER_MAX_STAFF} "
    "staff, such as a charity or care company.",
    "community-activity": "Something anyone can join, such as a gym, college course or club.",
}


def _web_address(value):
    value = one_line(value)
    if value and "://" not in value and not re.match(r"^[a-z][a-z0-9+-]*:", value, re.IGNORECASE):
        return "https://" + value
    return value


def _district(text: str) -> str:
    """What the person typed as a district, normalised when it is one (a full postcode is cut
    to its district); left as typed otherwise so the rules can refuse it."""
    value = areas.normalise_area(text)
    if value and value not in areas.LOCAL_AUTHORITIES:
        return value
    return text


class ProviderProfileForm(_ListingForm):
    name = StringField(
        "Name of your organisation",
        filters=[one_line],
        validators=[Required("Enter the name of your organisation"), at_most(160)],
    )
    provider_type = ChoiceRadioField(
        "What kind of provider are you?",
        choices=vocabulary.PROVIDER_TYPES,
        missing_message="Choose the kind of provider you are",
    )
    description = TextAreaField(
        "About your organisation", filters=[multi_line], validators=[at_most(5000)]
    )
    is_user_led = BooleanField(
        "We are user-led: people who use our services hold most of the seats on our board"
    )
    user_led_statement = TextAreaField(
        "How people who use your services control the board",
        filters=[multi_line],
        validators=[at_most(2000)],
    )
    staff_count = WholeNumberField(
        "How many staff do you have?",
        invalid_message="Enter the number of staff as a whole number, like 3",
        render_kw={"inputmode": "numeric"},
        validators=[Required("Enter how many staff you have, like 3")],
    )
    dbs_checked_on = PlainDateField("Date of your latest DBS check")
    has_insurance = BooleanField("We have public liability insurance")
    insurance_details = StringField(
        "Insurance details", filters=[one_line], validators=[at_most(255)]
    )
    insurance_expires_on = PlainDateField("Insurance runs out on")
    cqc_registration_number = StringField(
        "CQC registration number",
        filters=[lambda value: re.sub(r"\s+", "", one_line(value) or "")],
        validators=[at_most(20)],
    )
    contact_name = StringField("Contact name", filters=[one_line], validators=[at_most(120)])
    contact_email = StringField(
        "Contact email address",
        filters=[one_line],
        validators=[
            Optional(),
            at_most(254),
            Email("Enter an email address like name@example.org", check_deliverability=False),
        ],
    )
    contact_phone = StringField(
        "Contact phone number", filters=[one_line], validators=[at_most(40)]
    )
    website = StringField("Website", filters=[_web_address], validators=[at_most(255)])
    local_authority = SelectField(
        "Local authority you are based in",
        choices=[("", "Choose a local authority")] + areas.authority_choices(),
    )
    postcode_district = StringField(
        "Postcode district",
        filters=[lambda value: (one_line(value) or "").upper()],
        validators=[at_most(8)],
    )

    def validate_contact_phone(self, field):
        if field.data and not re.match(r"^\+?[0-9 ()-]{7,40}$", field.data):
            raise ValidationError("Enter a phone number using digits, like 0161 496 0000")

    def details(self) -> ProviderDetails:
        return ProviderDetails(
            name=self.name.data or "",
            provider_type=self.provider_type.data or "",
            description=self.description.data or "",
            is_user_led=bool(self.is_user_led.data),
            user_led_statement=self.user_led_statement.data or "",
            staff_count=self.staff_count.number,
            dbs_checked_on=self.dbs_checked_on.data,
            has_insurance=bool(self.has_insurance.data),
            insurance_details=self.insurance_details.data or "",
            insurance_expires_on=self.insurance_expires_on.data,
            cqc_registration_number=self.cqc_registration_number.data or "",
            contact_name=self.contact_name.data or "",
            contact_email=(self.contact_email.data or "").lower(),
            contact_phone=self.contact_phone.data or "",
            website=self.website.data or "",
            local_authority=self.local_authority.data or "",
            postcode_district=_district(self.postcode_district.data or ""),
        )

    def find_problems(self):
        return provider_services.find_provider_problems(self.details())

    @classmethod
    def initial_data(cls, provider, owner) -> dict:
        if provider is None:
            return {"contact_name": owner.display_name, "contact_email": owner.email,
                    "staff_count": 1}
        return {name: getattr(provider, name) for name in ProviderDetails.__dataclass_fields__}


# --- service listing ------------------------------------------------------------------------


class ServiceForm(_ListingForm):
    field_for: ClassVar[dict[str, str]] = {"price_pence": "price"}

    title = StringField(
        "Title",
        filters=[one_line],
        validators=[Required("Enter a title that says what the service is"), at_most(160)],
    )
    description = TextAreaField(
        "Description",
        filters=[multi_line],
        validators=[Required("Describe the service in a few sentences"), at_most(5000)],
    )
    category = ChoiceField(
        "Main category",
        choices=[("", "Choose a category")] + vocabulary.CATEGORIES,
        missing_message="Choose the main category",
    )
    secondary_categories = CheckboxesField(
        "Other categories it fits", choices=vocabulary.CATEGORIES
    )
    tags = StringField("Tags", filters=[one_line], validators=[at_most(500)])
    delivery_modes = CheckboxesField(
        "How is it delivered?",
        choices=vocabulary.DELIVERY_MODES,
        validators=[Required("Choose at least one way the service is delivered")],
    )
    local_authorities = CheckboxesField(
        "Local authorities you cover in full", choices=areas.authority_choices()
    )
    postcode_districts = StringField(
        "Postcode districts you cover", filters=[one_line], validators=[at_most(500)]
    )
    languages = CheckboxesField(
        "Languages",
        choices=vocabulary.LANGUAGES,
        validators=[Required("Choose at least one language the service is offered in")],
    )
    specialisms = CheckboxesField("Who it is especially for", choices=vocabulary.SPECIALISMS)
    accessibility = TextAreaField(
        "Accessibility", filters=[multi_line], validators=[at_most(2000)]
    )
    schedule = StringField("When it runs", filters=[one_line], validators=[at_most(255)])
    evenings = BooleanField("Runs in the evening (after 5pm)")
    weekends = BooleanField("Runs at weekends")
    price = StringField(
        "Price in pounds",
        filters=[one_line],
        render_kw={"inputmode": "decimal"},
        validators=[Required("Enter the price in pounds, like 12 or 12.50"), at_most(20)],
    )
    price_unit = ChoiceRadioField(
        "The price is",
        choices=vocabulary.PRICE_UNITS,
        missing_message="Choose what the price is for: hour, session, item or month",
    )
    is_group = BooleanField("This is a group service")
    capacity = WholeNumberField(
        "Places in a group",
        invalid_message="Enter the number of places as a whole number, like 8",
        render_kw={"inputmode": "numeric"},
    )
    poolable = BooleanField("People can pool their budgets to pay for this group")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.price_pence: int | None = None
        self.parsed_authorities: list[str] = []
        self.parsed_districts: list[str] = []

    def validate_price(self, field):
        if field.data.startswith("-"):
            raise ValidationError("The price cannot be less than £0")
        try:
            self.price_pence = parse_pounds(field.data)
        except InvalidAmount as error:
            raise ValidationError(str(error)) from None

    def validate_postcode_districts(self, field):
        # A person may type a whole authority here ("Salford"): count it as one.
        self.parsed_authorities, self.parsed_districts = [], []
        unknown = []
        for part in (field.data or "").split(","):
            part = part.strip()
            if not part:
                continue
            value = areas.normalise_area(part)
            if value is None:
                unknown.append(part)
            elif value in areas.LOCAL_AUTHORITIES:
                self.parsed_authorities.append(value)
            elif value not in self.parsed_districts:
                self.parsed_districts.append(value)
        if unknown:
            raise ValidationError(
                f"“{unknown[0]}” is not a postcode district: use the first part of a postcode, "
                "like M14 or SK4, and put commas between districts"
            )

    def validate_tags(self, field):
        tags = provider_services.clean_tags(field.data)
        if len(tags) > provider_services.MAX_TAGS:
            raise ValidationError(f"Use {provider_services.MAX_TAGS} tags or fewer")
        if any(len(tag) > provider_services.MAX_TAG_LENGTH for tag in tags):
            raise ValidationError(
                f"Keep each tag to {provider_services.MAX_TAG_LENGTH} characters or fewer"
            )

    def details(self) -> ServiceDetails:
        authorities = list(self.local_authorities.data or [])
        authorities += [slug for slug in self.parsed_authorities if slug not in authorities]
        return ServiceDetails(
            title=self.title.data or "",
            description=self.description.data or "",
            category=self.category.data or "",
            secondary_categories=list(self.secondary_categories.data or []),
            tags=provider_services.clean_tags(self.tags.data),
            delivery_modes=list(self.delivery_modes.data or []),
            local_authorities=authorities,
            postcode_districts=list(self.parsed_districts),
            languages=list(self.languages.data or []),
            specialisms=list(self.specialisms.data or []),
            accessibility=self.accessibility.data or "",
            schedule=self.schedule.data or "",
            evenings=bool(self.evenings.data),
            weekends=bool(self.weekends.data),
            price_pence=self.price_pence,
            price_unit=self.price_unit.data or "",
            is_group=bool(self.is_group.data),
            capacity=self.capacity.number,
            poolable=bool(self.poolable.data),
        )

    def find_problems(self):
        return provider_services.find_service_problems(self.details())

    @staticmethod
    def initial_data(service) -> dict:
        if service is None:
            return {"languages": ["en"], "delivery_modes": ["in-person"]}
        return {
            "title": service.title,
            "description": service.description,
            "category": service.category,
            "secondary_categories": list(service.secondary_categories or []),
            "tags": ", ".join(service.tags or []),
            "delivery_modes": list(service.delivery_modes or []),
            "local_authorities": list(service.local_authorities or []),
            "postcode_districts": ", ".join(service.postcode_districts or []),
            "languages": list(service.languages or []),
            "specialisms": list(service.specialisms or []),
            "accessibility": service.accessibility,
            "schedule": service.schedule,
            "evenings": service.evenings,
            "weekends": service.weekends,
            "price": pence_to_pounds_text(service.price_pence),
            "price_unit": service.price_unit,
            "is_group": service.is_group,
            "capacity": service.capacity,
            "poolable": service.poolable,
        }

