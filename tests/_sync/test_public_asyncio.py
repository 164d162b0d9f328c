"""The blocking client reads and writes no underscored attribute of asyncio, signal,
anyio, aiohttp or sys, and imports no underscored module or name of theirs."""

from __future__ import annotations

import ast
from pathlib import Path

import virtnum._sync

PACKAGE = Path(virtnum._sync.__file__).parent
#: Names that hold another library's objects in the package (loops, tasks, portals).
THEIRS = {"loop", "task", "future", "portal", "_portal", "frame"}


def _private_uses(source: str) -> list[str]:
    tree = ast.parse(source)
    modules = {"asyncio", "signal", "anyio", "aiohttp", "sys", "threading", "os"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            names = [alias.name for alias in node.names]
            if module is not None and not module.startswith("virtnum"):
                found += [f"from {module} import {n}" for n in names if n.startswith("_")]
                found += [f"from {module}" for part in module.split(".") if _underscored(part)]
            if isinstance(node, ast.Import):
                found += [f"import {n}" for n in names if _underscored(n.split(".")[-1])]
                modules.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Attribute) and _underscored(node.attr):
            root: ast.expr = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and (root.id in modules or root.id in THEIRS):
                found.append(f"{ast.unparse(node)} (line {node.lineno})")
    return found


def _underscored(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_the_check_finds_what_the_old_loop_driver_did() -> None:
    old = (
        "import _signal\n"
        "import asyncio\n"
        "asyncio.events._get_running_loop()\n"
        "loop._thread_id = 1\n"
        "task.result()\n"
    )
    assert len(_private_uses(old)) == 3


def test_no_module_of_the_package_uses_a_private_attribute_of_another_library() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) > 5
    found = {path.name: _private_uses(path.read_text()) for path in modules}
    assert {name: uses for name, uses in found.items() if uses} == {}
