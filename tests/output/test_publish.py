"""Publishing under faults: builds killed at any moment, builds started together, a full disk, a
read-only output folder. Afterwards the output folder always holds one complete build.

The project has two versions, A (as it is) and B (one summary changed), whose complete outputs are
known; a build alternates between them, so "the previous build" and "the new one" differ.
"""

from __future__ import annotations

import errno
import fcntl
import os
import random
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from faults import (
    die_at_call,
    fork_build,
    fork_run,
    ordinary_user,
    resize_tmpfs,
    rolebook,
    tmpfs,
    unprivileged,
)
from readback import snapshot

from rolebook.cli import INTERRUPTED, main
from rolebook.output import publish

KILLS = 60  # builds killed at random moments, at least


@dataclass
class Versions:
    root: Path
    role: Path
    texts: dict[str, str]
    outputs: dict[str, dict[str, bytes]]

    def use(self, name: str, root: Path | None = None) -> None:
        """Makes the project (or the copy at `root`) version `name`."""
        target = self.role if root is None else root / self.role.relative_to(self.root)
        target.write_text(self.texts[name], encoding="utf-8")

    def assert_complete(self, output: Path) -> str:
        """Asserts `output` holds exactly one of the two builds; returns which."""
        found = snapshot(output)
        matches = [name for name, files in self.outputs.items() if files == found]
        assert matches, f"{output} holds neither complete build: {sorted(found)}"
        return matches[0]


@pytest.fixture
def versions(project: Path, tmp_path: Path) -> Versions:
    role = project / "roles" / "vip-specialist.yaml"
    a = role.read_text(encoding="utf-8")
    assert "\nsummary: >-\n" in a
    texts = {"A": a, "B": a.replace("\nsummary: >-\n", "\nsummary: >-\n  第二版。\n", 1)}
    outputs = {}
    for name, text in texts.items():
        role.write_text(text, encoding="utf-8")
        assert main(["build", "--root", str(project), "--output", str(tmp_path / name)]) == 0
        outputs[name] = snapshot(tmp_path / name)
    assert outputs["A"] != outputs["B"]
    role.write_text(a, encoding="utf-8")
    return Versions(project, role, texts, outputs)


def litter(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".rolebook"))


def build_duration(args: list[str]) -> float:
    """Returns the median seconds of three builds with `args`, each forked and left to finish."""
    durations = []
    for _ in range(3):
        started = time.perf_counter()
        assert fork_build(args) == 0
        durations.append(time.perf_counter() - started)
    return sorted(durations)[1]


@pytest.mark.external
def test_a_build_killed_at_random_moments_leaves_one_complete_build_each_time(versions):
    output = versions.root / "output"
    args = ["build", "--root", str(versions.root)]
    duration = build_duration(args)
    rng = random.Random(6)
    kills = trials = 0
    while kills < KILLS:
        trials += 1
        versions.use("AB"[trials % 2])
        # Spread over the whole build: reading, rendering, staging, swapping, deleting.
        killed = fork_build(args, kill_after=rng.uniform(0, duration)) is None
        kills += killed
        versions.assert_complete(output)
        assert trials < 3 * KILLS, "the build finishes before it can be killed"
    assert fork_build(args) == 0
    assert versions.assert_complete(output) == "AB"[trials % 2]
    assert litter(versions.root) == []
    print(
        f"\n{kills} builds killed at random moments out of {trials} "
        f"(one build takes {duration * 1000:.0f} ms)"
    )


@pytest.mark.external
def test_ctrl_c_at_random_moments_stops_the_build_with_a_message_and_a_complete_output(versions):
    output = versions.root / "output"
    args = ["build", "--root", str(versions.root)]
    # Ctrl-C within the build's own time (a fixed window let a faster build finish first), not
    # in its first tenth: there the forked child may not have reached main, which handles it.
    duration = build_duration(args)
    rng = random.Random(7)
    codes: list[int | None] = []
    while codes.count(INTERRUPTED) < KILLS:
        versions.use("AB"[len(codes) % 2])
        codes.append(fork_build(args, kill_after=rng.uniform(0.1, 1) * duration, sig=signal.SIGINT))
        versions.assert_complete(output)
        assert len(codes) < 3 * KILLS, "the build finishes before Ctrl-C reaches it"
    assert set(codes) <= {INTERRUPTED, 0}  # 0: finished before Ctrl-C
    assert fork_build(args) == 0
    assert litter(versions.root) == []


# Every call through which publishing changes the disk.
STEPS = [
    (os, "mkdir"),
    (os, "rename"),
    (os, "fsync"),
    (os, "unlink"),
    (os, "rmdir"),
    (publish, "exchange"),
]


def no_exchange() -> None:
    """Makes publishing fall back to two renames, as where renameat2 does not exist."""

    def refuse(a, b):
        raise OSError(errno.ENOSYS, "renameat2 is not available", str(b))

    publish.exchange = refuse


@pytest.mark.external
@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_publishing_killed_at_each_of_its_steps_loses_nothing(versions, exchange):
    # The child publishes the known outputs directly: every step is reached in a few ms.
    output = versions.root / "output"
    fallback = () if exchange else (no_exchange,)

    def publish_version(name: str, *arrange, die_at: int = 0) -> int | None:
        before = [*fallback, *arrange] + ([die_at_call(die_at, STEPS)] if die_at else [])
        files = versions.outputs[name]
        return fork_run(
            lambda: publish.replace_folder(output, files) or 0,
            before=lambda: [do() for do in before],
        )

    assert publish_version("A") == 0
    step = 0
    while True:
        step += 1
        previous = versions.assert_complete(output)
        new = "B" if previous == "A" else "A"
        if publish_version(new, die_at=step) is not None:
            break
        if not exchange and not output.exists():
            # Killed between the two renames: the previous output waits beside it, whole, and
            # the next build moves it back before anything else.
            aside = [p / "output" for p in versions.root.glob(f"{publish.ASIDE}*")]
            assert [snapshot(p) for p in aside] == [versions.outputs[previous]]
            publish.tidy(versions.root)
        assert step < 200
    assert versions.assert_complete(output) == new
    assert litter(versions.root) == []
    assert fork_build(["build", "--root", str(versions.root)]) == 0
    print(
        f"\npublishing killed at each of its {step - 1} steps, "
        f"{'exchange' if exchange else 'two renames'}"
    )


def own_messages(err: str) -> str:
    """Returns what a build printed on stderr besides the roles' diagnostics (the sample
    manager role's compliance warnings, with their source lines)."""
    return "\n".join(line for line in err.splitlines() if not line.startswith(("roles/", "    ")))


@pytest.mark.external
@pytest.mark.parametrize("builds", [2, 5, 10])
def test_builds_started_together_leave_one_complete_build(versions, tmp_path, builds):
    other = tmp_path / "other"
    shutil.copytree(versions.root, other)
    versions.use("B", other)
    output = tmp_path / "shared-output"
    roots = [versions.root, other] * builds
    procs = [
        subprocess.Popen(
            rolebook("build", "--root", root, "--output", output),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for root in roots[:builds]
    ]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert [code for code, _ in results] == [0] * builds
    assert {own_messages(err) for _, err in results} <= {"", "waiting for another build to finish…"}
    versions.assert_complete(output)
    assert litter(tmp_path) == []
    waited = sum(bool(own_messages(err)) for _, err in results)
    print(f"\n{builds} builds at once: {waited} waited for another")


@pytest.mark.external
def test_a_build_that_must_wait_says_so_and_then_publishes(versions):
    with open(versions.root / publish.LOCK, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = subprocess.Popen(
            rolebook("build", "--root", versions.root),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stderr.readline() == "waiting for another build to finish…\n"
        assert proc.poll() is None
        fcntl.flock(held, fcntl.LOCK_UN)
    assert proc.wait(timeout=60) == 0
    versions.assert_complete(versions.root / "output")
    assert litter(versions.root) == []


def test_a_lock_file_left_by_a_killed_build_does_not_block(versions, cli):
    (versions.root / publish.LOCK).write_text("")
    assert cli("build", "--root", versions.root).code == 0
    assert litter(versions.root) == []


def run_unprivileged(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        unprivileged(rolebook(*args)), capture_output=True, text=True, timeout=120
    )


@pytest.mark.external
def test_a_read_only_output_folder_is_a_clear_error_and_stays_as_it_was(versions, cli):
    output = versions.root / "output"
    assert cli("build", "--root", versions.root).code == 0
    versions.use("B")
    subprocess.run(["chmod", "-R", "a-w", output], check=True)
    try:
        result = run_unprivileged("build", "--root", versions.root)
    finally:
        subprocess.run(["chmod", "-R", "u+w", output], check=True)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: cannot write {output}: {output} is read-only; make it "
        "writable (chmod -R u+w) or choose another --output; the previous "
        "output is unchanged\n"
    )
    assert versions.assert_complete(output) == "A"
    assert litter(versions.root) == []


@pytest.mark.external
def test_a_folder_that_cannot_be_written_is_a_clear_error(versions, cli):
    output = versions.root / "output"
    assert cli("build", "--root", versions.root).code == 0
    versions.use("B")
    versions.root.chmod(0o555)
    try:
        result = run_unprivileged("build", "--root", versions.root)
    finally:
        versions.root.chmod(0o755)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: cannot write {output}: Permission denied; make the folder "
        "writable or choose another --output; the previous output is "
        "unchanged\n"
    )
    assert versions.assert_complete(output) == "A"


@pytest.mark.external
def test_a_full_disk_is_a_clear_error_and_the_previous_output_stays(versions, tmp_path):
    with tmpfs(tmp_path / "disk", "4m") as disk:
        output = disk / "output"
        assert fork_build(["build", "--root", str(versions.root), "--output", str(output)]) == 0
        stat = os.statvfs(disk)
        used = (stat.f_blocks - stat.f_bfree) * stat.f_frsize
        # Too small for the files that change (the unchanged ones are linked, not copied).
        resize_tmpfs(disk, f"{used // 1024 + 8}k")
        versions.use("B")
        result = subprocess.run(
            rolebook("build", "--root", versions.root, "--output", output),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1
        assert result.stderr == (
            f"error: cannot write {output}: No space left on device; free "
            "some disk space and build again; the previous output is "
            "unchanged\n"
        )
        assert versions.assert_complete(output) == "A"
        assert litter(disk) == []
        resize_tmpfs(disk, "4m")
        assert fork_build(["build", "--root", str(versions.root), "--output", str(output)]) == 0
        assert versions.assert_complete(output) == "B"


def test_no_space_reported_by_the_system_is_a_clear_error(versions, cli, monkeypatch):
    # Runs everywhere, also where no tmpfs can be mounted: the file system's answer to a write
    # that does not fit, given where it arrives (fsync, as with delayed allocation).
    output = versions.root / "output"
    assert cli("build", "--root", versions.root).code == 0
    versions.use("B")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(publish.os, "fsync", full)
    result = cli("build", "--root", versions.root)
    assert result.code == 1
    assert result.err == (
        f"error: cannot write {output}: No space left on device; free some "
        "disk space and build again; the previous output is unchanged\n"
    )
    assert versions.assert_complete(output) == "A"
    assert litter(versions.root) == []


@pytest.mark.parametrize(
    "target", [".", "roles", "templates", "library", "translations", "pay_bands.yaml", ".."]
)
def test_the_output_folder_may_not_replace_the_project(project, cli, target):
    before = snapshot(project)
    result = cli("build", "--root", project, "--output", project / target)
    assert result.code == 1
    assert result.err.startswith(
        f"error: the output folder {(project / target).resolve()} would replace "
    )
    assert result.err.endswith("; choose another --output\n")
    assert snapshot(project) == before


def test_an_output_that_is_a_file_is_a_clear_error(project, cli):
    (project / "output").write_text("notes")
    result = cli("build", "--root", project)
    assert result.code == 1
    assert result.err == (
        f"error: {project / 'output'} is a file, not a folder; move it away or "
        "choose another --output\n"
    )
    assert (project / "output").read_text() == "notes"


# Which folders a build may replace: its own, an empty one, one that is not there yet.


def test_a_build_marks_its_output_and_replaces_what_it_marked(versions, cli):
    output = versions.root / "output"
    assert cli("build", "--root", versions.root).code == 0
    assert (output / publish.MARKER).read_bytes() == publish.MARKER_TEXT
    (output / "html" / "stale.html").write_text("left by hand")
    versions.use("B")
    assert cli("build", "--root", versions.root).code == 0
    assert versions.assert_complete(output) == "B"


def test_the_output_of_a_rolebook_from_before_the_marker_is_replaced(versions, cli):
    output = versions.root / "output"
    shutil.copytree(versions.root.parent / "A", output)
    (output / publish.MARKER).unlink()
    versions.use("B")
    assert cli("build", "--root", versions.root).code == 0
    assert versions.assert_complete(output) == "B"


def test_an_empty_output_folder_is_built_into(versions, cli):
    output = versions.root / "empty"
    output.mkdir()
    assert cli("build", "--root", versions.root, "--output", output).code == 0
    assert versions.assert_complete(output) == "A"


def test_publishing_itself_refuses_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    with pytest.raises(publish.OutputError, match="is not empty and has no .rolebook-output"):
        publish.replace_folder(tmp_path / "mine", {"html/index.html": b"<p>"})
    assert snapshot(tmp_path / "mine") == {"notes.txt": b"mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


@pytest.mark.external
def test_a_read_only_output_folder_is_refused_for_an_ordinary_user(versions):
    with ordinary_user() as (home, as_user):
        root = home / "handbook"
        shutil.copytree(versions.root, root)
        shutil.copytree(versions.root.parent / "A", root / "output")
        versions.use("B", root)
        (root / "output").chmod(0o555)
        result = subprocess.run(
            as_user(rolebook("build", "--root", root)), capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 1
        assert result.stderr == (
            f"error: cannot write {root / 'output'}: {root / 'output'} is read-only; make it "
            "writable (chmod -R u+w) or choose another --output; the previous output is "
            "unchanged\n"
        )
        assert versions.assert_complete(root / "output") == "A"
        assert litter(root) == []


def test_a_stage_fed_file_by_file_replaces_the_output_only_when_it_ends_well(tmp_path):
    output = tmp_path / "output"
    publish.replace_folder(output, {"html/index.html": b"old"})
    with pytest.raises(RuntimeError), publish.Stage(output) as stage:
        stage.add("html/index.html", b"new")
        assert (output / "html" / "index.html").read_bytes() == b"old"  # not yet
        raise RuntimeError("a template failed halfway")
    assert snapshot(output) == {"html/index.html": b"old", publish.MARKER: publish.MARKER_TEXT}
    assert litter(tmp_path) == []
    with publish.Stage(output) as stage:
        stage.add("html/index.html", b"new")
    assert (output / "html" / "index.html").read_bytes() == b"new"
    assert litter(tmp_path) == []


def test_a_file_as_the_last_build_published_it_is_linked_unread_unless_it_changed(tmp_path):
    """A cached job's file, which the last build published, is linked by its size and time
    (as a no-op build trusts them), without reading it; one changed since is written anew."""
    output = tmp_path / "output"
    publish.replace_folder(output, {"a.html": b"kept", "b.html": b"kept"})
    published = {
        name: [info.st_size, info.st_mtime_ns]
        for name in ("a.html", "b.html")
        for info in [(output / name).stat()]
    }
    (output / "b.html").write_bytes(b"hand")  # the same size, another time
    os.utime(output / "b.html", ns=(1, 1))  # (the clock may not have moved on)
    before = (output / "a.html").stat().st_ino
    with publish.Stage(output, published=published) as stage:
        stage.add("a.html", b"data", as_published=True)  # unread: the last build's bytes stay
        stage.add("b.html", b"data", as_published=True)
    assert (output / "a.html").stat().st_ino == before
    assert snapshot(output) == {
        "a.html": b"kept",
        "b.html": b"data",
        publish.MARKER: publish.MARKER_TEXT,
    }


def test_an_up_to_date_build_still_removes_what_a_killed_build_left(project):
    assert main(["build", "--root", str(project)]) == 0
    (project / f"{publish.STAGING}dead").mkdir()  # a build killed while it rendered
    (project / publish.LOCK).write_text("")
    assert main(["build", "--root", str(project)]) == 0  # up to date: it publishes nothing
    assert litter(project) == []
