"""Writes the Word job descriptions of tests/fixtures/import/ (the .md, .html and .txt ones are
written by hand): `python tools/make_import_fixtures.py`. Each is laid out as HR departments lay
them out; the same parts give the same bytes (rolebook/bench/wordjd.py dates the zip entries).

`--expected` writes instead what `rolebook import` makes of every fixture, in a copy of the
sample project, into tests/fixtures/import/expected/<fixture>/: read each file against its
source before committing it, since the test takes it as the truth.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from rolebook.bench.wordjd import document
from rolebook.cli import main as rolebook

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "tests" / "fixtures" / "import"
DATE = "2026-11-30"

# The table form of a 岗位说明书: label | value rows, four cells to a row, a merged value cell
# holding the numbered duties, and 任职资格 broken down by 学历, 经验, 技能.
ADMIN_TABLE = [
    ("title", "行政专员岗位说明书"),
    (
        "table",
        [
            ["岗位名称", "行政专员", "所属部门", "行政部"],
            ["直接上级", "行政经理", "直接下级", "无"],
            ["文件编号", "XZ-JD-006", "版本", "V2.1"],
            ["生效日期", "2024年3月1日", "批准人", "总经理办公室"],
            ["岗位目的", "保障公司日常行政事务有序运行，为各部门提供及时、周到的后勤支持。"],
            [
                "岗位职责",
                [
                    "1、负责公司办公用品的采购、登记、发放及库存管理；",
                    "2、负责会议室的预订与安排，做好会议记录及会议纪要的整理、",
                    "分发工作；",
                    "3、负责来访客人的接待工作，做好登记；",
                    "4、负责公司固定资产的登记、盘点，每季度出具盘点报告；",
                    "5、完成上级交办的其他工作。",
                ],
            ],
            [
                "任职资格",
                [
                    "学历：大专及以上学历，行政管理、文秘等相关专业；",
                    "经验：1年以上行政工作经验；",
                    "技能：熟练使用Office办公软件；具备良好的沟通协调能力。",
                ],
            ],
            ["工作环境", "办公室，偶尔外出办事。"],
        ],
    ),
]

# One section per table row, with Word's own numbering in the cells and ①② in the text.
WAREHOUSE_ROWS = [
    ("title", "仓库管理员岗位说明书"),
    (
        "table",
        [
            ["职位名称", "仓库管理员"],
            ["部门", "物流部"],
            ["汇报对象", "物流主管"],
            ["岗位概述", "负责仓库物资的收发存管理，确保账实相符。"],
            [
                "主要职责",
                [
                    ("number", "按单据办理物资的入库验收，核对数量与质量。"),
                    ("number", "按领料单发放物资，及时登记台账。"),
                    ("number", "每月末组织盘点，编制盘点表。"),
                ],
            ],
            [
                "任职要求",
                [
                    "①高中或中专以上学历；",
                    "②2年以上仓库管理工作经验；",
                    "③熟悉ERP系统操作；",
                    "④身体健康，能适应搬运工作。",
                ],
            ],
            ["晋升方向", "物流主管"],
            ["轮岗", "采购专员、物流调度员"],
        ],
    ),
]

# Headings (Word's Heading styles), numbered lists, a workflow with times, principles and
# precautions: the shape of the hand-made sample roles.
RECEPTION_HEADINGS = [
    ("title", "前台接待岗位职责"),
    ("p", "所属部门：客户服务部"),
    ("p", "直接上级：客服主管"),
    ("h1", "一、工作职责"),
    ("number", "负责来访客户的迎送与引导，做好来访登记。"),
    ("number", "负责总机电话的接听与转接，准确记录留言。"),
    ("number", "负责前台区域的整洁，摆放宣传资料。"),
    ("h1", "二、任职资格"),
    ("h2", "教育背景"),
    ("number", "中专及以上学历。"),
    ("h2", "技能技巧"),
    ("number", "普通话标准，熟练使用电脑。"),
    ("h1", "三、工作流程"),
    ("p", "1、8:30—9:00，开启前台设备，整理接待区域；"),
    ("p", "2、9:00-12:00，接待来访客户，接听电话；"),
    ("p", "3、17:00-17:30，整理当日来访登记表，交客服主管。"),
    ("h1", "四、工作原则"),
    ("p", "（一）礼貌原则：对每位来访者微笑问候，使用礼貌用语。"),
    ("p", "（二）保密原则：不得向无关人员透露客户信息。"),
    ("h1", "五、注意事项"),
    ("p", "1. 离开前台时须安排同事替岗。"),
    ("p", "2. 遇突发情况及时报告客服主管。"),
]

# English, with bullet lists under headings and labelled qualification parts.
SALES_MANAGER_EN = [
    ("title", "Job Description: Regional Sales Manager"),
    ("p", "Department: Sales"),
    ("p", "Reports to: Sales Director"),
    ("p", "Direct reports: Sales Representative; Sales Assistant"),
    ("h2", "Job Summary"),
    ("p", "Leads the regional sales team to reach its revenue targets."),
    ("h2", "Key Responsibilities"),
    ("bullet", "Set quarterly sales targets for the region and track them weekly"),
    ("bullet", "Coach and appraise the sales representatives"),
    ("bullet", "Negotiate contracts with key accounts"),
    ("bullet", "Report the region's forecast to the Sales Director every month"),
    ("h2", "Requirements"),
    ("p", "Education:"),
    ("bullet", "Bachelor's degree in business or a related field"),
    ("p", "Experience:"),
    ("bullet", "5+ years in B2B sales, 2 of them leading a team"),
    ("p", "Skills:"),
    ("bullet", "Fluent English and Mandarin"),
    ("bullet", "Proficient with a CRM system"),
    ("h2", "Career path"),
    ("p", "Promotion: Sales Director"),
]

# 中英文对照: every label and the title in both languages, the items in Chinese then English.
FINANCE_BILINGUAL = [
    ("title", "岗位说明书 Job Description"),
    (
        "table",
        [
            ["岗位名称 Job Title", "财务专员 Finance Specialist"],
            ["所属部门 Department", "财务部"],
            ["直接上级 Reports to", "财务经理"],
            [
                "岗位职责 Responsibilities",
                [
                    "1. 负责日常费用报销的审核。Review expense claims.",
                    "2. 负责编制月度财务报表。Prepare the monthly financial statements.",
                    "3. 负责与银行对账。Reconcile the bank accounts.",
                ],
            ],
            [
                "任职资格 Qualifications",
                [
                    "学历 Education：财务、会计专业本科及以上。",
                    "经验 Experience：3年以上财务工作经验。",
                    "证书 Certificates：持有初级会计师证书。",
                ],
            ],
        ],
    ),
]

# Two job descriptions in one file, each its own table, each headed by its title.
TWO_ROLES = [
    ("title", "门店岗位说明书汇编"),
    ("h1", "店长岗位说明书"),
    (
        "table",
        [
            ["岗位名称", "店长", "所属部门", "零售部"],
            ["直接上级", "区域经理", "直接下级", "店员"],
            ["岗位职责", ["1. 负责门店的日常经营管理。", "2. 负责排班与考勤。"]],
            ["任职资格", ["经验：3年以上零售门店管理经验。"]],
        ],
    ),
    ("h1", "店员岗位说明书"),
    (
        "table",
        [
            ["岗位名称", "店员", "所属部门", "零售部"],
            ["直接上级", "店长", "直接下级", "无"],
            ["岗位职责", ["1. 负责商品陈列与补货。", "2. 负责收银及顾客接待。"]],
            ["任职资格", ["学历：高中以上学历。"]],
        ],
    ),
]

FIXTURES = {
    "zh-table.docx": ADMIN_TABLE,
    "zh-section-rows.docx": WAREHOUSE_ROWS,
    "zh-headings.docx": RECEPTION_HEADINGS,
    "en-bullets.docx": SALES_MANAGER_EN,
    "bilingual.docx": FINANCE_BILINGUAL,
    "two-roles.docx": TWO_ROLES,
}


def main(argv: list[str]) -> None:
    if "--expected" in argv:
        for source in sorted(p for p in FOLDER.iterdir() if p.is_file()):
            write_expected(source)
        return
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, parts in FIXTURES.items():
        (FOLDER / name).write_bytes(document(parts))
        print(f"wrote {FOLDER / name}")


def write_expected(source: Path) -> None:
    """Imports one fixture into a copy of the sample project; keeps the role files it wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(REPO / "handbook.yaml", root)
        shutil.copytree(REPO / "roles", root / "roles")
        samples = set(os.listdir(root / "roles"))
        here = Path.cwd()
        os.chdir(FOLDER)  # the source is named as the test names it: by its file name
        try:
            assert rolebook(["import", source.name, "--root", str(root), "--date", DATE]) == 0
        finally:
            os.chdir(here)
        target = FOLDER / "expected" / source.name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name in sorted(set(os.listdir(root / "roles")) - samples):
            shutil.copy(root / "roles" / name, target / name)
            print(f"wrote {target / name}")


if __name__ == "__main__":
    main(sys.argv[1:])
