"""
What the benchmarks that measure each size in a process of their own share (bench/backup.py, bench/import_eamena.py):
running the script again for one size, and the line that says where and when a table was measured.
"""

import json
import os
import platform
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"


def measured(script, size, env):
    """Run `script --measure size` in a fresh process with `env`; return the JSON its last line prints."""
    out = subprocess.run([PYTHON, script, "--measure", str(size)], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def setting(*extra):
    """The machine, its load, Python, the date and the commit, as a table's first line."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    parts = [
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs",
        f"load average {os.getloadavg()[0]:.1f}",
        f"Python {platform.python_version()}",
        time.strftime("%Y-%m-%d"),
        f"commit {commit.stdout.strip()}",
        *extra,
    ]
    return ", ".join(parts) + "\n"
