"""
The shell examples of the README and of the API guide (docs/api.md) work as written: each block is run by bash,
with curl and jq, against the live server holding the article, as a reader would run it against `make run`.

A block fails if a command in it fails (`set -e -o pipefail`): curl on an HTTP error (a `.curlrc` of the test's own
adds `--fail-with-body`: the commands stay as written), jq on a program it cannot compile or a value it cannot
read. A block followed at once by a `json` block must print those values. The README's writes run with a curator's
token in `$TOKEN` and `hatra.pdf` in the working folder; the guide's writes illustrate refusals and records that
the article does not hold, so only its reads run.

Every API URL the two documents quote inline (in backticks, without a placeholder such as `<slug>` or `…`) answers
an anonymous reader with a 200.

curl and jq are the system's (Debian: `apt-get install curl jq`); without them these tests skip locally, saying so,
and fail in CI (CI=true), where .ci/run installs them.
"""

import json
import os
import re
import shutil
import subprocess

import pytest

from .. import ROOT
from ..admin_helpers import make_user
from ..documents import pdf
from ..tokens import token_header

SERVED_AT = "http://127.0.0.1:8000"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


def blocks(path):
    """(line, script, printed) of each shell block of `path` that runs curl; `printed` the JSON block after it."""
    text = (ROOT / path).read_text(encoding="utf-8")
    found = list(BLOCK.finditer(text))
    out = []
    for block, following in zip(found, [*found[1:], None], strict=True):
        language, script = block.groups()
        if language != "sh" or "curl " not in script:
            continue
        printed = None
        if following and following.group(1) == "json" and not text[block.end() : following.start()].strip():
            printed = values(following.group(2))
        out.append((text.count("\n", 0, block.start()) + 1, script, printed))
    return out


def values(text):
    """The JSON values of `text`, one after another (jq prints one per result)."""
    decoder, text, position, out = json.JSONDecoder(), text.strip(), 0, []
    while position < len(text):
        value, end = decoder.raw_decode(text, position)
        out.append(value)
        position = len(text) - len(text[end:].lstrip())
    return out


def require_tools():
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if not missing:
        return
    message = f"{', '.join(missing)} not installed; install with: apt-get install {' '.join(missing)}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (in CI the documented commands must run, not skip)")
    pytest.skip(message)


@pytest.fixture
def shell(live_server, transactional_db, tmp_path):
    """`shell(script)`: run `script` as a reader would, against the live server; a CompletedProcess."""
    require_tools()
    (tmp_path / ".curlrc").write_text("fail-with-body\n")
    token = token_header(make_user("curator", group="Curator")).removeprefix("Token ")
    (tmp_path / "hatra.pdf").write_bytes(pdf("Hatra, the capital of the first Arab kingdom, was damaged in 2015."))
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CURL_HOME": str(tmp_path), "TOKEN": token}

    def run(script):
        script = script.replace(SERVED_AT, live_server.url)
        return subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script], cwd=tmp_path, env=env, capture_output=True, timeout=60
        )

    return run


def check(path, shell, *, writes):
    failures = []
    for line, script, printed in blocks(path):
        if not writes and re.search(r"\s-X\s", script):
            continue
        result = shell(script)
        output, errors = result.stdout.decode(), result.stderr.decode()
        where = f"{path}:{line}"
        if result.returncode:
            failures.append(f"{where}: exit {result.returncode}\n{errors}{output[:500]}")
        elif not output.strip():
            failures.append(f"{where}: printed nothing")
        elif printed is not None and values(output) != printed:
            failures.append(f"{where}: printed\n{output}\nnot what the document shows after it")
    assert not failures, "\n\n".join(failures)


def test_the_readme_commands_work_as_written(shell):
    assert len(blocks("README.md")) >= 5  # the questions, the filters, the writes
    check("README.md", shell, writes=True)


def test_the_api_guides_reads_work_as_written(shell):
    check("docs/api.md", shell, writes=False)


def quoted_urls(path):
    """The API URLs `path` quotes inline, but those with a placeholder."""
    text = (ROOT / path).read_text(encoding="utf-8")
    urls = re.findall(r"`(/api/v1/[^`\s]*)`", text)
    return sorted({url for url in urls if not re.search(r"[<…{]|\.\.\.", url)})


@pytest.mark.parametrize("path", ["README.md", "docs/api.md"])
def test_the_urls_the_documents_quote_answer(anonymous, unthrottled, path):
    urls = quoted_urls(path)
    assert len(urls) > 10
    failing = {url: status for url in urls if (status := anonymous.get(url).status_code) != 200}
    assert not failing, f"{path}: {failing}"


def test_a_broken_example_is_caught(shell, tmp_path, monkeypatch):
    """The check itself: a jq program that does not compile, an HTTP error and output unlike the document's."""
    document = tmp_path / "doc.md"
    document.write_text(
        f"```sh\ncurl -s '{SERVED_AT}/api/v1/periods/?site=palmyra' | jq '.results[] | {{name'\n```\n\n"
        f"```sh\ncurl -s '{SERVED_AT}/api/v1/sites/?country=XX'\n```\n\n"
        f"```sh\ncurl -s '{SERVED_AT}/api/v1/sites/palmyra/' | jq '.slug'\n```\n\n```json\n\"hatra\"\n```\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    with pytest.raises(AssertionError) as failed:
        check("doc.md", shell, writes=True)
    report = str(failed.value)
    assert "doc.md:1: exit 3" in report and "doc.md:5: exit 22" in report and "doc.md:9: printed" in report
