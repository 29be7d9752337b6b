"""Where things are, for every test at any depth under tests/ (unit, integration, journeys):
use these rather than `Path(__file__)`, which changes meaning when a test module moves."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# The published Telegram Bot API and Twilio API specs, kept in the repository (see specs/README.md).
SPECS = TESTS / "specs"
DATA = TESTS / "data"
# Screenshots and other output of the browser tests (git-ignored).
ARTIFACTS = TESTS / "artifacts"
PROFILE = ROOT / "bot" / "clinic_profile.toml"
