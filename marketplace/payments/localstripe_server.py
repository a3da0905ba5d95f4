"""Run the local Stripe-compatible test server (localstripe) safely for development and tests.

localstripe's own command line listens on every network interface and keeps its state in a
fixed pickle file in the system temp folder, shared by everyone on the machine. This launcher
imports its aiohttp app instead and:

- listens on 127.0.0.1 only;
- keeps its state in <state-dir>/localstripe.pickle (the instance folder by default), so two
  checkouts or a test run never see each other's payments;
- registers our webhook endpoint (url + signing secret) at start, since localstripe forgets
  webhooks when it stops;
- adds the few things Stripe does that localstripe lacks (localstripe_extras.py): 3-D Secure
  while a card is saved.

    python -m marketplace.payments.localstripe_server --port 8420 --state-dir instance/localstripe \
        --webhook-url http://127.0.0.1:5000/payments/stripe/webhook --webhook-secret whsec_...

or `flask --app wsgi localstripe`, which takes all of these from the app's configuration.
localstripe is a test double: it never moves real money and it ignores idempotency keys.
"""
from __future__ import annotations

import argparse
import logging
import pickle
import warnings
from pathlib import Path

WEBHOOK_ID = "pathways"


def _keep_state_in(state_dir: Path) -> None:
    from localstripe import resources

    state_dir.mkdir(parents=True, exist_ok=True)
    state_file = state_dir / "localstripe.pickle"

    def try_load_from_disk(store) -> None:
        try:
            with open(state_file, "rb") as f:
                old = pickle.load(f)  # our own file, written by this launcher only
        except FileNotFoundError:
            return
        store.clear()
        dict.update(store, old)

    def dump_to_disk(store) -> None:
        temporary = state_file.with_suffix(".tmp")
        with open(temporary, "wb") as f:
            pickle.dump(store, f, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(state_file)

    resources.Store.try_load_from_disk = try_load_from_disk
    resources.Store.dump_to_disk = dump_to_disk


def serve(port: int, state_dir: Path, *, from_scratch: bool = False,
          webhook_url: str | None = None, webhook_secret: str | None = None,
          host: str = "127.0.0.1") -> None:
    """Run until interrupted. `host` must be a loopback address."""
    if host not in ("127.0.0.1", "::1", "localhost"):
        raise ValueError("The local test payment server only listens on loopback.")
    _keep_state_in(Path(state_dir))
    # localstripe registers plain (not async) handlers, which aiohttp warns about.
    warnings.filterwarnings("ignore", "Bare functions are deprecated", DeprecationWarning)
    from marketplace.payments.localstripe_extras import install

    install()  # before localstripe.server is imported: it reads the routes once
    from aiohttp import web
    from localstripe import server, webhooks
    from localstripe.resources import store

    if from_scratch:
        store.clear()
    else:
        store.try_load_from_disk()
    if webhook_url and webhook_secret:
        webhooks.register_webhook(WEBHOOK_ID, webhook_url, webhook_secret, None)
    access_log = logging.getLogger("aiohttp.access")
    access_log.setLevel(logging.INFO)
    if not access_log.handlers:
        access_log.addHandler(logging.StreamHandler())
    print(f"Local test payment server (localstripe) on http://{host}:{port}, state in {state_dir}",
          flush=True)
    web.run_app(server.app, host=host, port=port, access_log=access_log, print=None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--state-dir", default="instance/localstripe")
    parser.add_argument("--from-scratch", action="store_true", help="forget earlier test payments")
    parser.add_argument("--webhook-url")
    parser.add_argument("--webhook-secret")
    args = parser.parse_args(argv)
    serve(args.port, Path(args.state_dir), from_scratch=args.from_scratch,
          webhook_url=args.webhook_url, webhook_secret=args.webhook_secret)


if __name__ == "__main__":
    main()
