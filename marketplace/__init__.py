"""Pathways: a marketplace for personal-budget holders and small, user-led providers."""
from __future__ import annotations

from flask import Flask

from marketplace import ids
from marketplace.config import INSTANCE_DIR, PROJECT_ROOT, Config


def create_app(config_class: type = Config, **overrides) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    ids.install_converters(app)  # before any rule: <int:...> is a bounded id (marketplace/ids.py)
    if app.config.get("ENVIRONMENT") == "production":
        from marketplace.production_settings import check_production_settings

        check_production_settings(app.config)
    elif not app.config.get("SECRET_KEY"):
        raise RuntimeError("Set SECRET_KEY: a long random string that signs sessions.")
    _trust_proxies(app, int(app.config.get("TRUSTED_PROXIES") or 0))

    from marketplace import cli, errors, forms, models, security, templating  # noqa: F401
    from marketplace.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.register_error_handlers(app)
    cli.init_app(app)
    from marketplace.datarights import views_log

    views_log.init_app(app)  # who has seen a holder's information (docs/data-rights.md)

    from marketplace.accounts.account_routes import blueprint as account_bp
    from marketplace.accounts.link_routes import blueprint as account_links_bp
    from marketplace.accounts.closure_routes import blueprint as closure_bp
    from marketplace.accounts.routes import blueprint as accounts_bp
    from marketplace.accounts.supporter_routes import blueprint as supporters_bp
    from marketplace.accounts.token_routes import blueprint as tokens_bp
    from marketplace.budgets.routes import blueprint as budgets_bp
    from marketplace.commissioning.routes import blueprint as commissioning_bp
    from marketplace.commissioning.statement_routes import public as statements_bp
    from marketplace.datarights.routes import blueprint as datarights_bp
    from marketplace.enquiries.routes import blueprint as enquiries_bp
    from marketplace.managed.routes import blueprint as managed_bp
    from marketplace.notifications.routes import blueprint as notifications_bp
    from marketplace.orders.routes import blueprint as orders_bp
    from marketplace.payouts.routes import blueprint as payouts_bp
    from marketplace.payments.routes import blueprint as payments_bp
    from marketplace.api import blueprint as api_bp
    from marketplace.openreferral.page_routes import blueprint as open_data_bp
    from marketplace.openreferral.routes import blueprint as openreferral_bp
    from marketplace.pages.routes import blueprint as pages_bp
    from marketplace.pools.provider_routes import blueprint as pool_provider_bp
    from marketplace.needs.routes import blueprint as needs_bp
    from marketplace.pools.routes import blueprint as pools_bp
    from marketplace.providers.routes import blueprint as providers_bp
    from marketplace.reviews.moderation_routes import blueprint as moderation_bp
    from marketplace.reviews.routes import blueprint as reviews_bp
    from marketplace.search.routes import blueprint as search_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(account_links_bp)
    app.register_blueprint(closure_bp)
    app.register_blueprint(providers_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(budgets_bp)
    app.register_blueprint(supporters_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(commissioning_bp)
    app.register_blueprint(statements_bp)
    app.register_blueprint(orders_bp)
    app.register_blueprint(managed_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(payouts_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(pools_bp)
    app.register_blueprint(pool_provider_bp)
    app.register_blueprint(needs_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(enquiries_bp)
    app.register_blueprint(datarights_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # API writes authenticate by bearer token only, never by cookie
    app.register_blueprint(openreferral_bp, url_prefix="/openreferral")
    csrf.exempt(openreferral_bp)  # read-only: any other method is answered 405 in JSON
    app.register_blueprint(open_data_bp)

    from marketplace.search import index

    index.init_app(app)
    return app


def _trust_proxies(app: Flask, proxies: int) -> None:
    """Believe X-Forwarded-For and X-Forwarded-Proto from `proxies` proxies in front, so rate
    limits count the person's address (not the load balancer's) and url_for sees https.
    X-Forwarded-Host, -Port and -Prefix stay ignored: the host a client names must not change
    the links we build (SITE_URL is the address people use)."""
    if proxies < 0:
        raise RuntimeError("Set TRUSTED_PROXIES to the number of proxies in front (0 or more).")
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0,
                                x_port=0, x_prefix=0)
