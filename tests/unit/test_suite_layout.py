"""The test suite's own rules, so each test module can be moved, run or deleted on its own.

- A test module never imports another test module: shared builders live in helper modules
  beside the tests (tests/*_helpers.py, staff_scene.py, fakes.py, ...) and shared fixtures in
  conftest.py.
- A test module finds files through tests/paths.py, never from its own `__file__`.
- A test module lives in its level's folder: tests/unit, tests/integration or tests/journeys
  (scripts/test_layout.py says which, and files it with --apply). Off CI a module outside them
  is reported as a skip, so a branch that adds one still lands; CI (CLINIC_REQUIRE_LAYOUT=1,
  set by .ci/run) fails on it.

A broken rule names the file, the line and the import.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.paths import ROOT, TESTS


def is_test_module(dotted: str) -> bool:
    return dotted.rsplit(".", 1)[-1].startswith("test_")


def imports_of_test_modules(path: Path, root: Path = ROOT) -> list[str]:
    """Every import in `path` of a test module, as `file:line: import`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if is_test_module(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module and is_test_module(module):
                names = [module]
            else:  # `from tests import test_x` or `from . import test_x`
                names = [
                    f"{module}.{alias.name}" if module else alias.name
                    for alias in node.names
                    if is_test_module(alias.name)
                ]
        else:
            continue
        where = f"{path.relative_to(root)}:{node.lineno}"
        found += [f"{where}: imports the test module {name}" for name in names]
    return found


def test_no_module_of_the_suite_imports_a_test_module():
    offences = [
        offence for path in sorted(TESTS.rglob("*.py")) for offence in imports_of_test_modules(path)
    ]
    assert not offences, (
        "Test modules must not import each other; move what is shared into a helper module "
        "(tests/*_helpers.py) or a fixture in conftest.py:\n" + "\n".join(offences)
    )


def test_the_rule_names_the_file_the_line_and_the_import(tmp_path):
    sneaky = tmp_path / "tests" / "test_sneaky.py"
    sneaky.parent.mkdir()
    sneaky.write_text(
        "from tests.test_web_sms import make_core\n"
        "import tests.test_outbox\n"
        "from tests import test_x, web_helpers\n"
        "from tests.web_helpers import make_core as core\n"
    )
    assert imports_of_test_modules(sneaky, root=tmp_path) == [
        "tests/test_sneaky.py:1: imports the test module tests.test_web_sms",
        "tests/test_sneaky.py:2: imports the test module tests.test_outbox",
        "tests/test_sneaky.py:3: imports the test module tests.test_x",
    ]


def own_file_uses(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(root)}:{node.lineno}: uses __file__ (use tests/paths.py)"
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id == "__file__"
    ]


def test_test_modules_find_files_through_tests_paths():
    offences = [
        offence for path in sorted(TESTS.rglob("test_*.py")) for offence in own_file_uses(path)
    ]
    assert not offences, "\n".join(offences)


def layout_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "test_layout", ROOT / "scripts" / "test_layout.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_test_module_is_in_its_levels_folder():
    layout = layout_script()
    strays = [layout.classify(path) for path in sorted(TESTS.glob("test_*.py"))]
    message = (
        "Test modules go in tests/unit, tests/integration or tests/journeys "
        "(`python3 scripts/test_layout.py --apply` files them): "
        + "; ".join(f"{v.path.relative_to(ROOT)} -> tests/{v.level}/ ({v.reason})" for v in strays)
    )
    if strays and not os.environ.get("CLINIC_REQUIRE_LAYOUT"):
        pytest.skip(message)
    assert not strays, message


def test_the_layout_script_files_a_module_by_what_it_uses(tmp_path):
    layout = layout_script()
    cases = {
        "test_pure.py": "from bot.domain.sms_policy import assert_sms_safe\n",
        "test_db.py": "def test_x(sqlite_db):\n    pass\n",
        "test_web.py": "from bot.web.app import create_web_app\n",
        "test_chat.py": "from tests.journey_helpers import open_journey\n",
        "test_pinned.py": "# test-level: journeys\nimport httpx\n",
    }
    levels = {}
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        levels[name] = layout.classify(tmp_path / name).level
    assert levels == {
        "test_pure.py": "unit",
        "test_db.py": "integration",
        "test_web.py": "integration",
        "test_chat.py": "journeys",
        "test_pinned.py": "journeys",
    }
