"""Print pins of the lowest versions pyproject.toml allows: `name==floor`, one a line.

Usage: python .ci/lowest.py EXTRA... > lowest.txt; then pip install -c lowest.txt ...
Reads the runtime dependencies and the named extras (with the extras those pull in as
`virtnum[...]`); each requirement must have a plain `>=` floor.
"""

import re
import sys
import tomllib
from pathlib import Path

FLOOR = re.compile(r"([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)")


def requirements(project: dict, extras: list[str]) -> list[str]:
    """The runtime requirements and those of each extra, self-references expanded."""
    found, seen, todo = list(project["dependencies"]), set(), list(extras)
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in project["optional-dependencies"][extra]:
            own = re.fullmatch(rf"{project['name']}\[([^\]]*)\]", requirement)
            if own:
                todo += [name.strip() for name in own.group(1).split(",")]
            else:
                found.append(requirement)
    return found


def main(extras: list[str]) -> None:
    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    pins: dict[str, str] = {}
    for requirement in requirements(project["project"], extras):
        match = FLOOR.fullmatch(requirement)
        if match is None:
            raise SystemExit(f"no plain >= floor: {requirement!r}")
        name, floor = match.group(1).lower().replace("_", "-"), match.group(2)
        if pins.setdefault(name, floor) != floor:
            raise SystemExit(f"two floors for {name}: {pins[name]} and {floor}")
    print("\n".join(f"{name}=={floor}" for name, floor in sorted(pins.items())))


if __name__ == "__main__":
    main(sys.argv[1:])
