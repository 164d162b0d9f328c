"""The documentation site: every guide's code runs when pasted, the API reference names
every public name, the site builds with ``mkdocs build --strict``, and the exception
tree drawn in the errors guide is the real one."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import virtnum
import virtnum.testing
from virtnum.testing import FakeServer
from virtnum.testing.pytest_plugin import serving_in_thread

from ._support import (
    DOCS,
    ROOT,
    TOKEN,
    code_blocks,
    doc_pages,
    run_doc_python,
    run_readme_bash,
    user_env,
)

BLOCKS = [
    (f"{page.relative_to(DOCS).with_suffix('')}-{index}", lang, code)
    for page in doc_pages()
    for index, (lang, code) in enumerate(code_blocks(page.read_text(encoding="utf-8")))
]
PYTHON = {name: code for name, lang, code in BLOCKS if lang == "python"}
BASH = {name: code for name, lang, code in BLOCKS if lang == "bash"}
REFERENCE = DOCS / "reference"
PUBLIC = [f"virtnum.{name}" for name in virtnum.__all__] + [
    f"virtnum.testing.{name}" for name in virtnum.testing.__all__
]


def test_the_guides_have_examples() -> None:
    assert len(PYTHON) >= 15
    assert len(BASH) >= 4


def test_python_blocks_import_only_the_public_modules() -> None:
    """The private modules may move; the guides must not notice."""
    imported = {
        module
        for code in PYTHON.values()
        for module in re.findall(r"^\s*(?:from|import)\s+(virtnum[\w.]*)", code, re.MULTILINE)
    }
    assert imported == {"virtnum", "virtnum.testing"}


# ---------------------------------------------------------------------------
# bash blocks: each runs against a FakeServer; some have more to check


def _outbound(result: subprocess.CompletedProcess[str], cwd: Path) -> None:
    rows = list(csv.reader(io.StringIO((cwd / "outbound.csv").read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["id", "number"]
    assert len(rows) > 1
    assert '"id":' in result.stdout  # the jsonl and json lines


def _profiles(result: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert "****" + TOKEN[-4:] in result.stdout
    assert (cwd / "staging.csv").read_text(encoding="utf-8").startswith("id,number")
    profiles = (cwd / "config" / "virtnum" / "credentials").read_text(encoding="utf-8")
    assert '["default"]' in profiles
    assert "staging" not in profiles  # logged out


def _apply(result: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert 'comment: null → "front desk"' in result.stdout
    assert result.stdout.endswith("nothing to change\n")
    assert (cwd / "report.jsonl").read_text(encoding="utf-8").count('"ok"') == 2


def _demo(result: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert "GET /numbers/virtual-number/1" in result.stdout


CHECKS: dict[str, Callable[[subprocess.CompletedProcess[str], Path], None]] = {
    "virtnum numbers outbound": _outbound,
    "virtnum auth login": _profiles,
    "apply edits.csv --report": _apply,
    "virtnum demo": _demo,
}


def test_each_checked_bash_block_is_there_once() -> None:
    for marker in CHECKS:
        assert len([code for code in BASH.values() if marker in code]) == 1, marker


PAGES: dict[str, list[tuple[str, str]]] = {}
for block, lang, code in BLOCKS:
    if lang in ("python", "bash"):
        PAGES.setdefault(block.rsplit("-", 1)[0], []).append((lang, code))


@pytest.mark.parametrize("page", list(PAGES))
def test_page_runs_top_to_bottom(page: str, tmp_path: Path) -> None:
    """A page's python and bash blocks in order, in one folder, against one fresh fake
    server (as `virtnum fake-server` serves it, its two lines exported), so a block
    sees what the blocks above it did; bash blocks with a temporary XDG_CONFIG_HOME."""
    with serving_in_thread(FakeServer(1000, token=TOKEN)) as server:
        for index, (lang, code) in enumerate(PAGES[page]):
            if lang == "python":
                result = run_doc_python(code, server, tmp_path)
            else:
                exported = {"VIRTNUM_TOKEN": TOKEN, "VIRTNUM_BASE_URL": server.url}
                config = str(tmp_path / "config")
                result = run_readme_bash(code, server, tmp_path, XDG_CONFIG_HOME=config, **exported)
            assert result.returncode == 0, f"{page} block {index}: {result.stderr}"
            assert TOKEN not in result.stdout + result.stderr
            for marker, check in CHECKS.items():
                if marker in code:
                    check(result, tmp_path)


def test_every_runnable_block_is_in_a_page_run() -> None:
    assert sum(len(blocks) for blocks in PAGES.values()) == len(PYTHON) + len(BASH)


# ---------------------------------------------------------------------------
# the API reference and the site


def _directives() -> list[str]:
    return [
        target
        for page in REFERENCE.rglob("*.md")
        for target in re.findall(r"^::: (\S+)$", page.read_text(encoding="utf-8"), re.MULTILINE)
    ]


def test_every_public_name_has_a_reference_entry() -> None:
    directives = _directives()
    assert [name for name in PUBLIC if name not in directives] == []
    assert len(directives) == len(set(directives)), "an object documented twice"


def test_the_reference_uses_no_private_module_path() -> None:
    """``virtnum._client.AsyncClient`` would break when the module moves; the reference
    names ``virtnum.AsyncClient``."""
    private = [d for d in _directives() if re.search(r"\._(?!_)", d)]
    assert private == []


def test_every_page_is_in_the_nav() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def pages(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, list):
            return [page for item in node for page in pages(item)]
        if isinstance(node, dict):
            return [page for value in node.values() for page in pages(value)]
        return []

    in_nav = pages(config["nav"])
    on_disk = [str(path.relative_to(DOCS)) for path in doc_pages()]
    assert sorted(in_nav) == sorted(on_disk)


def test_the_site_builds_strictly_and_names_every_public_name(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=user_env(NO_MKDOCS_2_WARNING="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    html = "\n".join(path.read_text(encoding="utf-8") for path in site.rglob("*.html"))
    anchors = set(re.findall(r'id="(virtnum[\w.]*)"', html))
    assert [name for name in PUBLIC if name not in anchors] == []
    # client.numbers' methods, with their parameters
    methods = ("get", "list", "iter", "get_many", "update", "add_mobile", "wait_for_state")
    assert {f"virtnum.resources.AsyncNumbers.{m}" for m in methods} <= anchors
    assert "return_exceptions" in html
    for fixture in ("virtnum_fake_server", "virtnum_client", "virtnum_async_client"):
        assert f"virtnum.testing.pytest_plugin.{fixture}" in anchors


# ---------------------------------------------------------------------------
# the exception tree of the errors guide


def _drawn_tree() -> dict[str, str | None]:
    """Each exception of the tree in docs/errors.md and the one drawn above it."""
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    section = text[text.index("## The exception tree") :]
    (tree,) = [code for lang, code in code_blocks(section)[:1] if lang == "text"]
    parents: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []
    for line in tree.splitlines():
        match = re.match(r"([│ ]*(?:├── |└── )?)(\w+)", line)
        assert match, line
        depth, name = len(match[1]), match[2]
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[name] = stack[-1][1] if stack else None
        stack.append((depth, name))
    return parents


def test_the_drawn_exception_tree_is_the_real_one() -> None:
    parents = _drawn_tree()
    errors = {
        name
        for name in virtnum.__all__
        if isinstance(getattr(virtnum, name), type)
        and issubclass(getattr(virtnum, name), virtnum.VirtnumError)
    }
    assert set(parents) == errors
    for name, parent in parents.items():
        cls = getattr(virtnum, name)
        expected = Exception if parent is None else getattr(virtnum, parent)
        assert expected in cls.__bases__, (name, parent)


def test_the_client_docstring_gives_each_default_its_value() -> None:
    from virtnum._http import config

    doc = virtnum.AsyncClient.__doc__ or ""
    assert "virtnum._" not in doc
    for name in ("timeout", "connect_timeout", "max_retries", "retry_after_cap"):
        value = getattr(config, f"DEFAULT_{name.upper()}")
        assert f"``{name}={value!r}``" in doc
    assert f"``max_connections={config.DEFAULT_MAX_CONNECTIONS}``" in doc
    assert f"``max_response_size={config.DEFAULT_MAX_RESPONSE_SIZE}``" in doc
