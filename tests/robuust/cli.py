"""Run the real `systeemanalyse` command in a child process (as a user or a scheduler would)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def omgeving(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "SYSTEEMANALYSE_"))}
    return {**env, **extra}


def start(*argv: str, stderr_pad: Path | None = None, **extra) -> subprocess.Popen:
    fout = open(stderr_pad, "w") if stderr_pad else subprocess.PIPE
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", *argv], cwd=PROJECT, env=omgeving(**extra),
                            stdout=subprocess.PIPE, stderr=fout, text=True)


def draai(*argv: str, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *argv], cwd=PROJECT, env=omgeving(**extra),
                          capture_output=True, text=True, timeout=900)
