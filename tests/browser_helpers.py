"""Debian's headless Chromium for the browser tests (the console's and the Mini App's).

Importing this module skips the importing test module when chromium or chromedriver is
missing, except where CLINIC_REQUIRE_BROWSER is set (CI): there a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRED = os.environ.get("CLINIC_REQUIRE_BROWSER") == "1"

if CHROMIUM is None or CHROMEDRIVER is None:
    if REQUIRED:
        raise RuntimeError(
            "CLINIC_REQUIRE_BROWSER is set but chromium / chromedriver are missing: "
            "apt-get install -y chromium chromium-driver"
        )
    pytest.skip(
        "no Chromium here (apt-get install chromium chromium-driver to run the browser tests)",
        allow_module_level=True,
    )
