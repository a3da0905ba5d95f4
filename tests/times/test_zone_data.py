"""London's rules come with the app (the pinned tzdata package), so a machine without the system
zone database still shows British Summer Time."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_london_time_works_without_the_system_zone_database():
    script = (
        "import zoneinfo; assert zoneinfo.TZPATH == (), zoneinfo.TZPATH\n"
        "from marketplace.times import format_datetime, UTC\n"
        "from datetime import datetime\n"
        "print(format_datetime(datetime(2026, 6, 10, 14, 5, tzinfo=UTC)))\n"
    )
    # An empty PYTHONTZPATH makes zoneinfo ignore /usr/share/zoneinfo and the like.
    env = {**os.environ, "PYTHONTZPATH": ""}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "10 June 2026, 15:05"
