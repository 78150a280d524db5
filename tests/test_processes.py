"""
tests/processes.py: a forked process is what `subprocess.run` would have started, for what the migration, upgrade
and backup tests rely on: its own environment, working folder, arguments, output and exit code, and Django's
settings read from that environment, not inherited from the server that forked it.
"""

import os
import subprocess
import sys

import pytest

from .processes import run_python

SHOW = """
import json, os, sys
print(json.dumps({"argv": sys.argv, "cwd": os.getcwd(), "env": os.environ.get("MARK"), "other": "HOME" in os.environ,
                  "project": any(name.split(".")[0] == "heritage" for name in sys.modules)}))
print("to stderr", file=sys.stderr)
sys.exit(3)
"""


@pytest.mark.parametrize("start", [run_python, "subprocess"])
def test_a_forked_process_is_what_a_new_interpreter_would_be(tmp_path, start):
    argv, env = ["-c", SHOW, "one", "two"], {"MARK": "é", "PATH": os.environ["PATH"]}
    if start == "subprocess":
        result = subprocess.run([sys.executable, *argv], env=env, cwd=tmp_path, capture_output=True, text=True)
    else:
        result = start(argv, env=env, cwd=tmp_path)
    assert result.returncode == 3
    assert result.stdout.strip() == (
        f'{{"argv": ["-c", "one", "two"], "cwd": "{tmp_path}", "env": "\\u00e9", "other": false, "project": false}}'
    )
    assert result.stderr == "to stderr\n"


def test_each_process_reads_its_own_settings(tmp_path):
    """Two processes, two databases: the server that forks them has read no settings of its own."""
    script = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default'])"
    for name in (tmp_path / "one.sqlite3", tmp_path / "two.sqlite3"):
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{name}", "DJANGO_SETTINGS_MODULE": "heritage.settings"}
        assert f"'NAME': '{name}'" in run_python(["-c", script], env=env).stdout


def test_a_script_that_fails_gives_its_traceback_and_code_one():
    result = run_python(["-c", "raise ValueError('no such site')"], env=dict(os.environ))
    assert result.returncode == 1
    assert "ValueError: no such site" in result.stderr


def test_a_process_past_its_time_is_killed():
    with pytest.raises(subprocess.TimeoutExpired):
        run_python(["-c", "import time; time.sleep(30)"], env=dict(os.environ), timeout=0.5)
