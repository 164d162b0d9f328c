"""What a user installs: the wheel and sdist carry the license, and the sdist everything
its own tests read."""

from __future__ import annotations

import email
import email.message
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from ._support import README, user_env

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-d", str(out)],
        cwd=ROOT,
        env=user_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return out


def test_the_wheel_has_the_license_the_marker_and_the_pytest_plugin(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt")))
    assert any(name.endswith("licenses/LICENSE") for name in names)
    assert "virtnum/py.typed" in names
    assert b"virtnum.testing.pytest_plugin" in entry_points


def test_the_wheel_holds_the_package_and_nothing_else(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    package = subprocess.run(
        ["git", "ls-files", "virtnum"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "virtnum/py.typed" in package
    metadata = {name for name in names if name.split("/", 1)[0].endswith(".dist-info")}
    assert sorted(set(names) - metadata) == sorted(package)


def _metadata(dist: Path) -> email.message.Message:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(name)
    return email.message_from_bytes(text)


def test_the_metadata_names_the_project_urls(dist: Path) -> None:
    urls = dict(url.split(", ", 1) for url in _metadata(dist).get_all("Project-URL", []))
    assert {"Documentation", "Changelog", "Source", "Issues"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())


def test_the_long_description_links_are_absolute(dist: Path) -> None:
    """An index page cannot follow the README's links to docs/: each is made absolute."""
    description = _metadata(dist).get_payload()
    assert isinstance(description, str)
    relative = re.findall(r"\]\(((?!https?://|#)[^)]+)\)", description)
    assert relative == []
    readme_links = re.findall(r"\]\((docs/[^)]+)\)", README.read_text(encoding="utf-8"))
    assert len(readme_links) >= 10
    assert all(f"/blob/main/{link})" in description for link in readme_links)


def test_the_sdist_holds_what_its_tests_read(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    tracked = subprocess.run(
        ["git", "ls-files", "tests", "virtnum", "benchmarks", ".ci", "docs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert set(tracked) - names == set()
    shipped = {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", ".ci/run", "mkdocs.yml"}
    assert shipped <= names


def test_no_package_file_points_outside_the_repository() -> None:
    outside = re.compile(r"\.\./shared|shared/[A-Z-]+\.md|/work/")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "virtnum").rglob("*.py")
        if outside.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_supported_python_is_declared_and_run_by_ci() -> None:
    """The classifiers name 3.11 to 3.15; CI runs the suite on each (3.11 is python3
    itself, 3.14 and 3.15 are Debian's when no other is found), and a missing one is a
    skip line, not a failure."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11"
    versions = {
        c.rsplit(" :: ", 1)[1]
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    assert versions == {"3.11", "3.12", "3.13", "3.14", "3.15"}
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "${VIRTNUM_CI_PYTHONS-3.12 3.13 3.14 3.15}" in ci
    assert 'echo "skip: python$version not found"' in ci
    assert ".ci/debian-python" in ci
