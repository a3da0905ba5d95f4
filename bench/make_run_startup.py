"""How long `make run` takes, from a fresh clone, until /healthz answers 200.

    .venv/bin/python -m bench.make_run_startup                      # clone this checkout's HEAD
    .venv/bin/python -m bench.make_run_startup --no-cache-dir       # pip without its cache
    .venv/bin/python -m bench.make_run_startup --repo /path/to/clone --runs 2

Each run clones the repository's committed HEAD into a new temporary folder (so nothing from
this checkout - no .venv, no instance folder - is reused), runs `make run` there on a free
port with the embedded defaults (SQLite, a Whoosh index in the clone's instance folder,
localstripe on another free port), and polls /healthz until it answers 200. It prints the
seconds from `make run` to each step (make echoes each command as it starts it) and to the
first healthy answer, then stops the whole process group.

CPU time is that of the set-up steps make waited for (venv, pip, migrations, demo data, index
build; the servers themselves are still running when the clock stops). pip downloads come from
PyPI (pip fetches uv, uv the rest); their download caches are warm after the first run unless
--no-cache-dir (which sets PIP_NO_CACHE_DIR and UV_NO_CACHE).

Appends a section to bench/RESULTS.md unless --no-results-file.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = ROOT / "bench" / "RESULTS.md"
TIMEOUT_SECONDS = 600
#: How each recipe step shows in make's echo, in order, with a short name for the table.
STEPS = [
    ("-m venv", "venv"),
    ("install --quiet uv==", "uv"),
    ("pip install --quiet --python", "install the app"),
    ("db upgrade", "migrations"),
    ("seed-demo", "demo data"),
    ("flask reindex", "search index"),
    ("flask run", "web server starts"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def one_run(repo: Path, no_cache_dir: bool, keep: bool, show_log: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="pathways-fresh-"))
    clone = folder / "pathways"
    subprocess.run(["git", "clone", "--quiet", str(repo), str(clone)], check=True)
    if (clone / ".venv").exists() or (clone / "instance").exists():
        # A committed .venv (a symlink, say) would make this run install into, and time,
        # someone else's environment instead of a fresh one.
        raise SystemExit(f"{repo} has .venv or instance/ committed: not a fresh clone")
    port, stripe_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "VIRTUAL_ENV", "PATHWAYS_INSTANCE_DIR", "SEARCH_INDEX_DIR",
                        "PYTHONPATH")}
    env["STRIPE_API_BASE"] = f"http://127.0.0.1:{stripe_port}"
    if no_cache_dir:
        env["PIP_NO_CACHE_DIR"] = "1"
        env["UV_NO_CACHE"] = "1"
    log_lines: list[tuple[float, str]] = []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=clone, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )

    def read_output() -> None:
        for line in process.stdout:
            log_lines.append((time.monotonic() - started, line.rstrip()))

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    url = f"http://127.0.0.1:{port}/healthz"
    healthy_after = None
    while time.monotonic() - started < TIMEOUT_SECONDS:
        if process.poll() is not None:
            break
        if healthy(url):
            healthy_after = time.monotonic() - started
            break
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    reader.join(timeout=5)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    steps = {}
    for marker, name in STEPS:
        for at, line in log_lines:
            if marker in line and name not in steps:
                steps[name] = at
                break
    if show_log:
        print("\n".join(f"{at:6.1f} s  {line}" for at, line in log_lines))
    if healthy_after is None:
        print("\n".join(line for _, line in log_lines[-40:]))
        raise SystemExit(f"make run did not answer {url} within {TIMEOUT_SECONDS} s")
    if keep:
        print(f"Clone kept in {clone}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return {"healthy": healthy_after, "cpu": cpu, "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="repository to clone (HEAD)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-cache-dir", action="store_true", help="pip without its cache")
    parser.add_argument("--keep", action="store_true", help="keep the clone")
    parser.add_argument("--log", action="store_true", help="print make's output, timed")
    parser.add_argument("--no-results-file", action="store_true")
    args = parser.parse_args()
    commit = subprocess.run(["git", "-C", str(args.repo), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=True).stdout.strip()
    load_before = load()
    runs = [one_run(args.repo, args.no_cache_dir, args.keep, args.log) for _ in range(args.runs)]
    load_after = load()
    cache = ("no download cache (PIP_NO_CACHE_DIR, UV_NO_CACHE)" if args.no_cache_dir
             else "pip and uv download caches as left by earlier runs")
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## make run start-up: {when}, commit {commit}",
        "",
        f"`python -m bench.make_run_startup{' --no-cache-dir' if args.no_cache_dir else ''}`: "
        f"fresh clone, `make run` until /healthz answers 200; {cache}. {machine()}; "
        f"load average {load_before} before, {load_after} after.",
        "",
        "| run | " + " | ".join(name for _, name in STEPS) + " | /healthz 200 | CPU of set-up |",
        "|---|" + "---:|" * (len(STEPS) + 2),
    ]
    for number, run in enumerate(runs, 1):
        cells = [f"{run['steps'][name]:.1f} s" if name in run["steps"] else "-"
                 for _, name in STEPS]
        lines.append(f"| {number} | " + " | ".join(cells)
                     + f" | **{run['healthy']:.1f} s** | {run['cpu']:.1f} s |")
    lines.append("")
    lines.append("Each step column is the time from `make run` to that step starting.")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_results_file:
        with RESULTS_FILE.open("a", encoding="utf-8") as results:
            results.write("\n" + text)
        print(f"Appended to {RESULTS_FILE}")


if __name__ == "__main__":
    main()
