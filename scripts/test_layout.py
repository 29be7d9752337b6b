"""Sort the test modules by level: `python3 scripts/test_layout.py [--apply]`.

    tests/unit/         pure domain and logic: no database, no app, no web, no adapter
    tests/integration/  services on a database, web endpoints, adapters, the API doubles
    tests/journeys/     whole conversations through the Telegram or SMS doubles, staff scenes
                        and browser tests

Without `--apply` it prints each module's level and the reason (a dry run). With `--apply` it
`git mv`s every test module that is not in its level's folder yet (tests/test_*.py included),
so a test added anywhere is filed by the same rule. Helpers (tests/*_helpers.py, fakes.py,
staff_scene.py, paths.py, ...) and conftest.py stay in tests/ and keep their import names.

The rule reads each module's imports and the fixtures its tests ask for:
- journeys: it drives a conversation or a scene (JOURNEY_HELPERS, JOURNEY_FIXTURES), or its
  name says so (test_journey_*);
- unit: it imports nothing of the app's outer layers and asks for no database (OUTER, DB_FIXTURES)
  and no helper beyond PURE_HELPERS;
- integration: everything else.
A module may pin its level with a line `# test-level: unit|integration|journeys`.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
LEVELS = ("unit", "integration", "journeys")

# Helpers that build a Telegram conversation, an SMS line, a staff scene or a browser.
JOURNEY_HELPERS = {
    "tests.journey_helpers",
    "tests.staff_scene",
    "tests.console_helpers",
    "tests.miniapp_helpers",
    "tests.browser_helpers",
    "tests.crisis_helpers",
    "tests.aftercare_helpers",
}
# Fixtures that are such a conversation (tests/conftest.py).
JOURNEY_FIXTURES = {"line"}
# Anything of these makes a test more than a unit test.
OUTER = (
    "bot.db",
    "bot.app",
    "bot.core",
    "bot.runtime",
    "bot.web",
    "bot.sandbox",
    "bot.scheduling",
    "bot.messaging",
    "bot.__main__",
    "handlers",
    "telegram",
    "starlette",
    "httpx",
    "twilio",
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "uvicorn",
    "selenium",
    "psycopg",
    "apscheduler",
)
DB_FIXTURES = {"sqlite_db", "any_db", "pg_db", "database"}
# Test helpers a unit test may use: paths and plain fakes, nothing with a database.
PURE_HELPERS = {"tests.paths", "tests.fakes"}
# Files whose mentions of a test module's path are kept up to date by --apply.
TEXT_SUFFIXES = {".py", ".md", ".toml", ".cfg", ".ini", ".txt", ".yml", ".yaml", ""}
PIN = re.compile(r"^# test-level: (unit|integration|journeys)\s*$", re.M)


@dataclass(frozen=True)
class Verdict:
    path: Path
    level: str
    reason: str

    @property
    def target(self) -> Path:
        return TESTS / self.level / self.path.name


def _imports(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _fixtures(tree: ast.AST) -> set[str]:
    """Argument names of every function: the fixtures the tests and local fixtures ask for."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.update(arg.arg for arg in node.args.args + node.args.kwonlyargs)
    return names


def _under(module: str, prefixes: tuple[str, ...] | set[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _package(module: str) -> str:
    """`bot.web.app` -> `bot.web`, `sqlmodel.sql` -> `sqlmodel`: what a reason names."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" else parts[0]


def classify(path: Path) -> Verdict:
    text = path.read_text(encoding="utf-8")
    pinned = PIN.search(text)
    if pinned:
        return Verdict(path, pinned.group(1), "pinned in the module")
    tree = ast.parse(text, filename=str(path))
    imports, fixtures = _imports(tree), _fixtures(tree)
    journey = sorted(m for m in imports if m in JOURNEY_HELPERS)
    if path.name.startswith("test_journey_"):
        return Verdict(path, "journeys", "named test_journey_*")
    if journey:
        return Verdict(path, "journeys", "uses " + ", ".join(journey))
    if fixtures & JOURNEY_FIXTURES:
        return Verdict(
            path, "journeys", "fixture " + ", ".join(sorted(fixtures & JOURNEY_FIXTURES))
        )
    outer = sorted(m for m in imports if _under(m, OUTER) and not _under(m, {"bot.db.models"}))
    # The models alone are plain classes; a session or an engine makes it a database test.
    helpers = sorted(
        m for m in imports if _under(m, ("tests",)) and m not in PURE_HELPERS and m.count(".") == 1
    )
    databases = sorted(fixtures & DB_FIXTURES)
    reasons = []
    if outer:
        reasons.append("imports " + ", ".join(sorted({_package(m) for m in outer})))
    if helpers:
        reasons.append("helpers " + ", ".join(helpers))
    if databases:
        reasons.append("fixtures " + ", ".join(databases))
    if reasons:
        return Verdict(path, "integration", "; ".join(reasons))
    return Verdict(path, "unit", "no database, app or adapter")


def test_modules() -> list[Path]:
    found = list(TESTS.glob("test_*.py"))
    for level in LEVELS:
        found += (TESTS / level).glob("test_*.py")
    return sorted(found, key=lambda p: p.name)


def rewrite_references(moves: dict[str, str]) -> list[str]:
    """Point every `tests/test_x.py` written in the repository's text files at its new place."""
    if not moves:
        return []
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split("\0")
    pattern = re.compile(
        r"(?<![\w/.])(" + "|".join(re.escape(old) for old in sorted(moves)) + r")(?![\w])"
    )
    changed = []
    for name in listed:
        path = ROOT / name
        if not name or path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        new = pattern.sub(lambda m: moves[m.group(1)], text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(name)
    return changed


def apply(verdicts: list[Verdict]) -> int:
    moves: dict[str, str] = {}
    for level in LEVELS:
        folder = TESTS / level
        folder.mkdir(exist_ok=True)
        init = folder / "__init__.py"
        if not init.exists():
            init.write_text("")
            subprocess.run(["git", "add", str(init.relative_to(ROOT))], cwd=ROOT, check=True)
    for verdict in verdicts:
        if verdict.path == verdict.target:
            continue
        if verdict.target.exists():
            sys.exit(f"{verdict.target.relative_to(ROOT)} exists already")
        old = verdict.path.relative_to(ROOT).as_posix()
        new = verdict.target.relative_to(ROOT).as_posix()
        subprocess.run(["git", "mv", old, new], cwd=ROOT, check=True)
        moves[old] = new
    for name in rewrite_references(moves):
        print(f"references updated in {name}")
    return len(moves)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apply", action="store_true", help="git mv the modules into place")
    args = parser.parse_args()
    verdicts = [classify(path) for path in test_modules()]
    names = [v.path.name for v in verdicts]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        sys.exit("the same module name twice: " + ", ".join(clashes))
    for verdict in verdicts:
        here = "" if verdict.path == verdict.target else "  (to move)"
        print(f"{verdict.level:<12} {verdict.path.name:<40} {verdict.reason}{here}")
    counts = {level: sum(v.level == level for v in verdicts) for level in LEVELS}
    print(
        ", ".join(f"{level}: {count}" for level, count in counts.items()),
        f"(modules: {len(verdicts)})",
    )
    if args.apply:
        print(f"moved {apply(verdicts)} modules")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
