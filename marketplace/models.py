"""Imports every area's models so that SQLAlchemy and Alembic see the whole schema."""
from marketplace.accounts.models import ApiToken, SupporterGrant, User  # noqa: F401
from marketplace.accounts.models import EmailLink  # noqa: F401
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
from marketplace.pools.models import Pool, PoolMember  # noqa: F401
from marketplace.needs.models import Need, Quote  # noqa: F401
from marketplace.reviews.models import Review, ReviewAction  # noqa: F401
from marketplace.commissioning.models import ServiceDecision  # noqa: F401
from marketplace.commissioning.statement_models import MarketPositionStatement  # noqa: F401
from marketplace.commissioning.summary_models import SearchCountDaily, SpendDaily  # noqa: F401
from marketplace.enquiries.models import Enquiry, EnquiryMessage, EnquiryReport  # noqa: F401
from marketplace.reviews.reminders import ReviewReminder  # noqa: F401
from marketplace.commissioning.records import CommissionerInvitation, MarketChange  # noqa: F401
from marketplace.openreferral.models import (  # noqa: F401
    DeletedService,
    ServiceFeedWords,
    ServiceScheduleRule,
)
from marketplace.datarights.models import DataExport, DataExportFile, InformationView  # noqa: F401
from marketplace.payouts.models import (  # noqa: F401
    PayoutItem,
    PayoutOrder,
    PayoutRun,
    ProviderPayoutDetails,
)
from marketplace.openreferral import upkeep as _feed_upkeep  # noqa: E402

# Every save of a service (or a provider's name) keeps the feed's words and schedule rules.
_feed_upkeep.listen()


# SQLite checks foreign keys only on connections that ask (the default is off, and the setting
# does not persist in the file), so every connection asks as it opens. Without this, deleting
# a row that others refer to leaves them pointing at nothing on SQLite while PostgreSQL
# refuses: the two databases must keep the same rules. Migrations turn it off for their own
# connection (migrations/env.py): SQLite rebuilds a table to alter it, and dropping the old
# copy would otherwise delete or refuse every row that refers to it.
import sqlite3  # noqa: E402

import sqlalchemy as _sa  # noqa: E402


@_sa.event.listens_for(_sa.engine.Engine, "connect")
def _sqlite_enforces_foreign_keys(dbapi_connection, connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()
