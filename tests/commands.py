"""Commands run as a user runs them: each in its own process, its exit status, stdout and stderr
captured as text for the test to read (a failing command is the test's to judge, not an error)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path


def run(
    argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def run_as_written(
    command: str, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """``command`` of the README, run as ``argv``: it must succeed, and without a traceback."""
    done = run(argv, cwd=cwd, env=env, timeout=timeout)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr
    return done


def fresh_clone(dest: Path, root: Path, *, venv: Path | None = None) -> Path:
    """``root`` as a fresh clone of it has it, at ``dest``: the files git tracks (as this working
    tree has them, with their times), and nothing git ignores: no ``.venv``, state or caches. With
    ``venv``, the clone's ``.venv`` is that virtualenv, linked, as after the clone's first ``make``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = root / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    if venv is not None:
        (dest / ".venv").symlink_to(venv, target_is_directory=True)
    return dest


def plain_shell(**extra: str) -> dict[str, str]:
    """The environment of a new shell: no virtualenv activated, no PYTHONPATH, no make variables
    or Genesys credentials inherited from the test run."""
    dropped = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in dropped and not k.startswith(("GENESYS_CLIENT", "MAKE", "MFLAGS"))
    }
    venv_bin = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    return {**env, **extra}


def project_venv() -> Path | None:
    """The virtualenv running the tests, when they run in one (``make test``)."""
    return Path(sys.prefix) if sys.prefix != sys.base_prefix else None
