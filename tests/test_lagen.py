"""The import contract (pyproject.toml, [tool.importlinter]): layers point one way, checked on every test run."""
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def test_lagen_wijzen_een_kant_op():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    uit = subprocess.run([lint, "--no-cache"], cwd=PROJECT, capture_output=True, text=True)
    assert uit.returncode == 0, uit.stdout[-3000:] + uit.stderr[-2000:]
    assert "1 kept, 0 broken" in uit.stdout
