"""Optional system parts (LibreOffice, OCR, Chromium, pdftoppm). Locally a test that needs a missing part
skips with the reason; under CI=true it fails, because CI installs every part (.ci/run)."""
from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def need(available: bool, what: str) -> None:
    """Skip (locally) or fail (in CI) when `what` is not available."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI must install {what} (.ci/run)")
    pytest.skip(f"{what} is not installed")


def need_binary(name: str, what: str | None = None) -> str:
    path = shutil.which(name)
    need(path is not None, what or name)
    return path  # type: ignore[return-value]


def need_module(module: str, what: str | None = None) -> None:
    need(importlib.util.find_spec(module) is not None, what or module)
