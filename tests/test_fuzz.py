"""Fuzzing with generated roles, valid and near-valid, built in-process.

Properties: reading any bytes and building any role ends in output or in a RolebookError whose
every line names the file and line (never another exception); a role that builds keeps each free
text exactly as written (stripped), each that the schema says is printed (rolebook.model.schema.
is_printed) appears in its .docx as python-docx reads it and in its HTML page as an HTML parser
reads it (so escaped, never markup); every .docx reopens.

Two hypothesis profiles, chosen by the environment variable HYPOTHESIS_PROFILE:
- short (the default, and CI's): a few seconds, the same examples on every run;
- long: 10,000 generated roles (and as many byte strings), new ones on every run:
      HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest -q tests/test_fuzz.py
  (.github/workflows/fuzz.yml runs it every week.)
"""

from __future__ import annotations

import io
import os
import shlex
import shutil
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from readback import docx_text
from rolegen import free_texts, role_values, texts_of, yaml_text
from ruamel.yaml import YAML

from rolebook.build import outputs, pipeline
from rolebook.load.project import read_file
from rolebook.load.reader import printable
from rolebook.model.errors import CheckFailed, RolebookError
from rolebook.model.schema import Role, Settings, is_printed

REPO = Path(__file__).resolve().parent.parent
settings.register_profile(
    "short",
    max_examples=40,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=10_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "short"))

# Text as HR types or pastes it: any letter or sign of any script, spaces and line breaks,
# YAML's special characters, now and then anything at all (which may be refused).
_TYPED = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"))
_SPECIAL = st.sampled_from(" \t\n:#&*!|>'\"%@`-?[]{},<>\\~\u3000\ufeff")
# (Hypothesis draws the first of a sampled_from most often: the usual case comes first.)
TEXTS = st.sampled_from(["typed"] * 49 + ["anything"]).flatmap(
    lambda kind: (
        st.text(st.one_of(_TYPED, _SPECIAL), min_size=1, max_size=24)
        if kind == "typed"
        else st.text(max_size=8)
    )
)
# What a near-valid role gets in place of a value.
WRONG = st.sampled_from([[], {}, ["x"], {"x": "y"}, 7, 1.5, True, None, "", "x"])


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory) -> Path:
    """Returns a project with the sample's templates and no role sections required."""
    root = tmp_path_factory.mktemp("fuzz") / "handbook"
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "roles").mkdir()
    settings_text = (REPO / "handbook.yaml").read_text(encoding="utf-8")
    head = settings_text[: settings_text.index("required_sections:")]
    (root / "handbook.yaml").write_text(head + "required_sections: []\n", encoding="utf-8")
    return root


@st.composite
def near_valid(draw, value: dict) -> tuple[dict, str]:
    """Returns `value` with one thing wrong (a key missing, unknown or of a wrong type), and
    what was done."""
    paths = list(_paths(value))
    path = draw(st.sampled_from(paths))
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    how = draw(st.sampled_from(["drop", "wrong type", "unknown key"]))
    if how == "drop" and isinstance(parent, dict):
        del parent[path[-1]]
    elif how == "unknown key" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["dutys", "Title", "备注", "1", "id "]))] = "x"
    else:
        parent[path[-1]] = draw(WRONG)
    return value, how


def _paths(value, path=()):
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        yield (*path, key)
        if isinstance(child, dict | list) and child:
            yield from _paths(child, (*path, key))


@st.composite
def role_files(draw) -> tuple[bytes, dict | None]:
    """Returns the bytes of a role file, and the role it holds if it was written without a
    mistake (else None)."""
    value = draw(role_values("fuzz", TEXTS))
    intact = draw(st.sampled_from([True, True, True, False]))  # one in four has a mistake
    if not intact:
        value, how = draw(near_valid(value))
        event(f"near-valid: {how}")
    text = yaml_text(value, draw(st.sampled_from(["block", "flow"])))
    data = text.encode(draw(st.sampled_from(["utf-8"] * 18 + ["utf-8-sig", "utf-16"])))
    if draw(st.sampled_from([False] * 9 + [True])):  # a slip of the keyboard
        at = draw(st.integers(0, len(data)))
        data = (
            data[:at]
            + draw(
                st.sampled_from(
                    [b":", b"\t", b'"', b"'", b"[", b"- ", b"\n", b"&a ", b"*", b"\xff", b""]
                )
            )
            + data[at:]
        )
        intact = False
    return data, value if intact else None


@given(case=role_files())
def test_a_generated_role_builds_or_fails_cleanly_and_keeps_every_text(fuzz_project, case):
    data, value = case
    (fuzz_project / "roles" / "fuzz.yaml").write_bytes(data)
    try:
        project = pipeline.check(fuzz_project)
        files = outputs.render_all(project).files
    except CheckFailed as exc:
        event("refused")
        assert exc.diagnostics
        for d in exc.diagnostics:
            assert d.path == "roles/fuzz.yaml" and d.line >= 1 and d.col >= 1, d
            assert printable(d.message) == d.message, d
        return
    except RolebookError as exc:
        pytest.fail(f"only the role changes, yet the build failed: {exc.lines()}")
    event("built")
    role = project.roles[0]
    texts = [text for _, text in texts_of(role)]
    if value is not None and data.startswith(b"\xff\xfe") is False:
        assert sorted(texts) == sorted(free_texts(Role, value))
    words = docx_text(io.BytesIO(files["docx/fuzz.docx"]))
    page = lxml_html.fromstring(files["html/fuzz.html"]).text_content()
    # Which texts the documents print is the schema's to say, field by field.
    printed = [text for path, text in texts_of(role) if is_printed(Role, path)]
    for text in printed:
        if text == role.id:  # a reporting entry naming a role prints as that role's title
            continue
        assert text in words, text
        assert text in page, text
    for path, content in files.items():
        if path.endswith(".docx"):
            docx.Document(io.BytesIO(content))


@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )
)
def test_any_bytes_are_read_or_reported_with_a_position(tmp_path_factory, data):
    root = tmp_path_factory.getbasetemp() / "bytes"
    (root / "roles").mkdir(parents=True, exist_ok=True)
    (root / "roles" / "x.yaml").write_bytes(data)
    for path, schema in (("roles/x.yaml", Role), ("roles/x.yaml", Settings)):
        reading = read_file(root, path, schema)
        for d in reading.diagnostics:
            assert d.line >= 1 and d.col >= 1, d
            assert printable(d.message) == d.message and printable(d.source_line) == d.source_line


def test_the_long_profile_runs_every_week():
    workflow = YAML(typ="safe").load((REPO / ".github/workflows/fuzz.yml").read_text("utf-8"))
    assert workflow["on"]["schedule"][0]["cron"].split()[2:] == ["*", "*", "1"]  # weekly
    (job,) = workflow["jobs"].values()
    (run,) = [step for step in job["steps"] if "pytest" in step.get("run", "")]
    assert run["env"] == {"HYPOTHESIS_PROFILE": "long"}
    assert shlex.split(run["run"])[-1] == "tests/test_fuzz.py"
    assert settings.get_profile("long").max_examples == 10_000
    assert job["timeout-minutes"] >= 60  # about 15 minutes on two cores; room for slow runners
