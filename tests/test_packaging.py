"""What a user installs: the wheel and sdist carry the license, and the sdist everything
its own tests read."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from ._support import user_env

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
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)


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
    """The classifiers name 3.11, 3.12 and 3.13; CI runs the suite on the newer two
    (3.11 is python3 itself), and a missing one is a skip line, not a failure."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11"
    versions = {
        c.rsplit(" :: ", 1)[1]
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    assert versions == {"3.11", "3.12", "3.13"}
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "${VIRTNUM_CI_PYTHONS-3.12 3.13}" in ci
    assert 'echo "skip: python$version not found"' in ci
