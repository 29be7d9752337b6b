"""The import rules in pyproject.toml catch the cycles issue 9 removed, naming the import.

`lint-imports` in the test command checks the real code; these tests put each removed import back
into the import graph (not into the code) and check that a contract breaks and says which import.
"""

from __future__ import annotations

import tomllib
from typing import Any

import grimp
import pytest
from importlinter import configuration
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import Contract

from tests.paths import ROOT

PYPROJECT = ROOT / "pyproject.toml"
CONTRACT_TYPES: dict[str, type[Contract]] = {
    "layers": LayersContract,
    "acyclic_siblings": AcyclicSiblingsContract,
    "forbidden": ForbiddenContract,
}


def _config() -> dict[str, Any]:
    with PYPROJECT.open("rb") as file:
        config: dict[str, Any] = tomllib.load(file)["tool"]["importlinter"]
    return config


def _contracts() -> list[Contract]:
    configuration.configure()
    config = _config()
    session = {key: value for key, value in config.items() if key != "contracts"}
    return [
        CONTRACT_TYPES[raw["type"]](
            name=raw["name"],
            session_options=session,
            # As lint-imports reads pyproject.toml: booleans come in as "true" / "false".
            contract_options={
                k: str(v).lower() if isinstance(v, bool) else v
                for k, v in raw.items()
                if k not in ("name", "type")
            },
        )
        for raw in config["contracts"]
        if raw["type"] in CONTRACT_TYPES
    ]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("bot", "handlers", include_external_packages=True, cache_dir=None)


def test_the_wiring_has_a_layers_and_a_no_cycles_contract_and_the_code_keeps_them(graph):
    contracts = _contracts()
    assert {"AcyclicSiblingsContract", "LayersContract"} <= {type(c).__name__ for c in contracts}
    for contract in contracts:
        assert contract.check(graph, verbose=False).kept, contract.name


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        # handlers, the web routes and the sandbox took `Core` from the composition root
        ("handlers.staff", "bot.app"),
        ("bot.web.app", "bot.app"),
        ("bot.web.console.base", "bot.app"),
        # the root started the runtime and the sandbox, which import the root
        ("bot.app", "bot.runtime"),
        ("bot.app", "bot.sandbox.console"),
        # the jobs called back up into the core
        ("bot.scheduling.jobs", "bot.core"),
        # the staff screens and the staff use cases imported each other (the screens are in
        # bot.presentation now, which reads no service)
        ("bot.presentation.staff_messages", "bot.services.staff_ops"),
        # services reaching up into Telegram's plumbing
        ("bot.services.booking", "bot.updates"),
    ],
)
def test_an_import_that_brings_a_cycle_back_breaks_a_contract_that_names_it(
    graph, capsys, importer, imported
):
    assert not graph.direct_import_exists(importer=importer, imported=imported)
    graph.add_import(
        importer=importer, imported=imported, line_number=7, line_contents=f"import {imported}"
    )
    broken = []
    try:
        for contract in _contracts():
            check = contract.check(graph, verbose=False)
            if not check.kept:
                broken.append(contract.name)
                contract.render_broken_contract(check)
    finally:
        graph.remove_import(importer=importer, imported=imported)
    assert broken, f"{importer} -> {imported} broke no contract"
    said = capsys.readouterr().out
    # The layers contract prints "a.b -> c.d (l.7)"; the no-cycles one ".b -> .d" within a package.
    assert f"{importer} -> {imported}" in said or (
        f".{importer.rsplit('.', 1)[-1]} -> .{imported.rsplit('.', 1)[-1]}" in said
    ), said
