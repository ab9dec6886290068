"""What `pulumi preview` spends before the program runs, first on a fresh clone and then again.

The Pulumi CLI cannot be installed here, so this runs what Pulumi's Python language host runs
for this project (`runtime: python`, `toolchain: pip`, `virtualenv: .venv`), step by step, in a
fresh clone of the repository's committed HEAD:

- GetRequiredPackages: when `.venv` is missing, `python -m venv .venv`, then
  `pip install --upgrade pip setuptools wheel` and `pip install -r requirements.txt`; always
  `python --version` and `pip list -v --format json` (which Pulumi packages, so which plugins);
- Run, only when `Pulumi.yaml` names `typechecker: mypy`: `pip list` again (is mypy installed?)
  and `python -m mypy --exclude .venv <program directory>`, the whole directory whatever
  `[tool.mypy] files` says, with the cache in `.mypy_cache` there (cold on a fresh clone).

Each step is timed once (it installs from the package index, which takes minutes); the type
check's steps are timed whether or not `Pulumi.yaml` names it, so that both can be compared.

    python bench/preview_startup.py
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cwd: Path, *command: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    typechecker = "typechecker: mypy" in (ROOT / "Pulumi.yaml").read_text()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"Pulumi.yaml names a type checker: {'yes (mypy)' if typechecker else 'no'}")
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        python = str(clone / ".venv" / "bin" / "python")
        pip_list = (python, "-m", "pip", "list", "-v", "--format", "json")
        mypy = (python, "-m", "mypy", "--exclude", ".venv", str(clone))

        install = timed(clone, sys.executable, "-m", "venv", ".venv")
        install += timed(clone, python, "-m", "pip", "install", "--upgrade", "pip", "setuptools", "wheel")
        install += timed(clone, python, "-m", "pip", "install", "-r", "requirements.txt")
        rows: list[tuple[str, float, float, bool]] = [
            ("venv and pip install (first only)", install, 0.0, True)
        ]
        first = timed(clone, python, "--version") + timed(clone, *pip_list)
        later = timed(clone, python, "--version") + timed(clone, *pip_list)
        rows.append(("python --version, pip list (plugins)", first, later, True))
        check_first = timed(clone, *pip_list)
        check_first += timed(clone, *mypy)
        check_later = timed(clone, *pip_list)
        check_later += timed(clone, *mypy)
        rows.append(("typecheck: pip list, mypy over the directory", check_first, check_later, typechecker))

    print(f"{'step':<48} {'first s':>8} {'later s':>8}  in this project's preview")
    for label, first, later, counted in rows:
        print(f"{label:<48} {first:>8.1f} {later:>8.1f}  {'yes' if counted else 'no'}")
    first_total = sum(r[1] for r in rows if r[3])
    later_total = sum(r[2] for r in rows if r[3])
    print(f"{'before the program runs':<48} {first_total:>8.1f} {later_total:>8.1f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
