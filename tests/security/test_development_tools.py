"""localstripe (and aiohttp, which only it brings) is a development tool: the app imports, starts
and serves without it, and `flask localstripe` says how to install it instead of crashing."""
from __future__ import annotations

import os
import subprocess
import sys

from marketplace.config import PROJECT_ROOT

#: Runs before the app is imported: any import of these fails as if they were not installed.
BLOCK = """
import sys
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("localstripe", "aiohttp"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Blocker())
"""


def run_without_dev_tools(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items()
             if not key.startswith(("STRIPE_", "PATHWAYS_", "SITE_URL", "RATELIMIT_", "SECRET_KEY",
                                    "DATABASE_URL", "SEARCH_INDEX_DIR"))}
    clean["PATHWAYS_INSTANCE_DIR"] = str(tmp_path)
    return subprocess.run([sys.executable, "-c", BLOCK + code], cwd=PROJECT_ROOT,
                          env={**clean, **env}, capture_output=True, text=True, timeout=120)


def test_a_production_app_imports_and_serves_without_localstripe(tmp_path):
    result = run_without_dev_tools(
        "import sys, wsgi\n"
        "from flask_migrate import upgrade\n"
        "from marketplace.search import upkeep\n"
        "with wsgi.app.app_context():\n"
        "    upgrade()\n"  # /healthz is 200 once migrated and this node's index is built
        "    upkeep.keep_current()\n"
        "    response = wsgi.app.test_client().get('/healthz')\n"
        "print(response.status_code, sorted(m for m in sys.modules if m.startswith(('localstripe', 'aiohttp'))))\n",
        tmp_path,
        PATHWAYS_ENV="production", SECRET_KEY="production-secret-0123456789",
        STRIPE_SECRET_KEY="sk_live_51Pathways", STRIPE_PUBLISHABLE_KEY="pk_live_51Pathways",
        STRIPE_WEBHOOK_SECRET="whsec_production", SITE_URL="https://pathways.example.gov.uk",
        RATELIMIT_STORAGE_URI="redis://redis.internal:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "[]"]


def test_the_localstripe_command_says_how_to_install_it(tmp_path):
    result = run_without_dev_tools(
        "import wsgi\n"
        "outcome = wsgi.app.test_cli_runner().invoke(args=['localstripe'])\n"
        "print(outcome.exit_code)\n"
        "print(outcome.output)\n",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    exit_code, output = result.stdout.split("\n", 1)
    assert exit_code == "1"
    assert "localstripe, the local test payment server, is not installed" in output
    assert "pip install -e '.[dev]'" in output
