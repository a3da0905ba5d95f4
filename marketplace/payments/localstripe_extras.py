"""What Stripe does that localstripe (the local test server) does not, added by our launcher
(localstripe_server.py) so pages that depend on it can be tried and tested locally:

- `POST /v1/setup_intents/{id}/_authenticate`: the bank's answer to 3-D Secure while a card
  is saved, as localstripe already has for payment intents;
- Stripe's test card 4000 0025 0000 3155 asks for 3-D Secure when it is saved, and not
  again for payments made off-session later with the card saved that way (Stripe's testing
  page); localstripe asks every time. Other test cards keep localstripe's behaviour.
"""
from __future__ import annotations

#: Stripe's "authenticate once, when saved" test card.
AUTHENTICATE_ONCE_CARD = "4000002500003155"


def install() -> None:
    """Register the additions; call before localstripe.server is imported."""
    from localstripe import resources
    from localstripe.errors import UserError
    from localstripe.resources import PaymentMethod, SetupIntent, try_convert_to_bool

    if getattr(SetupIntent, "_pathways_extras", False):
        return

    def authenticate(cls, id, client_secret=None, success=False, **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        success = try_convert_to_bool(success)
        if not (isinstance(id, str) and id.startswith("seti_") and isinstance(success, bool)):
            raise UserError(400, "Bad request")
        intent = cls._api_retrieve(id)
        if client_secret != intent.client_secret:
            raise UserError(401, "Unauthorized")
        if intent.status != "requires_action":
            raise UserError(400, "Bad request")
        intent.next_action = None
        if success:
            intent.status = "succeeded"
            method = PaymentMethod._api_retrieve(intent.payment_method)
            method._pathways_set_up_with_authentication = True
        else:
            intent.status = "requires_payment_method"
            intent.payment_method = None
        return intent

    SetupIntent._api_authenticate = classmethod(authenticate)
    resources.extra_apis.append(("POST", "/v1/setup_intents/{id}/_authenticate",
                                 SetupIntent._api_authenticate))

    asks_every_time = PaymentMethod._requires_authentication

    def requires_authentication(self):
        if (getattr(self, "_pathways_set_up_with_authentication", False)
                and getattr(self, "_card_number", None) == AUTHENTICATE_ONCE_CARD):
            return False
        return asks_every_time(self)

    PaymentMethod._requires_authentication = requires_authentication
    SetupIntent._pathways_extras = True
