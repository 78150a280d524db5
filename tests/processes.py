"""
`run_python(argv, env=...)`: `python *argv` in a process of its own, as `subprocess.run` would run it, but forked
from a server that has imported the third-party packages once (multiprocessing's forkserver), not started afresh.

The tests that run `manage.py` or a script as an operator would (migrations, upgrades, backups: tests/databases.py)
start some forty processes a run, and a new interpreter spends most of a second importing Django, DRF, openpyxl,
psycopg and the rest before it does anything. The server imports only packages that do not read Django's settings,
never the project, and never configures the settings: each process still reads its settings, database included,
from the environment it is given, and imports the project itself.
"""

import gc
import multiprocessing
import os
import runpy
import subprocess
import sys
import tempfile

from . import ROOT

# Imported by the server before it forks. None of them may read Django's settings on import (edtf does: its parser's
# package, pyparsing, is here instead); each forked process checks.
PRELOAD = [
    "django.contrib.admin",
    "django.contrib.postgres.fields",
    "django.core.management.commands.migrate",
    "django.db.models",
    "django.test",
    "django_countries",
    "django_filters.filters",
    "dateutil.parser",
    "import_export.formats.base_formats",
    "langcodes",
    "lxml.html",
    "openpyxl",
    "pyparsing",
    "rapidfuzz",
    "rest_framework.serializers",
    "shapely.geometry",
    __name__,
]


def run_python(argv, *, env, cwd=ROOT, timeout=600):
    """
    `python *argv` (a script and its arguments, or "-c" and code) with environment `env` (the whole of it) in `cwd`
    (the repository unless given): a `subprocess.CompletedProcess` with its exit code and its output as text, as
    `subprocess.run` gives with `capture_output=True, text=True`.
    """
    with tempfile.TemporaryDirectory() as folder:
        out, err = os.path.join(folder, "stdout"), os.path.join(folder, "stderr")
        process = _context().Process(target=_run, args=(list(argv), dict(env), str(cwd), out, err))
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired([sys.executable, *argv], timeout)
        with open(out, encoding="utf-8") as stdout, open(err, encoding="utf-8") as stderr:
            return subprocess.CompletedProcess([sys.executable, *argv], process.exitcode, stdout.read(), stderr.read())


def manage(database_url, *args, env=None, check=True, timeout=600):
    """
    `manage.py *args` against the database at `database_url`, in this process's environment with `env` over it. Unless
    `check` is false, a command that fails fails the test, with its output.
    """
    result = run_python(
        ["manage.py", *args], env={**os.environ, "DATABASE_URL": database_url, **(env or {})}, timeout=timeout
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _run(argv, env, cwd, out, err):
    """In the forked process: become `python *argv` with `env`, its output going to the files `out` and `err`."""
    _check_settings_unread()
    # The collector tuned as in the test processes (tests/conftest.py): the preloaded packages frozen out of its way,
    # the youngest generation collected every 50,000 new objects rather than 700. Migrating renders models by the
    # hundred thousand (a full migrate: 17.5 s against 21.0 s, docs/performance.md); nothing a process does depends
    # on when cycles go.
    gc.freeze()
    gc.set_threshold(50_000, *gc.get_threshold()[1:])
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, out), (2, err)):
        opened = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 (the process's own streams)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    # As the interpreter sets them: the script's folder (or, for -c, the working folder) first on the path.
    if argv[0] == "-c":
        sys.argv = ["-c", *argv[2:]]
        sys.path.insert(0, "")
        exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__"})
    else:
        sys.argv = argv
        sys.path.insert(0, os.path.dirname(os.path.abspath(argv[0])))
        runpy.run_path(argv[0], run_name="__main__")
    # multiprocessing turns SystemExit into the exit code and an exception into its traceback and code 1.


def _check_settings_unread():
    from django.conf import settings

    if settings.configured or any(name == "heritage" or name.startswith("heritage.") for name in sys.modules):
        raise RuntimeError("the process server has read Django's settings or imported the project")
