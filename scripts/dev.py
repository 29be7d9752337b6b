"""Project commands that set themselves up: `python3 scripts/dev.py run|test|sandbox|bench|lock|i18n`.

Creates `.venv` on first use and installs exactly what `requirements.lock` pins (every file
checked against its hash), then the project itself without dependencies; it reinstalls only when
the lock or pyproject.toml changes. So the README's two commands work on a fresh machine that has
nothing but Python 3.11+, and install the same versions everywhere (CI included).

`i18n extract|update|compile|check` keeps the Babel message catalogues in `bot/locale` in step
with the texts (`python -m bot.i18n`).

`lock` rewrites `requirements.lock` from pyproject.toml (runtime and dev dependencies, with
hashes) using pip-tools in a throw-away environment: pins already in the lock are kept unless
`--upgrade` is given, so adding a dependency to pyproject.toml and running `lock` adds only it.
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
LOCK = ROOT / "requirements.lock"
LOCK_TOOLS = ROOT / ".venv-lock"
PIP_TOOLS = "pip-tools==7.7.0"
# The lock is for PyPI as everyone sees it: no local indexes, wheel folders or constraints.
PYPI_ONLY = {
    **os.environ,
    "PIP_CONFIG_FILE": os.devnull,
    "PIP_FIND_LINKS": "",
    "PIP_CONSTRAINT": "",
    "PIP_EXTRA_INDEX_URL": "",
    "PIP_INDEX_URL": "https://pypi.org/simple",
}


def ensure_env() -> None:
    """Create the virtual environment; install the lock and the project when either changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 (this script may be started by an older Python)
        found = ".".join(str(part) for part in sys.version_info[:2])
        sys.exit(f"Python 3.11 or newer is required (found {found}).")
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", LOCK):
        digest.update(path.read_bytes())
    wanted = digest.hexdigest()
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing the locked dependencies into .venv (first run only) ...", flush=True)
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--require-hashes", "-r", str(LOCK)], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(wanted)


def lock(*args: str) -> int:
    """Rewrite requirements.lock from pyproject.toml (see the module docstring)."""
    tools = LOCK_TOOLS / ("Scripts" if os.name == "nt" else "bin")
    if not (tools / "pip-compile").exists() and not (tools / "pip-compile.exe").exists():
        print(f"Creating {LOCK_TOOLS.name} with {PIP_TOOLS} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(LOCK_TOOLS)
        subprocess.run(
            [str(tools / "python"), "-m", "pip", "install", "-q", PIP_TOOLS],
            check=True,
            env=PYPI_ONLY,
        )
    command = [
        str(tools / "pip-compile"),
        "--quiet",
        "--generate-hashes",
        "--extra=dev",
        "--strip-extras",
        "--allow-unsafe",
        "--no-emit-index-url",
        "--no-emit-find-links",
        "--index-url=https://pypi.org/simple",
        f"--output-file={LOCK.name}",
        *args,
        "pyproject.toml",
    ]
    return subprocess.run(command, cwd=ROOT, env=PYPI_ONLY).returncode


LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def run(*args: str) -> int:
    return subprocess.run([str(PY), *args], cwd=ROOT).returncode


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    rest = sys.argv[2:]
    if command not in {"run", "sandbox", "test", "bench", "migrate", "lock", "i18n"}:
        print(__doc__)
        return 2
    if command == "lock":
        return lock(*rest)
    ensure_env()
    if command in {"run", "sandbox", "migrate"}:
        return run("-m", "bot", command, *rest)
    if command == "bench":
        return run("-m", "benchmarks", *rest)
    if command == "i18n":
        return run("-m", "bot.i18n", *rest)
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
