"""The compliance rules: which requirements are flagged, with which words, and which are not."""

from __future__ import annotations

import pytest

from rolebook.check.compliance import NAMES, findings


def flagged(text: str) -> dict[str, list[str]]:
    return {rule.name: clauses for rule, clauses in findings(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "身体健康，气质佳，仪表端庄，慷慨得体，男，身高1.70米以上，年龄28-36岁。",
            {
                "sex": ["男"],
                "age": ["年龄28-36岁"],
                "height": ["身高1.70米以上"],
                "appearance": ["气质佳", "仪表端庄"],
            },
        ),
        (
            "限女性，35岁以下，已婚已育者优先。",
            {"sex": ["限女性"], "age": ["35岁以下"], "marital-status": ["已婚已育者优先"]},
        ),
        (
            "汉族，本地户籍，无宗教信仰。",
            {"ethnicity": ["汉族"], "religion": ["无宗教信仰"], "origin": ["本地户籍"]},
        ),
        ("无乙肝病原携带。", {"health": ["无乙肝病原携带"]}),
        ("五官端正，形象好。", {"appearance": ["五官端正", "形象好"]}),
        (
            "Male, aged 25-35, good-looking.",
            {"sex": ["Male"], "age": ["aged 25-35"], "appearance": ["good-looking"]},
        ),
    ],
)
def test_requirements_on_protected_grounds_are_flagged_with_their_clause(text, expected):
    assert flagged(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "5年以上同类场所工作经验，至少3年以上该部门行业全面管理工作经验。",
        "身心健康、精力充沛、待人热情、机智灵敏、善于沟通，热爱本职工作。",
        "负责男士洗手间及男宾部的日常清洁检查。",
        "熟悉证券交易规则及营业部客户服务流程。",
        "Manages the VIP lounge and its staff.",
    ],
)
def test_ordinary_qualifications_are_not_flagged(text):
    assert flagged(text) == {}


def test_every_rule_has_a_distinct_name():
    assert len(set(NAMES)) == len(NAMES) == 9
