"""One set of versions everywhere, and a preview that starts at once.

`requirements.txt` is the lock file (pip-compile from `requirements.in`, the program's ranges, and
`requirements-dev.in`, the tools'): exact versions with hashes, every transitive dependency listed.
`make` (so `.ci/run`) installs it with `--require-hashes --no-deps`, the workflows do the same
(tests/test_workflow_security.py), and Pulumi's pip toolchain installs `requirements.txt` into
`virtualenv` when that is missing (the file name is fixed in Pulumi's language host). Dependabot
recognises the lock by its pip-compile header and recompiles it.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.txt"
RUNTIME_LOCK = ROOT / "requirements-runtime.txt"
SOURCES = ("requirements.in", "requirements-dev.in")
DEPENDABOT_MAX_FILE_BYTES = 500_000  # larger requirement files are skipped by Dependabot's fetcher


def locked(lock: Path = LOCK) -> dict[str, tuple[str, list[str]]]:
    """Package → (version, hashes), from the lock file's `name==version \\ --hash=...` entries."""
    entries: dict[str, tuple[str, list[str]]] = {}
    for entry in lock.read_text().replace("\\\n", " ").splitlines():
        if not re.match(r"^[A-Za-z0-9]", entry):
            continue
        pin, *rest = entry.split()
        name, version = pin.split("==")
        entries[canonicalize_name(name)] = (version, [h for h in rest if h.startswith("--hash=sha256:")])
    return entries


def source_requirements(name: str) -> list[Requirement]:
    found: list[Requirement] = []
    for raw in (ROOT / name).read_text().splitlines():
        line = raw.split("#")[0].strip()
        if line.startswith("-r "):
            found += source_requirements(line.removeprefix("-r ").strip())
        elif line:
            found.append(Requirement(line))
    return found


def test_every_range_is_satisfied_by_the_lock():
    lock = locked()
    for source in SOURCES:
        for requirement in source_requirements(source):
            name = canonicalize_name(requirement.name)
            assert name in lock, f"{name} ({source}) is not in requirements.txt; run pip-compile (README)"
            version = lock[name][0]
            assert requirement.specifier.contains(version), (source, str(requirement), version)


def test_the_lock_pins_every_package_with_hashes_and_lists_every_dependency():
    # `pip install --require-hashes --no-deps` installs exactly the listed packages: every
    # dependency of every one of them (with the extras asked for) must be listed too.
    lock = locked()
    assert all(hashes for _, hashes in lock.values()), [n for n, (_, h) in lock.items() if not h]
    pending = [(canonicalize_name(r.name), frozenset(r.extras)) for r in source_requirements(SOURCES[1])]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, extras = pending.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        assert name in lock, f"{name} is needed but not in requirements.txt"
        distribution = importlib.metadata.distribution(name)
        assert distribution.version == lock[name][0], f"{name}: .venv has {distribution.version}; run make"
        for raw in distribution.requires or []:
            requirement = Requirement(raw)
            # Markers are evaluated on this interpreter, once per extra asked for (and none).
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in {"", *extras}):
                pending.append((canonicalize_name(requirement.name), frozenset(requirement.extras)))
    assert {name for name, _ in seen} == set(lock), "packages in the lock that nothing needs"


def test_make_and_pulumi_install_the_lock_file():
    makefile = (ROOT / "Makefile").read_text()
    installs = [line.strip() for line in makefile.splitlines() if "pip install" in line]
    # Silent (@) and to stderr (>&2): `make plan PLAN_OPTIONS=--json` is JSON alone on a fresh clone.
    assert installs == [
        "@$(BIN)/python -m pip install --quiet --no-compile --require-hashes --no-deps -r requirements.txt >&2"
    ]
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    # Pulumi's pip toolchain creates `virtualenv` when it is missing and installs requirements.txt
    # into it: with the lock file there, the same versions as make's.
    options = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["runtime"]["options"]
    assert options["toolchain"] == "pip" and options["virtualenv"] == ".venv"


def test_dependabot_recompiles_the_lock_file():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    pip = [u for u in config["updates"] if u["package-ecosystem"] == "pip"]
    assert [u["directory"] for u in pip] == ["/"]
    # Dependabot takes a .txt file for pip-compile's output when its header names it as the
    # output file and .in files are there; it then re-runs pip-compile with the header's options.
    header = LOCK.read_text()[:600]
    assert "pip-compile" in header and "--generate-hashes" in header
    assert "--output-file=requirements.txt" in header and "requirements-dev.in" in header
    assert LOCK.stat().st_size < DEPENDABOT_MAX_FILE_BYTES
    assert "--find-links" not in LOCK.read_text() and "--index-url" not in LOCK.read_text()


def test_a_preview_runs_no_type_check_of_its_own_and_make_test_checks_the_program():
    # Pulumi's language host would run `mypy --exclude .venv <program directory>` before every
    # preview: the whole directory, cold in CI. The CI `test` job that every preview and deploy
    # needs runs `make test`, whose mypy covers the program's modules.
    options = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["runtime"]["options"]
    assert "typechecker" not in options
    assert re.search(r"^test: .*\btypecheck\b", (ROOT / "Makefile").read_text(), re.MULTILINE)
    files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"]
    assert {"__main__.py", "components", "genesys"} <= set(files)
    assert any(f.startswith("settings") for f in files)


def test_the_runtime_lock_is_the_programs_part_of_the_lock():
    # What the jobs that hold credentials install (tests/test_workflow_security.py): the
    # program's dependencies only, at exactly the versions and hashes of requirements.txt, and
    # every one of their dependencies (they install with --no-deps).
    lock, runtime = locked(), locked(RUNTIME_LOCK)
    assert all(runtime[name] == lock[name] for name in runtime), [n for n in runtime if runtime[n] != lock[n]]
    needed: set[str] = set()
    pending = [
        Requirement(r) for r in (ROOT / "requirements.in").read_text().splitlines() if r and r[0].isalpha()
    ]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in needed:
            continue
        needed.add(name)
        for raw in importlib.metadata.distribution(name).requires or []:
            dependency = Requirement(raw)
            if dependency.marker is None or dependency.marker.evaluate({"extra": ""}):
                pending.append(dependency)
    assert set(runtime) == needed, (set(runtime) - needed, needed - set(runtime))
    for tool in ("moto", "flask", "docker", "pre-commit", "pytest", "mypy", "parliament", "zizmor"):
        assert tool not in runtime, tool
    header = RUNTIME_LOCK.read_text()[:600]
    assert "--constraint=requirements.txt" in header and "--output-file=requirements-runtime.txt" in header
