"""Requirements on candidates that employment law treats as grounds of discrimination.

Each rule names a ground (sex, age, …), the words that state a requirement on it, and the reason
the line is flagged. `check` warns about every qualification line that matches a rule unless the
role acknowledges it (`acknowledged_warnings` in the role file). The patterns aim at requirements
("男", "年龄28-36岁", "身高1.70米以上"), not at every mention of a word, and are deliberately
plain: a warning asks a person to look, it decides nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# A CJK character: "男" alone is a requirement on sex, but not inside 男士洗手间 or 男装部.
_HAN = r"\u4e00-\u9fff"


@dataclass(frozen=True)
class Rule:
    """One ground of discrimination: its name in role files, its words and why it is flagged."""

    name: str
    topic: str
    pattern: re.Pattern
    reason: str


def _rule(name: str, topic: str, pattern: str, reason: str) -> Rule:
    return Rule(name, topic, re.compile(pattern, re.IGNORECASE), reason)


RULES = (
    _rule(
        "sex",
        "sex",
        rf"性别|[男女]性|限[男女]|[男女]优先|(?<![{_HAN}])[男女](?![{_HAN}])|\b(?:fe)?male\b"
        r"|\bgender\b",
        "the PRC Employment Promotion Law (art. 27) and Labour Law (art. 13) forbid refusing "
        "or raising the bar for applicants because of their sex",
    ),
    _rule(
        "age",
        "age",
        r"年龄|\d+\s*(?:[-–~～至到]\s*\d+\s*)?(?:周)?岁|\bage[ds]?\b|years old",
        "an age limit excludes applicants regardless of ability; anti-discrimination rules in "
        "employment law allow one only where the job requires it",
    ),
    _rule(
        "height",
        "height",
        r"身高|\bheight\b|\btall\b",
        "a height requirement excludes applicants regardless of ability; anti-discrimination "
        "rules in employment law allow one only where the job requires it",
    ),
    _rule(
        "marital-status",
        "marital or childbearing status",
        r"婚|[已未]育|生育|\bmarri|\bmarital\b|\bchildren\b",
        "the PRC Law on the Protection of Women's Rights and Interests (art. 43) forbids making "
        "marital or childbearing status a condition of hiring",
    ),
    _rule(
        "ethnicity",
        "ethnicity or race",
        r"民族|汉族|种族|\bethnic|\brace\b",
        "the PRC Employment Promotion Law (arts. 3 and 28) and Labour Law (art. 12) forbid "
        "discrimination in employment because of ethnicity or race",
    ),
    _rule(
        "religion",
        "religion",
        r"宗教|信仰|\breligio",
        "the PRC Employment Promotion Law (art. 3) and Labour Law (art. 12) forbid "
        "discrimination in employment because of religious belief",
    ),
    _rule(
        "appearance",
        "appearance",
        r"相貌|容貌|长相|外貌|五官|颜值|形象好|形象佳|气质佳|仪表端庄|\bappearance\b"
        r"|\bgood[- ]looking\b|\battractive\b",
        "a requirement on looks excludes applicants regardless of ability; anti-discrimination "
        "rules in employment law allow one only where the job requires it",
    ),
    _rule(
        "health",
        "carrying an infectious disease",
        r"乙肝|携带者|病原|\bhepatitis\b|\bHIV\b",
        "the PRC Employment Promotion Law (art. 30) forbids refusing applicants because they "
        "carry the pathogen of an infectious disease",
    ),
    _rule(
        "origin",
        "place of origin or household registration",
        r"籍贯|户籍|户口|本地人|\bhukou\b|\blocal residents? only\b",
        "the PRC Employment Promotion Law (art. 31) forbids discriminatory limits on workers "
        "from rural areas; a requirement on origin or 户籍 is treated as discrimination",
    ),
)
NAMES = tuple(rule.name for rule in RULES)


def findings(text: str) -> list[tuple[Rule, list[str]]]:
    """Returns each rule `text` matches, with the clauses that matched, in RULES order."""
    return [(rule, list(clauses)) for rule, clauses in _findings(text)]


# Handbooks repeat qualification lines from role to role (大专及以上学历, 责任心强), and nine
# searches of a line cost more than reading it: each distinct line is searched once per process.
@functools.lru_cache(maxsize=65536)
def _findings(text: str) -> tuple[tuple[Rule, tuple[str, ...]], ...]:
    found = []
    for rule in RULES:
        clauses = dict.fromkeys(_clause(text, m) for m in rule.pattern.finditer(text))
        if clauses:
            found.append((rule, tuple(clauses)))
    return tuple(found)


# Clauses end at Chinese or Latin punctuation; a full stop only before a space, so 1.70 holds.
_BOUNDARY = re.compile(r"[，,。；;：:、（）()\n]|\.(?:\s|$)")


def _clause(text: str, match: re.Match) -> str:
    """Returns the clause of `text` around `match`: from the punctuation before to the one after."""
    start = max((b.end() for b in _BOUNDARY.finditer(text, 0, match.start())), default=0)
    after = _BOUNDARY.search(text, match.end())
    return text[start : after.start() if after else len(text)].strip()
