"""Extension objects, created unbound and attached in create_app."""
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, registry

from marketplace.columns import UtcDateTime


class Base(DeclarativeBase):
    registry = registry(
        # Every Mapped[datetime] column is aware UTC (columns.UtcDateTime), new models included.
        type_annotation_map={datetime: UtcDateTime},
        # Named constraints so Alembic migrations can alter them on every database.
        metadata=MetaData(
            naming_convention={
                "ix": "ix_%(column_0_label)s",
                "uq": "uq_%(table_name)s_%(column_0_name)s",
                "ck": "ck_%(table_name)s_%(constraint_name)s",
                "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
                "pk": "pk_%(table_name)s",
            }
        ),
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def configured_limit(name: str) -> Callable[[], str]:
    """The rate limit in app.config[name] (e.g. LOGIN_RATE_LIMIT), read at request time so
    each deployment, and each test, sets its own."""
    return lambda: current_app.config[name]
