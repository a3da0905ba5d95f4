"""Imports every area's models so that SQLAlchemy and Alembic see the whole schema."""
from marketplace.accounts.models import ApiToken, SupporterGrant, User  # noqa: F401
from marketplace.providers.models import Provider, Service  # noqa: F401
from marketplace.search.models import IndexOutboxEntry, SearchLogEntry  # noqa: F401
from marketplace.budgets.models import (  # noqa: F401
    Allocation,
    Budget,
    FundingStream,
    Instalment,
    ManagedAccountOrganisation,
    OrganisationMember,
    Outcome,
    SpendingRule,
    SupportPlan,
)
from marketplace.ledger.models import LedgerAccount, LedgerLine, LedgerTransaction  # noqa: F401
from marketplace.notifications.models import EmailMessage, Notification  # noqa: F401
from marketplace.jobs.models import JobRun  # noqa: F401
from marketplace.orders.models import Order, OrderEvent  # noqa: F401
from marketplace.payments.models import CardPayment, CardRefund, WebhookEvent  # noqa: F401
from marketplace.payouts.models import (  # noqa: F401
    PayoutItem,
    PayoutOrder,
    PayoutRun,
    ProviderPayoutDetails,
)
