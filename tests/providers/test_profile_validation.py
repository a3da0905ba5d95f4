"""Every rule of the organisation profile shows its message beside the field, and nothing is
saved."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.providers.models import Provider
from marketplace.times import london_today
from tests.factories import make_user
from tests.providers.conftest import profile_form

TOMORROW = (london_today() + timedelta(days=1)).isoformat()
YESTERDAY = (london_today() - timedelta(days=1)).isoformat()

RULES = [
    ({"name": "  "}, "name", "Enter the name of your organisation"),
    ({"name": "x" * 161}, "name", "Use 160 characters or fewer"),
    ({"provider_type": None}, "provider_type", "Choose the kind of provider you are"),
    ({"provider_type": "casino"}, "provider_type", "Choose the kind of provider you are"),
    ({"is_user_led": None}, "is_user_led",
     "A user-led organisation must tick that people who use its services hold most seats"),
    ({"user_led_statement": ""}, "user_led_statement",
     "Say how people who use your services control the board"),
    ({"user_led_statement": "x" * 2001}, "user_led_statement", "Use 2000 characters or fewer"),
    ({"description": "x" * 5001}, "description", "Use 5000 characters or fewer"),
    ({"staff_count": ""}, "staff_count", "Enter how many staff you have, like 3"),
    ({"staff_count": "three"}, "staff_count",
     "Enter the number of staff as a whole number, like 3"),
    ({"staff_count": "2.5"}, "staff_count",
     "Enter the number of staff as a whole number, like 3"),
    ({"staff_count": "-1"}, "staff_count", "Enter a number of staff from 0 to 10,000"),
    ({"staff_count": "99999999999"}, "staff_count", "Enter a number of staff from 0 to 10,000"),
    ({"provider_type": "personal-assistant", "is_user_led": None}, "dbs_checked_on",
     "Enter the date of your latest DBS check: personal assistants need one"),
    ({"dbs_checked_on": TOMORROW}, "dbs_checked_on", "The DBS check date cannot be in the future"),
    ({"dbs_checked_on": "2024-02-30"}, "dbs_checked_on", "Enter a real date, for example 27 3 2026"),
    ({"dbs_checked_on": "last spring"}, "dbs_checked_on", "Enter a real date, for example 27 3 2026"),
    ({"dbs_checked_on-day": "3", "dbs_checked_on-month": "", "dbs_checked_on-year": "2025"},
     "dbs_checked_on", "The date must include a month"),
    ({"dbs_checked_on-day": "3", "dbs_checked_on-month": "4", "dbs_checked_on-year": "25"},
     "dbs_checked_on", "Enter the year as 4 digits, for example 2026"),
    ({"insurance_details": ""}, "insurance_details", "Say what insurance you have and who with"),
    ({"insurance_expires_on": ""}, "insurance_expires_on", "Enter the date your insurance runs out"),
    ({"insurance_expires_on": YESTERDAY}, "insurance_expires_on",
     "That date has passed: enter the date your current insurance runs out"),
    ({"has_insurance": None}, "has_insurance",
     "Tick that you have insurance, or clear the insurance details and date"),
    ({"cqc_registration_number": "123456789"}, "cqc_registration_number",
     "Enter a CQC registration number like 1-123456789, or leave it empty"),
    ({"contact_email": "jo at example"}, "contact_email",
     "Enter an email address like name@example.org"),
    ({"contact_phone": "ring me"}, "contact_phone",
     "Enter a phone number using digits, like 0161 496 0000"),
    ({"website": "javascript:alert(1)"}, "website", "Enter a web address like https://www.example.org"),
    ({"local_authority": "narnia"}, "local_authority", "Not a valid choice"),
    ({"postcode_district": "Salford"}, "postcode_district",
     "Enter the first part of a postcode, like M14 or SK4"),
    ({"postcode_district": "XYZ"}, "postcode_district",
     "Enter the first part of a postcode, like M14 or SK4"),
]


@pytest.mark.parametrize("overrides, field, message", RULES)
def test_each_profile_rule_shows_its_message_and_saves_nothing(
    client, auth, queued, overrides, field, message
):
    user = make_user("provider")
    auth.login(user.email)
    response = client.post("/provider/profile", data=profile_form(**overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert f'<a href="#{field}">' in page
    assert f'id="{field}-error"' in page
    assert message in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Provider)) == 0
    assert queued == []


def test_an_invalid_edit_leaves_the_saved_profile_as_it_was(client, logged_in_provider):
    before = logged_in_provider.name
    response = client.post("/provider/profile", data=profile_form(name="New", staff_count="-4"))
    assert response.status_code == 400
    assert 'value="-4"' in response.get_data(as_text=True)  # what they typed is kept
    db.session.expire_all()
    assert db.session.get(Provider, logged_in_provider.id).name == before


def test_a_personal_assistant_with_a_dbs_date_and_a_cqc_number_is_accepted(client, auth):
    user = make_user("provider")
    auth.login(user.email)
    response = client.post(
        "/provider/profile",
        data=profile_form(
            provider_type="personal-assistant", is_user_led=None, user_led_statement="",
            dbs_checked_on="01/03/2025", cqc_registration_number="1-123 456 789",
            has_insurance=None, insurance_details="", insurance_expires_on="",
            staff_count="0", postcode_district="M6 5AB",
        ),
    )
    assert response.status_code == 302
    provider = db.session.scalars(sa.select(Provider)).one()
    assert provider.dbs_checked_on == date(2025, 3, 1)
    assert provider.cqc_registration_number == "1-123456789"
    assert provider.staff_count == 0 and provider.is_micro
    assert provider.postcode_district == "M6"  # a full postcode is cut to its district
    assert not provider.has_insurance and provider.insurance_expires_on is None


def test_control_characters_are_stripped_from_what_people_type(client, auth):
    user = make_user("provider")
    auth.login(user.email)
    client.post(
        "/provider/profile",
        data=profile_form(name="Peer\x00 Voices\x1b", description="Line one\r\nLine two\x07"),
    )
    provider = db.session.scalars(sa.select(Provider)).one()
    assert provider.name == "Peer Voices"
    assert provider.description == "Line one\nLine two"


def test_a_user_led_statement_is_dropped_when_no_longer_user_led(client, logged_in_provider):
    client.post("/provider/profile", data=profile_form())
    client.post(
        "/provider/profile",
        data=profile_form(provider_type="community-group", is_user_led=None),
    )
    db.session.expire_all()
    provider = db.session.get(Provider, logged_in_provider.id)
    assert not provider.is_user_led and provider.user_led_statement == ""
