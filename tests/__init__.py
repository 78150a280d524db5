"""The test suite (tests/conftest.py describes its set-up; docs/development.md how to run it)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository: manage.py, seeds/, fixtures/
