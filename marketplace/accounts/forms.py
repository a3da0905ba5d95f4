from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from marketplace import areas, vocabulary
from marketplace.accounts.home_area import district_problem
from marketplace.accounts.models import ROLES, SELF_REGISTER_ROLES
from marketplace.forms import CheckboxesField, ChoiceField, at_most, trimmed

MIN_PASSWORD_LENGTH = 10


def new_password_rules(missing: str) -> list:
    """The rules every new password follows: registering and resetting a forgotten one."""
    return [DataRequired(missing),
            Length(min=MIN_PASSWORD_LENGTH, max=200,
                   message=f"Use at least {MIN_PASSWORD_LENGTH} characters")]


def password_again(label: str, of: str) -> PasswordField:
    """The box that asks for a new password a second time, so a typing slip is caught."""
    return PasswordField(label, validators=[
        DataRequired(label), EqualTo(of, message="The two passwords do not match")])


def email_rules(missing: str) -> list:
    return [DataRequired(missing),
            Email("Enter an email address like name@example.com", check_deliverability=False),
            Length(max=254)]


class RegistrationForm(FlaskForm):
    display_name = StringField(
        "Your name",
        validators=[DataRequired("Enter your name"), Length(max=120, message="Use 120 characters or fewer")],
    )
    email = EmailField("Email address", validators=email_rules("Enter your email address"))
    role = RadioField(
        "What will you use Pathways for?",
        choices=[(value, text) for value, text in ROLES if value in SELF_REGISTER_ROLES],
        validators=[DataRequired("Choose what you will use Pathways for")],
    )
    password = PasswordField("Create a password", validators=new_password_rules("Create a password"))
    confirm_password = password_again("Type the password again", of="password")


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )
    new_password = PasswordField(
        "New password",
        validators=[
            DataRequired("Create a new password"),
            Length(min=MIN_PASSWORD_LENGTH, max=200,
                   message=f"Use from {MIN_PASSWORD_LENGTH} to 200 characters"),
        ],
    )
    confirm_password = password_again("Type the new password again", of="new_password")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", filters=[trimmed],
                       validators=email_rules("Enter your email address"))


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField("New password",
                                 validators=new_password_rules("Create a new password"))
    confirm_password = password_again("Type the new password again", of="new_password")


class ChangeEmailForm(FlaskForm):
    new_email = EmailField("New email address", filters=[trimmed],
                           validators=email_rules("Enter your new email address"))
    email_password = PasswordField(
        "Your password", validators=[DataRequired("Enter your password")])


class HomeAreaForm(FlaskForm):
    local_authority = ChoiceField(
        "Your council", required=False,
        choices=[("", "Not given")] + areas.authority_choices(),
        missing_message="Choose your council from the list")
    postcode_district = StringField("The first part of your postcode", filters=[trimmed],
                                    validators=[at_most(8)])
    interests = CheckboxesField("Kinds of support you are interested in",
                                choices=vocabulary.CATEGORIES)

    def validate_postcode_district(self, field):
        if field.data:
            problem = district_problem(self.local_authority.data or "", field.data)
            if problem:
                raise ValidationError(problem)
