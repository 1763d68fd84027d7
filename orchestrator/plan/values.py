"""The scalar types of the plan contract: what a text, a date, a number, an id or an image reference may be.

Intake is forgiving about form (blank means absent, see `models.Model`) and strict about meaning: a boolean is
never a number, infinity is not an amount, a date outside 1990-2100 or with a time of day is not the day a clerk
meant, and text never carries characters that hide or reorder what a reviewer sees (control characters, bidi
overrides, zero-width characters). Each refusal is a `PydanticCustomError` whose code `messages.translate` says
in Chinese and English.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DEPT_CODE = re.compile(r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$")
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d")
EARLIEST, LATEST = date(1990, 1, 1), date(2100, 12, 31)

# The distribution project's reference grammar (the one container registries and Kubernetes accept).
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_HOST = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])"
IMAGE_REF = re.compile(
    rf"^(?:{_HOST}(?::[0-9]+)?/)?{_COMPONENT}(?:/{_COMPONENT})*"
    r"(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$"
)
# An absolute URL path (RFC 3986 path-absolute, optional query): no scheme, no host, no space or brace.
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
URL_PATH = re.compile(rf"^/(?!/)(?:{_PCHAR}|/)*(?:\?(?:{_PCHAR}|[/?])*)?$")

MAX_GB = 10_000_000.0
"""10 PB: far above any one system, far below what overflows a sum."""
MAX_WAN = 100_000_000.0
"""万元: one trillion yuan."""
MAX_COUNT = 1_000_000_000_000.0


def _hidden(char: str, prose: bool) -> bool:
    """Characters a reader cannot see or that change what others see: C0/C1 controls, format characters
    (bidi overrides and isolates, zero-width space and joiners, BOM) and the Unicode line separators."""
    if prose and char in "\n\t":
        return False
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def _visible(prose: bool) -> Any:
    def check(value: str) -> str:
        for position, char in enumerate(value, start=1):
            if _hidden(char, prose):
                raise PydanticCustomError(
                    "control_char",
                    "hidden or control character {char} at position {position}",
                    {"char": f"U+{ord(char):04X}", "position": position},
                )
        return value

    return check


def _dns_label(value: str) -> str:
    if len(value) > 63 or not DNS_LABEL.match(value):
        raise PydanticCustomError("dns_label", "not a DNS-1123 label: {value}", {"value": value})
    return value


def _dept_code(value: str) -> str:
    if len(value) > 64 or not DEPT_CODE.match(value):
        raise PydanticCustomError("dept_code", "not a department code: {value}", {"value": value})
    return value


def _reference(value: str) -> str:
    dept, _, local = value.rpartition("/")
    if dept:
        _dept_code(dept)
    try:
        _dns_label(local)
    except PydanticCustomError:
        raise PydanticCustomError("reference", "not a system reference: {value}", {"value": value}) from None
    return value


def _matching(code: str, pattern: re.Pattern[str], limit: int) -> Any:
    def check(value: str) -> str:
        if len(value) > limit or not pattern.match(value):
            raise PydanticCustomError(code, "malformed: {value}", {"value": value})
        return value

    return check


def _calendar_date(value: Any) -> Any:
    """A day: an ISO string or a YAML/Excel date. A bare number is never silently read as a Unix time, and a
    date-time is refused rather than cut to its day (which day depends on a time zone nobody wrote down)."""
    if isinstance(value, bool | int | float):
        raise PydanticCustomError("date_type", "not a date: {value}", {"value": value})
    if isinstance(value, datetime):
        raise PydanticCustomError("date_time", "a date-time, not a date: {value}", {"value": value})
    if isinstance(value, str) and DATE_TIME.match(value.strip()):
        raise PydanticCustomError("date_time", "a date-time, not a date: {value}", {"value": value})
    return value


def _in_range(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise PydanticCustomError("date_range", "date outside 1990-2100: {value}", {"value": value})
    return value


def _number(value: Any) -> Any:
    """True is not 1 and 'NaN' is not an amount: refused before pydantic's lax coercion could accept them."""
    if isinstance(value, bool):
        raise PydanticCustomError("bool_number", "a yes/no is not a number: {value}", {"value": value})
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("finite_number", "not a finite number: {value}", {"value": value})
    return value


DnsLabel = Annotated[str, AfterValidator(_dns_label)]
DeptCode = Annotated[str, AfterValidator(_dept_code)]
Reference = Annotated[str, AfterValidator(_reference)]
Quantity = Annotated[str, AfterValidator(_matching("quantity", QUANTITY, 32))]
ImageRef = Annotated[
    str, AfterValidator(_visible(False)), AfterValidator(_matching("image_ref", IMAGE_REF, 255))
]
UrlPath = Annotated[
    str, AfterValidator(_visible(False)), AfterValidator(_matching("url_path", URL_PATH, 2048))
]
CalendarDate = Annotated[date, BeforeValidator(_calendar_date), AfterValidator(_in_range)]
Text = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_visible(False))]
"""One line of text: a name, a unit, an authority."""
Prose = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_visible(True))]
"""Free text that may run over lines: a function, a reason, a legal basis."""
Whole = Annotated[int, BeforeValidator(_number)]
Gigabytes = Annotated[float, BeforeValidator(_number), Field(ge=0, le=MAX_GB, allow_inf_nan=False)]
Wan = Annotated[float, BeforeValidator(_number), Field(ge=0, le=MAX_WAN, allow_inf_nan=False)]
Count = Annotated[float, BeforeValidator(_number), Field(ge=0, le=MAX_COUNT, allow_inf_nan=False)]
Percent = Annotated[float, BeforeValidator(_number), Field(ge=0, le=100, allow_inf_nan=False)]
