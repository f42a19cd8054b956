"""The layout the README describes: no import cycle between the tracker's
modules, and the public side imports nothing from the stewards' tool."""

import ast
from pathlib import Path

import pytest

TRACKER = Path(__file__).resolve().parent.parent / "tracker"

# The public site: what a visitor's request goes through.
PUBLIC_SIDE = [
    "tracker.views",
    "tracker.forms",
    "tracker.filtersets",
    "tracker.presenters",
    "tracker.feeds",
    "tracker.exports",
    "tracker.api",
]


def module_name(path):
    parts = path.relative_to(TRACKER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def tracker_modules():
    return {
        module_name(path): path
        for path in TRACKER.rglob("*.py")
        if "migrations" not in path.parts and "management" not in path.parts
    }


def imports_of(path, known):
    """The tracker modules ``path`` imports, anywhere in it (also inside
    functions: a deferred import still ties the two modules together)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


@pytest.fixture(scope="module")
def graph():
    modules = tracker_modules()
    return {name: imports_of(path, modules) - {name} for name, path in modules.items()}


def test_there_is_no_import_cycle(graph):
    # A package imports its own submodules (tracker.admin registers the
    # ModelAdmins by importing tracker.admin.site): not a cycle of ideas.
    edges = {
        name: {dep for dep in deps if not dep.startswith(name + ".")}
        for name, deps in graph.items()
    }
    done, path = set(), []

    def visit(name):
        if name in path:
            cycle = path[path.index(name) :] + [name]
            raise AssertionError(" → ".join(cycle))
        if name in done:
            return
        path.append(name)
        for dep in sorted(edges.get(name, ())):
            visit(dep)
        path.pop()
        done.add(name)

    for name in sorted(edges):
        visit(name)


def reachable(graph, start):
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        for dep in graph.get(name, ()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


@pytest.mark.parametrize("module", PUBLIC_SIDE)
def test_the_public_side_imports_nothing_from_the_admin(graph, module):
    if module not in graph:
        pytest.skip(f"{module} does not exist (yet)")
    admin = {name for name in reachable(graph, module) if name.startswith("tracker.admin")}
    assert not admin, f"{module} reaches {sorted(admin)}"


def test_the_check_sees_the_admin_package(graph):
    # Guards the two tests above against testing nothing.
    assert "tracker.admin.site" in graph["tracker.admin"]
    assert "tracker.presenters" in graph["tracker.views"]
