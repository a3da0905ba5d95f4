"""Every benchmark answers --help (people read it before running an hour-long benchmark)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = sorted(path.stem for path in (ROOT / "bench").glob("*.py")
                    if path.stem != "__init__" and "argparse" in path.read_text())


@pytest.mark.parametrize("module", BENCHMARKS)
def test_each_benchmark_explains_itself(module):
    result = subprocess.run([sys.executable, "-m", f"bench.{module}", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_generate_market_help_states_the_provider_share():
    result = subprocess.run([sys.executable, "-m", "bench.generate_market", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert "15% of the services" in result.stdout
