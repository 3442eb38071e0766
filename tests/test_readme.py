"""The README cannot drift: its command table is generated from the CLI's own parser, and its
examples for outside users (the bundled sample, a URL, a saved HTML file, status) are run here as
written, with the real model. Only the example URL is pointed at a local server, and the data
directory at a temporary one.

After changing a command, refresh the table with ``.venv/bin/python -m tests.test_readme``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
TABLE_START, TABLE_END = "<!-- commands: generated from bot/cli's parser -->", "<!-- end of commands -->"
EXAMPLE_URL = "https://www.example.com/2025/03/14/dutch-tool-maker-servicing-limits/"
EXAMPLE_DATA_DIR = "/tmp/chipbot"
ARTICLE = REPO / "tests" / "corpus" / "fixtures" / "article.html"
# The saved page of the file example: our own words, a made-up outlet.
SAVED_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Gallium exporters wait weeks for licences | Metals Wire</title>
<meta property="og:title" content="Gallium exporters wait weeks for licences">
<meta property="article:published_time" content="2025-02-03T09:00:00Z">
<link rel="canonical" href="https://metalswire.example/2025/02/03/gallium-licences/"></head>
<body><article><h1>Gallium exporters wait weeks for licences</h1>
<p>Chinese exporters of gallium and germanium said licence approvals now take six to eight weeks, since
Beijing began requiring an export licence for both metals in August 2023.</p>
<p>Traders in Rotterdam said European buyers had turned to recycled gallium and to stock held in bonded
warehouses while the licences were pending.</p></article></body></html>
"""


def _usage(parser: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(prog=parser.prog, width=10_000)
    actions = [
        a for a in parser._actions if a.help is not argparse.SUPPRESS and not isinstance(a, argparse._HelpAction)
    ]
    formatter.add_usage(None, actions, [], prefix="")
    return formatter.format_help().strip()


def command_table(parser: argparse.ArgumentParser | None = None) -> str:
    """The README's command table: every subcommand's usage and help, as argparse has them."""
    parser = parser or build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in sub._choices_actions}
    rows = [f"| `{_usage(parser)}` | options every command takes |"]
    rows += [f"| `{_usage(command)}` | {helps[name]} |" for name, command in sub.choices.items()]
    return "\n".join(["| command | what it does |", "|---|---|", *rows])


def readme_table(text: str) -> str:
    start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
    return text[start:end].strip()


def test_the_command_table_is_the_parsers() -> None:
    expected = command_table()
    assert readme_table(README.read_text(encoding="utf-8")) == expected, (
        "README.md's command table differs from the CLI; run `.venv/bin/python -m tests.test_readme`"
    )


def test_the_table_would_notice_a_new_option() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub.choices["status"].add_argument("--colour", action="store_true")
    assert "`chipbot status [--json] [--live] [--colour]`" in command_table(parser) != command_table()


# -- the examples -----------------------------------------------------------------------------------


def examples(text: str) -> dict[str, list[str]]:
    """``<!-- example: NAME -->`` followed by a fenced block: NAME -> its command lines."""
    found = re.findall(r"<!-- example: (\w+) -->\s*```\w*\n(.*?)```", text, re.S)
    return {name: [line for line in block.splitlines() if line.strip()] for name, block in found}


@pytest.fixture
def page_server() -> Iterator[str]:
    """Serves the example URL's path with the corpus fixture article, on 127.0.0.1."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = ARTICLE.read_bytes()
            self.send_response(200 if self.path == "/2025/03/14/dutch-tool-maker-servicing-limits/" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/2025/03/14/dutch-tool-maker-servicing-limits/"
    server.shutdown()
    server.server_close()


def run_example(lines: list[str], *, cwd: Path, data_dir: Path, url: str) -> list[str]:
    """Run each command line as a shell would, with chipbot from this venv; return each one's output."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    # The example URL is served from 127.0.0.1 here; the fetcher's guard against private addresses
    # (the reliability work on main) lets it through only with this setting. Elsewhere it is ignored.
    env["CHIPBOT_ALLOW_PRIVATE_FETCH"] = "1"
    outputs = []
    for line in lines:
        if line.startswith(". .venv/bin/activate"):
            continue  # the PATH above does what activating does
        command = line.replace(EXAMPLE_DATA_DIR, str(data_dir)).replace(EXAMPLE_URL, url)
        result = subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        outputs.append(result.stdout)
    return outputs


@pytest.mark.slow
def test_the_readme_examples_work_as_written(tmp_path: Path, page_server: str) -> None:
    found = examples(README.read_text(encoding="utf-8"))
    assert set(found) == {"sample", "url", "file", "status"}
    work = tmp_path / "work"
    shutil.copytree(REPO / "corpus" / "sample", work / "corpus" / "sample")  # the example's relative path
    (work / "saved-article.html").write_text(SAVED_PAGE, encoding="utf-8")
    data_dir = tmp_path / "chipbot"

    sample = run_example(found["sample"], cwd=work, data_dir=data_dir, url=page_server)
    assert sample[0].startswith("added 36,") and "index: generation gen-000001: 36 articles" in sample[0]
    assert "ByteDance, Alibaba and Tencent" in sample[1] and "[1] " in sample[1]

    url = run_example(found["url"], cwd=work, data_dir=data_dir, url=page_server)
    assert url[0].startswith("added 1,")
    assert "“The Netherlands said on Friday" in url[1] and "” [1]" in url[1]  # quoted from the page, cited
    assert f"] Dutch Tool Maker Faces New Limits on China Servicing — 127.0.0.1, 2025-03-14, {page_server}" in url[1]

    saved = run_example(found["file"], cwd=work, data_dir=data_dir, url=page_server)
    assert saved[0].startswith("added 1,")
    assert "] Gallium exporters wait weeks for licences — metalswire.example" in saved[1]
    assert "six to eight weeks" in saved[1]

    (status,) = run_example(found["status"], cwd=work, data_dir=data_dir, url=page_server)
    assert "index: gen-000003, 38 articles" in status and "newest article: 2026-01-28" in status


def update_readme() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
    README.write_text(f"{text[:start]}\n{command_table()}\n{text[end:]}", encoding="utf-8")
    print(f"updated the command table in {README}")


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        update_readme()
