"""Incremental builds: each kind of change rebuilds exactly what depends on it, and the cache
never changes a byte of the output."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
import shutil
from pathlib import Path

import pytest
from conftest import edit
from readback import EXPECTED, snapshot, troubled

import rolebook
from rolebook.build import cache, jobs, outputs, pipeline
from rolebook.check.gather import load
from rolebook.load import project as loader
from rolebook.load import reader
from rolebook.load.project import Project
from rolebook.load.reader import read
from rolebook.load.readings import Readings
from rolebook.util import parallel
from rolebook.util.parallel import in_fork

ROLES = ("vip-department-manager", "vip-department-supervisor", "vip-specialist")
RENDERED = EXPECTED - set(outputs.STATIC_FILES)


def pages(*roles: str) -> set[str]:
    """Returns the paths of the Word and HTML pages of `roles`."""
    return {f"{fmt}/{role}.{fmt}" for role in roles for fmt in ("docx", "html")}


ASSEMBLED = {"docx/handbook.docx", "html/search-index.js"}  # made of every role's piece
WHOLE_HANDBOOK = ASSEMBLED | {"html/index.html"}


def index_jobs(root: Path) -> dict[str, dict]:
    """Returns the cache index's jobs, from all its shards."""
    shards = sorted((root / cache.FOLDER).glob("jobs-*.json"))
    return {k: job for p in shards for k, job in json.loads(p.read_bytes())["jobs"].items()}


def build(root: Path, output: Path | None = None) -> set[str]:
    """Builds with the cache and returns the paths rendered anew."""
    report = pipeline.build(root, output or root / "output", workers=1)
    return set(report.rendered)


def clean_build(root: Path) -> dict[str, bytes]:
    """Returns the output of a build of `root` without any cache."""
    out = root.parent / "clean"
    shutil.rmtree(out, ignore_errors=True)
    pipeline.build(root, out, workers=1, use_cache=False)
    return snapshot(out)


def test_the_first_build_renders_everything_and_the_second_nothing(project):
    assert build(project) == RENDERED
    stamps = {p: p.stat().st_mtime_ns for p in (project / "output").rglob("*")}
    report = pipeline.build(project, project / "output", workers=1)
    assert report.up_to_date and report.rendered == [] and report.files == len(EXPECTED)
    assert {p: p.stat().st_mtime_ns for p in (project / "output").rglob("*")} == stamps


def test_the_index_records_the_output_as_published_and_as_rebuilt(project):
    """The output's files, with their sizes and times, come from publishing (not a scan of
    the folder): they are what a scan gives, after a first build and after a rebuild."""
    for change in ("", "客户部"):
        edit(project / SPECIALIST, "department: 客户服务部", f"department: 客户服务部{change}")
        build(project)
        saved = json.loads((project / cache.FOLDER / "index.json").read_bytes())
        assert saved["build"]["state"] == cache.folder_state(project / "output")


def test_a_role_edited_rebuilds_that_role_and_the_files_made_of_every_role(project):
    build(project)
    # The supervisor's page links to the manager by title, and the index and the handbook's
    # front matter show titles, numbers and versions: the manager's duties are on none of them.
    edit(project / "roles" / "vip-department-manager.yaml", "全面负责", "全面主管")
    assert build(project) == pages("vip-department-manager") | ASSEMBLED
    assert snapshot(project / "output") == clean_build(project)


def test_a_field_the_index_shows_rebuilds_the_index_too(project):
    build(project)
    # The index's table of roles shows each role's effective date; no other page shows it.
    edit(
        project / "roles" / "vip-department-manager.yaml",
        "effective_date: 2026-12-01",
        "effective_date: 2026-12-02",
    )
    assert build(project) == pages("vip-department-manager") | WHOLE_HANDBOOK
    assert "2026年12月2日" in (project / "output/html/index.html").read_text()
    assert snapshot(project / "output") == clean_build(project)


def test_a_title_edited_also_rebuilds_the_pages_that_link_to_the_role(project):
    build(project)
    edit(project / "roles" / "vip-department-manager.yaml", "zh: 贵宾部经理", "zh: 贵宾部总经理")
    # A role's page is keyed on every role's id, department, number and titles (it shows
    # those of its department's roles and its neighbours): all pages are rendered again.
    assert build(project) == pages(*ROLES) | WHOLE_HANDBOOK
    assert "贵宾部总经理" in (project / "output/html/vip-department-supervisor.html").read_text()
    assert snapshot(project / "output") == clean_build(project)


def test_a_new_role_rebuilds_the_pages_that_named_it_before_it_existed(project):
    # Before the role exists its name is an outside position, so check accepts it.
    edit(project / "handbook.yaml", "external_positions:", "external_positions:\n  - vip-desk-lead")
    edit(
        project / "roles" / "vip-specialist.yaml",
        "  promotion: []",
        "  promotion:\n    - vip-desk-lead",
    )
    build(project)
    assert (
        'href="vip-desk-lead.html"' not in (project / "output/html/vip-specialist.html").read_text()
    )
    text = (project / "roles" / "vip-department-supervisor.yaml").read_text(encoding="utf-8")
    text = text.replace("id: vip-department-supervisor", "id: vip-desk-lead")
    text = text.replace("  reports_to:\n    - vip-department-manager", "  reports_to:\n    - 总监")
    text = text.replace("job_code: MGT-M1-001", "job_code: MGT-M1-002")
    (project / "roles" / "vip-desk-lead.yaml").write_text(
        text.replace("number: VIP-JD-003", "number: VIP-JD-009"), encoding="utf-8"
    )
    # A role is no outside position (check says so): it leaves the settings as it arrives.
    edit(project / "handbook.yaml", "\n  - vip-desk-lead", "")
    # So is a new role: all pages are rendered again.
    assert build(project) == pages("vip-desk-lead", *ROLES) | WHOLE_HANDBOOK
    assert 'href="vip-desk-lead.html"' in (project / "output/html/vip-specialist.html").read_text()
    assert snapshot(project / "output") == clean_build(project)


def test_a_comment_edited_rebuilds_nothing(project):
    build(project)
    edit(project / "roles" / "vip-specialist.yaml", "# 来源：篇二 一、岗位职责", "# 来源：篇二")
    report = pipeline.build(project, project / "output", workers=1)
    assert not report.up_to_date and report.rendered == []


@pytest.mark.parametrize(
    "changed", ["templates/_role.xml.j2", "templates/reference.docx", "templates/labels.yaml"]
)
def test_a_template_changed_rebuilds_everything(project, changed):
    build(project)
    path = project / changed
    if path.suffix == ".docx":
        path.write_bytes(path.read_bytes() + b"\0")  # still a zip: its directory is at the end
    else:
        path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert build(project) == RENDERED


def test_a_setting_changed_rebuilds_everything(project):
    build(project)
    edit(project / "handbook.yaml", "organisation: 示例集团人力资源部", "organisation: 示例集团")
    assert build(project) == RENDERED
    assert snapshot(project / "output") == clean_build(project)


def test_a_new_version_of_rolebook_rebuilds_everything(project, monkeypatch):
    build(project)
    monkeypatch.setattr(rolebook, "__version__", rolebook.__version__ + ".1")
    assert build(project) == RENDERED


def test_the_cache_never_changes_the_output(project):
    build(project)
    edit(
        project / "roles" / "vip-specialist.yaml",
        "applies_to: 客户服务部VIP室专职及兼职服务人员",
        "applies_to: 客户服务部VIP室服务人员",
    )
    edit(
        project / "templates" / "_role.xml.j2",
        "{{ L.duties }}</h2>",
        "{{ L.duties }}（共{{ role.duties | length }}条）</h2>",
    )
    build(project)
    assert snapshot(project / "output") == clean_build(project)


def test_the_cache_is_safe_to_delete(project):
    build(project)
    shutil.rmtree(project / cache.FOLDER)
    assert build(project) == RENDERED
    assert snapshot(project / "output") == clean_build(project)


def test_a_damaged_cache_file_is_rendered_again_not_published(project):
    build(project, project / "first")
    for path in (project / cache.FOLDER / "files").iterdir():
        path.write_bytes(b"damaged")
    assert build(project) == RENDERED
    assert snapshot(project / "output") == snapshot(project / "first")


def test_a_damaged_cache_index_is_an_empty_cache(project):
    build(project)
    # The index: the last build's report, and the jobs' entries in shards.
    for path in (project / cache.FOLDER).glob("*.json"):
        path.write_text("{not json", encoding="utf-8")
    assert build(project) == RENDERED


def test_a_build_rewrites_only_the_index_shards_whose_jobs_changed(project):
    build(project)
    shards = {p.name: p.stat().st_mtime_ns for p in (project / cache.FOLDER).glob("jobs-*.json")}
    edit(project / "roles" / "vip-department-manager.yaml", "全面负责", "全面主管")
    build(project)
    after = {p.name: p.stat().st_mtime_ns for p in (project / cache.FOLDER).glob("jobs-*.json")}
    rewritten = {name for name in after if shards.get(name) != after[name]}
    # The manager's page: one job with a new key, its old entry gone (one or two shards).
    assert 1 <= len(rewritten) <= 2 and len(after) > len(rewritten)
    shutil.rmtree(project / "output")  # a real build again, every job from the cache
    assert build(project) == set()


def test_an_output_folder_changed_by_hand_is_rebuilt(project):
    build(project)
    (project / "output" / "docx" / "vip-specialist.docx").unlink()
    (project / "output" / "stale.txt").write_text("old")
    report = pipeline.build(project, project / "output", workers=1)
    assert not report.up_to_date and report.rendered == []
    assert snapshot(project / "output") == clean_build(project)


def test_a_cache_that_cannot_be_written_only_costs_time(project):
    (project / ".cache").write_text("not a folder")
    assert build(project) == RENDERED
    assert build(project) == RENDERED
    assert snapshot(project / "output") == clean_build(project)


# -- Readings of role files ----------------------------------------------------------------------

SPECIALIST = "roles/vip-specialist.yaml"
KEPT = {
    "vip-department-manager.yaml.json",
    "vip-department-supervisor.yaml.json",
    "vip-specialist.yaml.json",
    "zz-copy.yaml.json",
}  # the files of troubled() read cleanly


def readings(root: Path, write: bool = True) -> Readings:
    return Readings(root / cache.FOLDER, write)


def entry(root: Path, name: str = "vip-specialist.yaml.json") -> Path:
    return root / cache.FOLDER / "readings" / name


def outcome(loaded: Project) -> tuple:
    """Returns all a load gives: each file's value, positions, key positions, suggestions and
    lines, the roles, and every diagnostic as printed."""
    return (
        {
            path: (r.value, r.positions, r.key_positions, r.suggested, r.lines)
            for path, r in loaded.readings.items()
        },
        loaded.roles,
        [d.format() for d in loaded.diagnostics],
    )


# What every load reads itself after the roles (which may come from the cache): the library and
# the pay bands. (The settings it reads first.)
AFTER_ROLES = [
    "library/competencies.yaml",
    "library/principles.yaml",
    "library/qualifications.yaml",
    "pay_bands.yaml",
]


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Returns the list of the files that loads in this process read (not from the cache)."""
    found: list[str] = []

    def counted(path, text, schema):
        found.append(path)
        return read(path, text, schema)

    monkeypatch.setattr(loader, "read", counted)
    return found


def test_kept_readings_give_what_reading_the_files_gives(project, reads):
    troubled(project)
    fresh = outcome(load(project))
    assert outcome(load(project, readings=readings(project))) == fresh  # read, and kept
    assert {p.name for p in entry(project).parent.iterdir()} == KEPT
    reads.clear()
    assert outcome(load(project, readings=readings(project))) == fresh  # from the cache
    assert reads == [
        "handbook.yaml",
        *[
            f"roles/{name}"
            for name in (
                "bad-date.yaml",
                "deep-nesting.yaml",
                "duplicate-key.yaml",
                "unknown-key.yaml",
                "wrong-type-list.yaml",
            )
        ],
        *AFTER_ROLES,
    ]  # the files with problems, read and reported each time
    assert outcome(load(project, 2, readings=readings(project))) == fresh


def test_only_a_changed_role_is_read_again(project, reads):
    load(project, readings=readings(project))
    edit(project / SPECIALIST, "department: 客户服务部", "department: 客户部")
    reads.clear()
    loaded = load(project, readings=readings(project))
    assert reads == ["handbook.yaml", SPECIALIST, *AFTER_ROLES]
    assert outcome(loaded) == outcome(load(project))


def test_kept_readings_are_placed_only_for_a_diagnostic(project, monkeypatch):
    """A kept reading's positions are read from its text again only when a check reports on
    it: a clean project loads without parsing a file it keeps."""
    load(project, readings=readings(project))
    parsed: list[str] = []

    def counted(path, text, schema):
        parsed.append(path)
        return read(path, text, schema)

    monkeypatch.setattr(reader, "read", counted)
    loaded = load(project, readings=readings(project))
    assert parsed == []
    assert loaded.readings[SPECIALIST].at(("summary",)) == (8, 10)
    assert parsed == [SPECIALIST]


def forged(change):
    """Returns a damage that changes an entry's JSON and gives it the right digest."""

    def damage(data: bytes) -> bytes:
        body = json.loads(data.split(b"\n", 1)[1])
        change(body)
        return with_digest(json.dumps(body, ensure_ascii=False).encode())

    return damage


def set_in(body: dict, path: tuple, value) -> None:
    for part in path[:-1]:
        body = body[part]
    body[path[-1]] = value


DAMAGES = {
    "cut short": lambda data: data[: len(data) // 2],
    "a byte changed": lambda data: data[:-40] + bytes([data[-40] ^ 1]) + data[-39:],
    "not an entry": lambda data: b"\0\xff" * 10,
    "empty": lambda data: b"",
    "another file's": lambda data: entry_of_the_manager(),
    "a wrong date": forged(lambda b: set_in(b, ("reading", "value", 2, 3), "2026-02-30")),
    "a number for a text": forged(lambda b: set_in(b, ("reading", "value", 0), 7)),
    "a field short": forged(lambda b: b["reading"]["value"].pop()),
    "a list for a text": forged(lambda b: set_in(b, ("reading", "value", 0), ["x"])),
    "a control character": forged(lambda b: set_in(b, ("reading", "value", 4), "x\x07")),
    "a wrong severity": forged(
        lambda b: b["checked"]["diagnostics"][4].append([1, 1, "x", "fatal", ""])
    ),
    "not a mapping": forged(lambda b: b.clear()),
    "nested too deep": lambda data: with_digest(b"[" * 100_000 + b"]" * 100_000),
}


def with_digest(body: bytes) -> bytes:
    return hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def entry_of_the_manager() -> bytes:
    return entry(_damaged_project, "vip-department-manager.yaml.json").read_bytes()


_damaged_project: Path = Path()


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_or_foreign_entry_is_read_again(project, reads, damage):
    global _damaged_project
    _damaged_project = project
    edit(project / SPECIALIST, "  - 其他服务内容：未明确内容可及时做到补充。", "  - TODO 第五项")
    fresh = outcome(load(project))
    load(project, readings=readings(project))
    path = entry(project)
    path.write_bytes(DAMAGES[damage](path.read_bytes()))
    reads.clear()
    assert outcome(load(project, readings=readings(project))) == fresh
    assert reads == ["handbook.yaml", SPECIALIST, *AFTER_ROLES]
    reads.clear()
    load(project, readings=readings(project))
    assert reads == ["handbook.yaml", *AFTER_ROLES]  # kept again, sound


def test_kept_checks_are_used_only_on_the_same_day_with_the_same_settings(project):
    def warnings(loaded: Project) -> list[str]:
        return [d.message for d in loaded.diagnostics if "overdue" in d.message]

    load(project, today=dt.date(2027, 1, 1), readings=readings(project))
    later = load(project, today=dt.date(2028, 1, 1), readings=readings(project))
    assert len(warnings(later)) == 3  # next_review 2027-12-01 has passed
    assert outcome(later) == outcome(load(project, today=dt.date(2028, 1, 1)))
    edit(project / SPECIALIST, "department: 客户服务部\n", "")
    load(project, readings=readings(project))
    edit(project / "handbook.yaml", "  - department\n", "")
    loaded = load(project, readings=readings(project))
    assert outcome(loaded) == outcome(load(project))
    assert not [d for d in loaded.diagnostics if "department" in d.message]


def test_a_build_keeps_readings_and_check_only_reads_files(project, cli):
    assert cli("check", "--root", project).code == 0
    assert not (project / ".cache").exists()  # check writes nothing into the project
    pipeline.build(project, project / "output", workers=1)
    assert {p.name for p in entry(project).parent.iterdir()} == {
        "vip-department-manager.yaml.json",
        "vip-department-supervisor.yaml.json",
        "vip-specialist.yaml.json",
    }
    (project / "roles" / "vip-specialist.yaml").rename(project / "roles" / "vip-other.yaml")
    load(project, readings=readings(project))
    assert not entry(project).exists()  # a role renamed or deleted leaves no entry behind


def test_without_write_the_kept_readings_are_used_and_none_is_written(project, reads):
    load(project, readings=readings(project, write=False))
    assert not (project / ".cache").exists()
    load(project, readings=readings(project))
    edit(project / SPECIALIST, "department: 客户服务部", "department: 客户部")
    before = {p.name: p.read_bytes() for p in entry(project).parent.iterdir()}
    reads.clear()
    load(project, readings=readings(project, write=False))
    assert reads == ["handbook.yaml", SPECIALIST, *AFTER_ROLES]
    assert {p.name: p.read_bytes() for p in entry(project).parent.iterdir()} == before


def test_a_jobs_files_are_kept_together_in_one_cache_file(project):
    files = {
        "html/a.html": "岗位".encode(),
        "piece:docx/handbook.docx": b"",
        "docx/a.docx": b"PK\n",
    }
    assert cache.unpacked(cache.packed(files)) == files
    with pytest.raises(ValueError):
        cache.unpacked(cache.packed(files)[:-1])
    build(project)
    blobs = {p.name for p in (project / cache.FOLDER / "files").iterdir()}
    jobs = index_jobs(project)
    # Its pieces in one file, its output files in another: not one per output file.
    assert {blob for job in jobs.values() for blob in job["blobs"]} == blobs
    assert all(len(job["blobs"]) == 2 for job in jobs.values())


def test_a_jobs_output_files_as_published_are_not_read_from_the_cache(project):
    """A job from the cache whose output files are as the last build published them reads
    its pieces only: its stored output files may be gone. One changed by hand is read back,
    or, gone too, rendered again."""
    build(project)
    manager = "roles/vip-department-manager.yaml"
    for job in index_jobs(project).values():
        if "docx/vip-specialist.docx" in job["outputs"]:
            (project / cache.FOLDER / "files" / job["blobs"][1]).unlink()
    edit(project / manager, "全面负责", "全面主管")
    assert build(project) == pages("vip-department-manager") | ASSEMBLED
    assert snapshot(project / "output") == clean_build(project)
    (project / "output/html/vip-specialist.html").write_text("changed by hand")
    edit(project / manager, "全面主管", "全面负责")
    assert build(project) == pages("vip-department-manager", "vip-specialist") | ASSEMBLED
    assert snapshot(project / "output") == clean_build(project)


def test_a_library_item_changed_rebuilds_exactly_the_roles_that_use_it(project):
    # The manager refers to one of the specialist's principles too; the supervisor to none.
    with (project / "roles/vip-department-manager.yaml").open("a", encoding="utf-8") as f:
        f.write("principles:\n  - ref: diligence\n")
    build(project)
    library = project / "library/principles.yaml"
    edit(library, "其他涉及客户交易品种", "其他涉及客户的交易品种")  # confidentiality
    assert build(project) == pages("vip-specialist") | ASSEMBLED
    edit(library, "并在最短期内加以解决", "并在最短时间内加以解决")  # diligence
    assert build(project) == pages("vip-specialist", "vip-department-manager") | ASSEMBLED
    assert "最短时间内" in (project / "output/html/vip-department-manager.html").read_text()
    assert snapshot(project / "output") == clean_build(project)


def test_a_competency_level_changed_rebuilds_exactly_the_roles_that_require_it(project):
    # The manager requires customer-service at level 4, the supervisor at 3, the specialist at 2.
    build(project)
    library = project / "library/competencies.yaml"
    edit(library, "指导下属提高服务质量", "指导下属提高服务水平")  # level 4
    assert build(project) == pages("vip-department-manager") | ASSEMBLED
    assert (
        "指导下属提高服务水平" in (project / "output/html/vip-department-manager.html").read_text()
    )
    edit(library, "name: 客户服务意识", "name: 客户服务能力")  # every level
    assert build(project) == pages(*ROLES) | ASSEMBLED
    assert snapshot(project / "output") == clean_build(project)


def test_a_library_comment_edited_rebuilds_nothing(project):
    build(project)
    edit(project / "library/principles.yaml", "# The library", "# The shared library")
    assert build(project) == set()


@pytest.mark.external  # a forked process
def test_files_assembled_in_a_forked_process_are_the_same_bytes(project, monkeypatch):
    """After a role edited in a handbook of many roles, its search index is assembled in a
    forked process."""
    forked = []
    monkeypatch.setattr(outputs, "FORK_ABOVE", 0)
    monkeypatch.setattr(outputs, "IN_PROCESS", 2)  # this handbook's few jobs are a full build
    monkeypatch.setattr(parallel, "in_fork", lambda f, *a: forked.append(a) or in_fork(f, *a))
    build(project)
    assert forked == []  # a full build's process is too large to copy
    edit(project / "roles" / "vip-department-manager.yaml", "全面负责", "全面主管")
    build(project)
    monkeypatch.undo()
    assert len(forked) == 1  # the search index's
    assert snapshot(project / "output") == clean_build(project)


def recorded_reads(root: Path) -> set[tuple[str, str]]:
    """Returns the reads of other roles (role id, field) that the cache's jobs recorded."""
    found = set()
    for shard in (root / cache.FOLDER).glob("jobs-*.json"):
        saved = json.loads(shard.read_bytes())
        for job in saved["jobs"].values():
            found |= {tuple(saved["reads"][i][:2]) for i in job["reads"]}
    return found


def test_the_reads_a_jobs_key_holds_already_are_not_recorded(project):
    """Every job's key holds every role's id, department, family, level and title (the
    site): reading them, the index, the handbook and each role's page record nothing."""
    build(project)
    reads = recorded_reads(project)
    assert {(i, f) for i, f in reads if i in ROLES and f in jobs.SITE_FIELDS} == set()
    # What the key does not hold is recorded: the index shows each role's effective date; and
    # a name that is no role's (an outside position) may become one.
    assert ("vip-specialist", "document_control") in reads
    assert ("总监", "") in reads


def test_a_load_takes_the_bytes_the_build_read_for_its_digest(project):
    """A build reads each role file once: for the digest of its inputs, and the load takes
    those bytes, even if the file changes in between (the digest is of what was built)."""
    load(project, readings=readings(project))  # every role kept
    role_files: dict[str, bytes] = {}
    pipeline.input_digest(project, role_files=role_files)
    assert set(role_files) == {f"roles/{role}.yaml" for role in ROLES}
    edit(project / SPECIALIST, "department: 客户服务部", "department: 客户部")
    given = Readings(project / cache.FOLDER, read_already=role_files)
    loaded = load(project, readings=given)
    assert {r.department for r in loaded.roles} == {"客户服务部", "贵宾部"}
    assert given.read_already == {}  # each taken once


def test_the_bytes_read_already_are_not_sent_to_the_workers(project):
    """The readings go to each worker with each batch of files it reads: the bytes read for
    the digest stay in the build (at 10,000 roles, 60 MB sent 300 times were 30 s)."""
    role_files: dict[str, bytes] = {}
    pipeline.input_digest(project, role_files=role_files)
    given = Readings(project / cache.FOLDER, read_already=role_files)
    sent = pickle.loads(pickle.dumps(given))
    assert sent.read_already == {} and given.read_already == role_files
    assert sent.folder == given.folder and sent.write and sent.tool == given.tool
