"""Pydantic's validation errors said the way a department's clerk can act on them, in Chinese and English."""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

LABELS: dict[str, str] = {
    "apiVersion": "版本",
    "kind": "类型",
    "department": "部门",
    "code": "统一编码",
    "name": "名称",
    "level": "层级",
    "contact": "联系人",
    "phone": "电话",
    "deadline": "迁移截止日期",
    "systems": "系统清单",
    "id": "系统标识",
    "owner_unit": "所属司局/处室",
    "function": "功能",
    "usage": "使用情况",
    "scope": "使用范围",
    "users": "用户数",
    "frequency": "使用频度",
    "last_business_use": "最近业务使用日期",
    "requests_per_day": "日均请求数",
    "cpu_percent": "CPU平均使用率(%)",
    "approval": "审批",
    "authority": "审批部门",
    "date": "审批日期",
    "filing": "备案",
    "project_name": "项目名称",
    "constructing_unit": "建设单位",
    "investment_wan": "投资额(万元)",
    "annual_om_wan": "年运维费(万元)",
    "funding_channel": "资金渠道",
    "security": "安全",
    "mlps_level": "等保级别",
    "mlps_filed": "等保已备案",
    "classified": "涉密等级",
    "classified_filed": "分保已备案",
    "network": "网络",
    "current": "当前所在专网",
    "internet_facing": "面向公众",
    "maintenance": "运维",
    "status": "运维状态",
    "last_update": "最近更新日期",
    "replaced_by": "可被替代的系统",
    "deployment": "部署",
    "special_hardware": "专用硬件",
    "components": "组件",
    "image": "镜像",
    "port": "端口",
    "replicas": "副本数",
    "cpu": "CPU",
    "memory": "内存",
    "health_path": "健康检查路径",
    "stateful": "有状态",
    "databases": "数据库",
    "engine": "数据库类型",
    "size_gb": "容量(GB)",
    "data_gb": "数据量(GB)",
    "data_resources": "数据资源",
    "sharing": "共享类型",
    "legal_basis": "不予共享依据",
    "base_data": "基础信息资源",
    "depends_on": "依赖系统",
    "target": "申请的迁移目标",
    "cloud": "上政务云",
    "zone": "区域",
    "exemption": "保留专网豁免",
    "reason": "理由",
    "document": "批准文件",
}


def label(path: tuple[str | int, ...]) -> str:
    """The Chinese name of the field a path ends in (list indices skipped)."""
    for part in reversed(path):
        if isinstance(part, str):
            return LABELS.get(part, part)
    return "文档"


def _field(path: tuple[str | int, ...]) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "document"


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def translate(error: ErrorDetails) -> tuple[str, str, str]:
    """One pydantic error as (code, zh, en)."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    path = tuple(error["loc"])
    zl, en_field, value = label(path), _field(path), _shown(error.get("input"))
    if isinstance(ctx.get("zh"), str) and isinstance(
        ctx.get("en"), str
    ):  # a check that says it in both itself
        return kind, f"「{zl}」：{ctx['zh']}", f"'{en_field}': {ctx['en']}"
    table: dict[str, tuple[str, str]] = {
        "missing": (f"缺少必填字段「{zl}」", f"required field '{en_field}' is missing"),
        "dns_label": (
            f"「{value}」不是合法标识：只能用小写字母、数字和“-”，以字母或数字开头和结尾，最多63个字符",
            f"'{value}' is not a DNS-1123 label: lower-case letters, digits and '-', "
            "starting and ending with a letter or digit, at most 63 characters",
        ),
        "dept_code": (
            f"「{value}」不是合法的部门编码：只能用字母、数字和“-”",
            f"'{value}' is not a department code: letters, digits and '-' only",
        ),
        "reference": (
            f"「{value}」不是合法的系统引用：应为本部门系统标识，或“部门编码/系统标识”",
            f"'{value}' is not a system reference: a local system id, or 'DEPT/id'",
        ),
        "quantity": (
            f"「{value}」不是合法的资源数量（如 500m、2、4Gi）",
            f"'{value}' is not a Kubernetes quantity (such as 500m, 2, 4Gi)",
        ),
        "enum": (
            f"「{value}」不是「{zl}」允许的取值，可选：{ctx.get('expected', '')}",
            f"'{value}' is not allowed for '{en_field}'; expected {ctx.get('expected', '')}",
        ),
        "int": (
            f"「{zl}」应为整数，而不是「{value}」",
            f"'{en_field}' must be a whole number, not '{value}'",
        ),
        "float": (f"「{zl}」应为数字，而不是「{value}」", f"'{en_field}' must be a number, not '{value}'"),
        "bool": (
            f"「{zl}」应为 是/否（true/false），而不是「{value}」",
            f"'{en_field}' must be true or false, not '{value}'",
        ),
        "date": (
            f"「{value}」不是有效日期（格式 YYYY-MM-DD，且须是日历上存在的日期）",
            f"'{value}' is not a valid date (YYYY-MM-DD, and a day that exists)",
        ),
        "string_type": (f"「{zl}」应为文本", f"'{en_field}' must be text"),
        "string_too_short": (f"「{zl}」不能为空", f"'{en_field}' must not be empty"),
        "string_too_long": (f"「{zl}」过长", f"'{en_field}' is too long"),
        "string_pattern_mismatch": (
            f"「{value}」格式不对：「{zl}」应以“/”开头",
            f"'{value}' is malformed: '{en_field}' must start with '/'",
        ),
        "greater_than_equal": (
            f"「{zl}」不能小于 {ctx.get('ge')}，而这里是 {value}",
            f"'{en_field}' must be at least {ctx.get('ge')}, not {value}",
        ),
        "less_than_equal": (
            f"「{zl}」不能大于 {ctx.get('le')}，而这里是 {value}",
            f"'{en_field}' must be at most {ctx.get('le')}, not {value}",
        ),
        "list_type": (f"「{zl}」应为列表", f"'{en_field}' must be a list"),
        "control_char": (
            f"「{zl}」第 {ctx.get('position')} 个字符是不可见字符或控制字符（{ctx.get('char')}），请删除后重新输入",
            f"'{en_field}' holds a hidden or control character ({ctx.get('char')}) at position "
            f"{ctx.get('position')}: delete it and type the text again",
        ),
        "date_time": (
            f"「{zl}」应为日期（YYYY-MM-DD），不能带时间：「{value}」",
            f"'{en_field}' must be a date (YYYY-MM-DD) without a time of day, not '{value}'",
        ),
        "date_range": (
            f"「{zl}」的日期 {value} 不在 1990 年至 2100 年之间",
            f"'{en_field}' date {value} is not between 1990 and 2100",
        ),
        "date_type": (
            f"「{zl}」应为日期（YYYY-MM-DD），而不是数字「{value}」",
            f"'{en_field}' must be a date (YYYY-MM-DD), not the number '{value}'",
        ),
        "bool_number": (
            f"「{zl}」应为数字，而不是 是/否（{value}）",
            f"'{en_field}' must be a number, not a yes/no value ({value})",
        ),
        "finite_number": (
            f"「{zl}」应为有限的数字，而不是「{value}」",
            f"'{en_field}' must be a finite number, not '{value}'",
        ),
        "image_ref": (
            f"「{value}」不是合法的镜像地址（如 registry.govcloud.example/fgw/web:2.3）",
            f"'{value}' is not an image reference (such as registry.govcloud.example/fgw/web:2.3)",
        ),
        "url_path": (
            f"「{value}」不是合法的URL路径：应以“/”开头，只含URL允许的字符（如 /healthz）",
            f"'{value}' is not an absolute URL path: it starts with '/' and holds only URL characters "
            "(such as /healthz)",
        ),
        "model": (f"「{zl}」应为键值对（映射）", f"'{en_field}' must be a mapping of fields"),
    }
    family = kind if kind in table else _family(kind)
    zh_text, en_text = table.get(family) or (
        f"「{zl}」的值「{value}」无效：{error['msg']}",
        f"invalid value '{value}' for '{en_field}': {error['msg']}",
    )
    return family, zh_text, en_text


def _family(kind: str) -> str:
    if kind in ("enum", "literal_error"):
        return "enum"
    for prefix in ("int", "float", "bool", "date"):
        if kind.startswith(prefix + "_") or kind == prefix:
            return prefix
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "model"
    return kind
