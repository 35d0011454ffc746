from __future__ import annotations

from pathlib import Path

import pytest

from govwatch.engine.text.checker import TextChecker

# shared/ sits beside the repo (tests/engine/text -> parents[3] is the repo root).
SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"


@pytest.fixture(scope="session")
def checker() -> TextChecker:
    return TextChecker()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared/ 目录不在仓库旁（{SHARED}），跳过依赖共享材料的测试")
    return SHARED
