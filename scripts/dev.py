"""Project commands that set themselves up: `python3 scripts/dev.py run|test|sandbox|bench`.

Creates `.venv` on first use and reinstalls only when pyproject.toml changes, so the README's two
commands work on a fresh machine that has nothing but Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".installed"


def ensure_env() -> None:
    """Create the virtual environment and install the project when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 (this script may be started by an older Python)
        found = ".".join(str(part) for part in sys.version_info[:2])
        sys.exit(f"Python 3.11 or newer is required (found {found}).")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing dependencies into .venv (first run only) ...", flush=True)
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def run(*args: str) -> int:
    return subprocess.run([str(PY), *args], cwd=ROOT).returncode


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    rest = sys.argv[2:]
    if command not in {"run", "sandbox", "test", "bench", "migrate"}:
        print(__doc__)
        return 2
    ensure_env()
    if command in {"run", "sandbox", "migrate"}:
        return run("-m", "bot", command, *rest)
    if command == "bench":
        return run("-m", "benchmarks", *rest)
    steps = [
        ("ruff check", ["-m", "ruff", "check", "."]),
        ("ruff format --check", ["-m", "ruff", "format", "--check", "."]),
        ("mypy", ["-m", "mypy", "bot", "handlers"]),
        # Layer rules from pyproject.toml ([tool.importlinter]); a broken one names the import.
        ("lint-imports", ["-c", LINT_IMPORTS]),
        ("pytest", ["-m", "pytest", *rest]),
    ]
    for name, argv in steps:
        print(f"== {name}", flush=True)
        code = run(*argv)
        if code != 0:
            print(f"== {name} failed (exit {code})", flush=True)
            return code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
