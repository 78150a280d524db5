"""Without Chromium the browser tests skip locally, saying how to install it, and fail in CI."""

from pathlib import Path

import pytest

from . import test_browser


def test_without_chromium_locally_the_browser_tests_skip_with_the_install_command(monkeypatch):
    monkeypatch.setattr(test_browser, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        test_browser.require_chromium()


def test_without_chromium_in_ci_the_browser_tests_fail(monkeypatch):
    monkeypatch.setattr(test_browser, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        test_browser.require_chromium()
