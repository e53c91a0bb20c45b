"""The schema of a role file and of the handbook settings, declared once.

Each dataclass is both the declaration the reader validates YAML against and the model the
templates render; each field's docstring is its `doc`, which also becomes the JSON Schema
description. A field without a default is always required. The role's *sections* (fields made with
`section`) are optional here: which of them a handbook requires is set in its settings.

Each field also says whether its text is printed in the documents (`printed`, see `is_printed`):
every free text of a role is, by design, unless its field says otherwise; the tests hold the
templates to it.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Annotated, TypeAlias, get_args, get_type_hints

from rolebook.model.scalars import (
    Choice,
    Date,
    GridId,
    KindError,
    Language,
    Pattern,
    RoleId,
    Status,
    Text,
    Version,
    Window,
)

# The grounds of discrimination a role may acknowledge a requirement on (acknowledged_warnings);
# rolebook/check/compliance.py has a rule for each, in this order.
GROUNDS = (
    "sex",
    "age",
    "height",
    "marital-status",
    "ethnicity",
    "religion",
    "appearance",
    "health",
    "origin",
)


def doc(text: str, default=MISSING, default_factory=MISSING, printed: bool = True):
    """Returns a dataclass field documented by `text`; required unless a default is given;
    `printed` says whether the documents print its text (see is_printed)."""
    metadata = {"doc": text, "printed": printed}
    return field(default=default, default_factory=default_factory, metadata=metadata)


def section(text: str, default_factory=str):
    """Returns an optional role field that the handbook settings may require; sections are
    printed."""
    metadata = {"doc": text, "section": True, "printed": True}
    return field(default_factory=default_factory, metadata=metadata)


def is_printed(schema: type, path: tuple) -> bool:
    """Returns whether the documents print the text at `path` (field names and list indices)
    of a `schema` value: whether every field on the way says `printed`."""
    for name in (part for part in path if isinstance(part, str)):
        found = next(f for f in fields(schema) if f.name == name)
        if not found.metadata["printed"]:
            return False
        schema = _dataclass_in(get_type_hints(schema)[name])
    return True


def _dataclass_in(hint) -> type:
    """Returns the dataclass that a field of type `hint` holds, alone, in a list or optional;
    object for a scalar (which has no fields)."""
    return next(
        (t for t in (hint, *get_args(hint)) if isinstance(t, type) and is_dataclass(t)), object
    )


@dataclass(frozen=True)
class Name:
    """A name in Chinese and in English."""

    zh: Text = doc("The name in Chinese, e.g. 服务序列.")
    en: Text = doc("The name in English, e.g. Service.")

    def beside(self, language: str) -> str:
        """Returns the name in the other language, printed beside the one in `language`."""
        return self.zh if language == "en" else self.en


@dataclass(frozen=True)
class Title(Name):
    """A role's title in Chinese and in English."""

    zh: Text = doc("The title in Chinese, as used in the handbook, e.g. 贵宾部经理.")
    en: Text = doc("The title in English, e.g. VIP Department Manager.")


@dataclass(frozen=True)
class DocumentControl:
    """The document-control block printed at the start of the role and in its page header."""

    number: Text = doc("Document number, unique in the handbook, e.g. VIP-JD-002.")
    version: Version = doc('Current version, MAJOR.MINOR; quote it ("1.10") in YAML.')
    status: Status = doc("Lifecycle status: draft, review, approved or retired.")
    effective_date: Date = doc("Date from which this version applies, YYYY-MM-DD.")
    drafted_by: Text = doc("Who drafted the document (起草人).", default="")
    reviewed_by: Text = doc("Who reviewed the document (审核人).", default="")
    approved_by: Text = doc("Who approved the document (批准人); empty while a draft.", default="")
    applies_to: Text = doc(
        "Departments and people the document applies to (涉及部门和人).", default=""
    )
    next_review: Date | None = doc(
        "When the document is next due for review, YYYY-MM-DD.", default=None
    )


@dataclass(frozen=True)
class Revision:
    """One entry of the revision history."""

    version: Version = doc("The version this entry produced, MAJOR.MINOR.")
    date: Date = doc("Date of the revision, YYYY-MM-DD.")
    author: Text = doc("Who made the revision.")
    changes: Text = doc("What changed and why.")


@dataclass(frozen=True)
class Reporting:
    """Reporting lines, promotion and rotation; each entry is a role id or a position's name."""

    reports_to: list[Text] = doc(
        "Whom the role reports to (直接上级): its line manager, the solid line of the org chart.",
        default_factory=list,
    )
    dotted_lines: list[Text] = doc(
        "Functional (dotted) lines (虚线汇报): whom the role also reports to, for reports or "
        "approvals, beside its line manager; drawn dotted in the org chart.",
        default_factory=list,
    )
    direct_reports: list[Text] = doc("Direct reports (直接下级).", default_factory=list)
    indirect_reports: list[Text] = doc("Indirect reports (间接下级).", default_factory=list)
    promotion: list[Text] = doc(
        "Roles this role can be promoted to (晋升级别).", default_factory=list
    )
    rotation: list[Text] = doc("Roles this role can rotate to (轮换岗位).", default_factory=list)


@dataclass(frozen=True)
class LibraryRef:
    """A line that names a text of library/ (a standard qualification, a safety rule) to print
    in its place, as if written here."""

    ref: GridId = doc("The id of the library's text, e.g. professional-ethics.")


# A line of qualifications or precautions: a text, or `ref: <id>` naming one in library/.
Line: TypeAlias = Text | LibraryRef


@dataclass(frozen=True)
class Qualifications:
    """What a holder of the role must bring (任职资格); a line may be `- ref: <id>` naming a
    standard qualification in library/."""

    education: list[Line] = doc("Education background (教育背景).", default_factory=list)
    training: list[Line] = doc("Training received (培训经历).", default_factory=list)
    experience: list[Line] = doc("Work experience (经验).", default_factory=list)
    skills: list[Line] = doc("Skills and techniques (技能技巧).", default_factory=list)
    attitude: list[Line] = doc("Attitude (态度).", default_factory=list)
    personal: list[Line] = doc("Personal requirements (自身条件).", default_factory=list)


@dataclass(frozen=True)
class WorkflowEntry:
    """Steps done in one time window of the day, or in a named period; give `time` or `period`."""

    steps: list[Text] = doc("The steps, in order; numbered through the whole workflow.")
    time: Window | None = doc(
        "Time window of the day, HH:MM–HH:MM, e.g. 08:30–09:00.", default=None
    )
    period: Text = doc("A named period instead of a time window, e.g. 每交易周结束后.", default="")
    condition: Text = doc("When the steps apply, e.g. 如果客户有这方面需求.", default="")

    def problems(self):
        """Yields (field, message) for a time and a period given together or both missing."""
        if self.time is None and not self.period:
            yield "steps", "a workflow entry needs a 'time' (08:30–09:00) or a 'period'"
        if self.time is not None and self.period:
            yield "period", "give either 'time' or 'period' in a workflow entry, not both"


@dataclass(frozen=True)
class Principle:
    """A work principle: its name and the rule it sets, or a reference to one in library/."""

    name: Text = doc("The principle's name, e.g. 保密性原则.", default="")
    rule: Text = doc("What the principle requires.", default="")
    ref: GridId = doc(
        "The id of a principle in library/ to print here, as if written in the role, instead "
        "of a name and a rule, e.g. confidentiality.",
        default="",
    )

    def problems(self):
        """Yields (field, message) for a principle that is neither a reference nor a name with
        its rule, or both."""
        if self.ref and (self.name or self.rule):
            yield "ref", "give either 'ref' or 'name' and 'rule' in a principle, not both"
        elif not self.ref and not self.name:
            yield "rule", "a principle needs a 'name' and a 'rule', or a 'ref' to the library"
        elif not self.ref and not self.rule:
            yield "name", "a principle needs a 'rule' beside its 'name'"


# A proficiency level of a library competency, as roles require it (1–4, 1–5…).
Proficiency = Annotated[
    str, Pattern(r"[1-9]", "a proficiency level (a whole number from 1 to 9)", "3")
]


@dataclass(frozen=True)
class Competency:
    """A competency the role requires: a library competency and the level the role needs. The
    build prints it with the library's name and that level's description, as if written here."""

    ref: GridId = doc("The id of a competency in library/, e.g. customer-service.")
    level: Proficiency = doc("The proficiency level the role requires, one the competency defines.")
    name: Text = doc(
        "Not written in a role: the build fills it in with the competency's name.", default=""
    )
    description: Text = doc(
        "Not written in a role: the build fills it in with the description of the required level.",
        default="",
    )

    def problems(self):
        """Yields (field, message) for a competency that writes out what the library gives."""
        for name in ("name", "description"):
            if getattr(self, name):
                yield (
                    name,
                    f"a competency gives only 'ref' and 'level'; its {name} comes from library/",
                )


@dataclass(frozen=True)
class LibraryPrinciple:
    """A work principle that roles refer to by its id."""

    id: GridId = doc("The principle's id, which roles give as `ref`, e.g. confidentiality.")
    name: Text = doc("The principle's name, e.g. 保密性原则.")
    rule: Text = doc("What the principle requires.")


@dataclass(frozen=True)
class LibraryText:
    """A text written once (a standard qualification, a safety rule) that roles print in a
    list by naming its id."""

    id: GridId = doc("The text's id, which roles give as `ref`, e.g. professional-ethics.")
    text: Text = doc("The text, as the roles print it.")


@dataclass(frozen=True)
class ProficiencyLevel:
    """One level of a library competency: its number and what a person at it does."""

    level: Proficiency = doc("The level's number, e.g. 3; the levels of a competency go up by one.")
    description: Text = doc("What a person at this level does, e.g. 能独立处理客户投诉.")


@dataclass(frozen=True)
class LibraryCompetency:
    """A competency (能力要求) with its proficiency levels, which roles require at a level."""

    id: GridId = doc("The competency's id, which roles give as `ref`, e.g. customer-service.")
    name: Text = doc("The competency's name, e.g. 客户服务意识.")
    description: Text = doc("What the competency is, in a sentence.")
    levels: list[ProficiencyLevel] = doc("Its proficiency levels, lowest first, e.g. 1 to 4.")


@dataclass(frozen=True)
class Library:
    """A file of library/: items written once that roles refer to by id."""

    principles: list[LibraryPrinciple] = doc(
        "Work principles (工作原则), each with an id; a role lists one as `- ref: <id>`.",
        default_factory=list,
    )
    competencies: list[LibraryCompetency] = doc(
        "Competencies (能力要求) with proficiency levels; a role lists one as `- ref: <id>` "
        "with the `level` it requires.",
        default_factory=list,
    )
    qualifications: list[LibraryText] = doc(
        "Standard qualifications (任职资格), each with an id; a line of any list under a role's "
        "`qualifications` may be `- ref: <id>`.",
        default_factory=list,
    )
    safety_rules: list[LibraryText] = doc(
        "Safety rules (安全规定), each with an id; a line of a role's `precautions` may be "
        "`- ref: <id>`.",
        default_factory=list,
    )


@dataclass(frozen=True)
class Acknowledgement:
    """A flagged requirement or promotion the role keeps on purpose; its warning then stops."""

    rule: Annotated[str, Choice(*GROUNDS, "promotion")] = doc(
        "The rule the warning names, e.g. age or sex, or promotion for a promotion that does "
        "not go up the grid."
    )
    text: Text = doc(
        "Words of the flagged line, as the warning quotes them, e.g. 年龄28-36岁; "
        "the acknowledgement holds while a qualification line contains them. For rule "
        "promotion, the promotion's entry, e.g. vip-department-manager."
    )
    reason: Text = doc("Why the requirement stays and who decided it, e.g. a legal review.")


@dataclass(frozen=True)
class Unmapped:
    """Text of an imported document that `rolebook import` could not place in a section."""

    text: Text = doc("The text as the source has it.")
    source: Text = doc(
        "Where it was: the file and the place in it, e.g. jd.docx, table 1 row 9 cell 2."
    )


@dataclass(frozen=True)
class Posting:
    """Whether the role is open, and what its job posting (build --postings) needs beyond the
    role: where the work is and when the posting went up."""

    open: Switch = doc(
        "true: `build --postings` writes a job posting for the role (output/postings/).",
        default=False,
    )
    location: Text = doc("Where the work is, e.g. 上海市浦东新区某路1号 (jobLocation).", default="")
    date_posted: Date | None = doc(
        "When the posting went up, YYYY-MM-DD (datePosted).", default=None
    )


@dataclass(frozen=True)
class Role:
    """One job description: a file roles/<id>.yaml."""

    id: RoleId = doc("The role's id; the file must be named <id>.yaml.")
    title: Title = doc("The role's title in Chinese and English.")
    document_control: DocumentControl = doc("Document control: number, version, status, sign-off.")
    department: Text = section("The department the role belongs to; the index groups by it.")
    summary: Text = section("One or two sentences on the role's purpose.")
    revision_history: list[Revision] = section(
        "Revisions, oldest first; the newest is the current version.", list
    )
    reporting: Reporting = section("Reporting lines, promotion path and rotation.", Reporting)
    duties: list[Text] = section("The duties (岗位职责), in order.", list)
    qualifications: Qualifications = section("Qualifications (任职资格).", Qualifications)
    competencies: list[Competency] = section(
        "Competencies (能力要求) from library/, each `- ref: <id>` with the `level` required; "
        "printed with the competency's name and that level's description.",
        list,
    )
    workflow: list[WorkflowEntry] = section("The daily workflow (业务流程) by time window.", list)
    principles: list[Principle] = section(
        "Work principles (工作原则), each a name and a rule.", list
    )
    precautions: list[Line] = section(
        "Precautions (注意事项); a line may be `- ref: <id>` naming a safety rule in library/.",
        list,
    )
    organisation: GridId = doc(
        "The organisation or site the role belongs to: the id of one of the organisations in "
        "handbook.yaml; each organisation has its own org chart.",
        default="",
    )
    posting: Posting = doc(
        "The role's job posting: whether it is open, its place and date; printed only in the "
        "posting.",
        default_factory=Posting,
        printed=False,
    )
    job_code: Text = doc("The role's job code, e.g. SVC-M1-01.", default="")
    family: GridId = doc(
        "The job family (职位序列) the role belongs to: the id of one of the families in "
        "handbook.yaml's job_architecture.",
        default="",
    )
    level: GridId = doc(
        "The role's level (职级) in the grid: the id of one of the levels in handbook.yaml's "
        "job_architecture, e.g. P3 or M1.",
        default="",
    )
    acknowledged_warnings: list[Acknowledgement] = doc(
        "Compliance warnings this role acknowledges, each with the rule, the words and the "
        "reason; `check` no longer reports them.",
        default_factory=list,
    )
    unmapped: list[Unmapped] = doc(
        "Source text that `rolebook import` could not place in a section, each entry with where "
        "it was; `check` warns about each entry until it is moved into its section or deleted. "
        "Never printed: it waits for HR.",
        default_factory=list,
        printed=False,
    )


def filled(value) -> bool:
    """Returns whether a value holds any text: not None, "", [] or a dataclass of empties."""
    if is_dataclass(value):
        return any(filled(getattr(value, f.name)) for f in fields(value))
    if isinstance(value, (list, tuple)):
        return any(filled(v) for v in value)
    return value is not None and value != ""


SECTIONS = tuple(f.name for f in fields(Role) if f.metadata.get("section"))
SectionName = Annotated[str, Choice(*SECTIONS)]
# Sections a handbook requires only if its settings say so: competencies need a library.
UNREQUIRED_SECTIONS = ("competencies",)


class SwitchKind(Choice):
    """A setting that is on or off, written true or false."""

    def __init__(self) -> None:
        super().__init__("true", "false")
        self.what = "true or false"
        self.json = {"type": "boolean"}

    def parse(self, text: str) -> bool:  # type: ignore[override]  # a switch is a bool, not text
        """Returns True for true and False for false; raises KindError for anything else."""
        try:
            return super().parse(text) == "true"
        except KindError:
            raise KindError(f"'{text}' is not true or false; write true to switch it on") from None


Switch = Annotated[bool, SwitchKind()]


@dataclass(frozen=True)
class HandbookControl:
    """The handbook's own sign-off; its number, version and effective date are the settings'
    document_number, version and effective_date."""

    status: Status = doc(
        "The handbook's own lifecycle status: draft, review, approved or retired. The handbook "
        "is printed as a draft while this, or any role in it, is a draft or under review.",
        default="approved",
    )
    drafted_by: Text = doc("Who drafted the handbook (编制).", default="")
    reviewed_by: Text = doc("Who reviewed the handbook (审核).", default="")
    approved_by: Text = doc("Who approved the handbook (批准); empty while a draft.", default="")


@dataclass(frozen=True)
class Organisation:
    """An organisation or site the handbook covers, e.g. a hotel club or a brokerage branch."""

    id: GridId = doc("The organisation's id, which roles name in `organisation`, e.g. hotel.")
    name: Name = doc("The organisation's name in Chinese and English, printed over its chart.")


@dataclass(frozen=True)
class PositionLine:
    """A reporting line between positions outside the handbook, which no role file can say."""

    position: Text = doc("A position of external_positions, e.g. 总监.")
    reports_to: Text = doc("Whom it reports to: an external position or a role id, e.g. 总经理.")


Grade = Annotated[str, Pattern(r"[1-9][0-9]?", "a grade (a whole number from 1 to 99)", "3")]
GroupBy = Annotated[str, Choice("department", "family")]


@dataclass(frozen=True)
class JobFamily:
    """A job family (职位序列): roles of one kind of work, e.g. service or management."""

    id: GridId = doc("The family's id, which roles name in `family`, e.g. service.")
    name: Name = doc("The family's name in Chinese and English.")


@dataclass(frozen=True)
class JobLevel:
    """A level of the grid (职级), e.g. P3 or M1, and the grade it stands at."""

    id: GridId = doc("The level's id, which roles name in `level`, e.g. P3.")
    name: Name = doc("The level's name in Chinese and English, e.g. 高级专员 / Senior Associate.")
    grade: Grade = doc(
        "Where the level stands in the grid, 1 the lowest; levels of two tracks may share a "
        "grade (M1 beside P5). A promotion goes to a higher grade."
    )


Amount = Annotated[str, Pattern(r"[0-9]+", "an amount (a whole number)", "8000")]


@dataclass(frozen=True)
class PayBand:
    """The pay band of one level of the grid."""

    level: GridId = doc("The level it is the band of: an id of job_architecture's levels, e.g. P3.")
    min: Amount = doc("The lowest pay of the band, a whole number, e.g. 8000.")
    max: Amount = doc("The highest pay of the band, a whole number, e.g. 12000.")


@dataclass(frozen=True)
class PayBands:
    """pay_bands.yaml: the pay band of each level. Confidential: printed only by
    `build --with-pay`."""

    currency: Text = doc("The currency and period of the amounts, e.g. 元/月 or CNY per month.")
    bands: list[PayBand] = doc("A band per level of the grid.", default_factory=list)


@dataclass(frozen=True)
class JobArchitecture:
    """The job families and the grid of levels that roles are placed in."""

    families: list[JobFamily] = doc(
        "The job families, in the order the handbook groups them.", default_factory=list
    )
    levels: list[JobLevel] = doc("The levels of the grid, lowest first.", default_factory=list)
    group_by: GroupBy = doc(
        "How the index and the Word handbook group roles: department (the default), or family "
        "(families in the order above, in each the roles from the highest level down).",
        default="department",
    )

    def grade(self, level: str) -> int | None:
        """Returns the grade of the level `level`, None for a level not in the grid."""
        return next((int(lv.grade) for lv in self.levels if lv.id == level), None)


@dataclass(frozen=True)
class Settings:
    """The handbook's settings: handbook.yaml at the project's root."""

    title: Text = doc("The handbook's title, e.g. VIP岗位职责手册.")
    organisation: Text = doc("The organisation that issues the handbook.")
    document_number: Text = doc("The handbook's own document number.")
    version: Version = doc("The handbook's version, MAJOR.MINOR.")
    effective_date: Date = doc("Date from which this handbook version applies.")
    language: Language = doc(
        "Language of the handbook: zh-CN; en (labels, dates and every translation in "
        "translations/en/ in English); or zh-CN+en, both (中英文对照: each item in Chinese, then "
        "in English).",
        default="zh-CN",
    )
    pdf: Switch = doc(
        "Also write output/pdf/: handbook.pdf and each role's PDF, converted by LibreOffice "
        "(as `build --pdf`).",
        default=False,
    )
    postings: Switch = doc(
        "Also write output/postings/: a job posting (.html and .txt) for each open role (as "
        "`build --postings`).",
        default=False,
    )
    equal_opportunity: Text = doc(
        "The equal-opportunity statement every job posting ends with.", default=""
    )
    required_sections: list[SectionName] = doc(
        "Role sections that must be present and not empty; `check` fails without them. "
        "Without this key, every section but competencies.",
        default_factory=lambda: [s for s in SECTIONS if s not in UNREQUIRED_SECTIONS],
    )
    external_positions: list[Text] = doc(
        "Positions outside the handbook (e.g. 总监) that reporting lines, promotion and rotation "
        "may name; every other name there must be a role id.",
        default_factory=list,
    )
    position_lines: list[PositionLine] = doc(
        "Reporting lines between external positions (总监 reports to 总经理), so that the org "
        "chart draws them one above the other.",
        default_factory=list,
    )
    organisations: list[Organisation] = doc(
        "The organisations or sites the handbook covers, in order; each gets its own labelled "
        "org chart. None: one chart of every role.",
        default_factory=list,
    )
    document_control: HandbookControl = doc(
        "The handbook's sign-off: its status and who drafted, reviewed and approved it, printed "
        "in its approval block.",
        default_factory=HandbookControl,
    )
    revision_history: list[Revision] = doc(
        "The handbook's own revisions, oldest first, printed in its front matter.",
        default_factory=list,
    )
    job_architecture: JobArchitecture = doc(
        "Job families and the grid of levels (职级) that each role's family and level name, and "
        "whether the handbook groups roles by family.",
        default_factory=JobArchitecture,
    )
    acknowledgement_page: Switch = doc(
        "true: each role ends with a page for the holder and the direct supervisor to sign "
        "(任职者确认), which HR files for each employee; false (the default): no such page.",
        default=False,
    )
