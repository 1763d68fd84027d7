"""The template's instructions sheet, Chinese first with English beside it."""

LINES: tuple[str, ...] = (
    "政务信息系统迁移计划模板（govmig/v1） Migration plan template",
    "1. 每个部门填写一份计划：「部门」表填写一行部门信息和迁移截止日期。"
    " One plan per department: one row on the Department sheet, with the deadline.",
    "2. 「系统」表每行一个系统；带 * 的列必填。系统标识只能用小写字母、数字和“-”。"
    " One row per system on the Systems sheet; columns marked * are required; ids are DNS-1123 labels.",
    "3. 组件、数据库、数据资源、依赖各占一表，每行以「所属系统标识」关联到系统。"
    " Components, databases, data resources and dependencies each have a sheet; each row names its system id.",
    "4. 第1行是中文表头，第2行是字段名（请勿修改），第3行是灰色示例行：原样保留时读取会忽略它，也可以直接覆盖。"
    " Row 1: Chinese headers; row 2: field names (do not edit); row 3: a grey example, ignored if left unchanged.",
    "5. 带下拉列表的列请从列表中选择；是否类字段选「是 true」或「否 false」；日期格式为 YYYY-MM-DD。"
    " Pick drop-down values from the list; booleans are 是/否; dates are YYYY-MM-DD.",
    "6. 引用其他部门的系统时写“部门编码/系统标识”，如 630000-GAT/population-db。"
    " Refer to another department's system as DEPT/id.",
    "7. 涉密、等保备案、共享类型等政策事项不在此处判定，由评估环节按政策规则给出结论。"
    " Policy matters (classification, filings, sharing) are decided by the assessment, not by this form.",
    "8. 填好后用 govmig validate 文件名 检查，或在网页上上传。 Check with `govmig validate FILE` or upload it.",
)
