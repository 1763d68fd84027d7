"""Intake: department migration plans (YAML, JSON, the Excel template) into validated models, or located errors."""

from .errors import IntakeError
from .excel_text import keep_text, workbook_bytes
from .excel_write import build_template
from .intake import Intake, LoadedPlan, load_bytes, load_file, load_paths
from .limits import Limits
from .models import MigrationPlan, System
from .references import qualify

__all__ = [
    "Intake",
    "IntakeError",
    "Limits",
    "LoadedPlan",
    "MigrationPlan",
    "System",
    "build_template",
    "keep_text",
    "load_bytes",
    "load_file",
    "load_paths",
    "qualify",
    "workbook_bytes",
]
