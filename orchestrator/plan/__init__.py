"""Intake: department migration plans (YAML, JSON, the Excel template) into validated models, or located errors."""

from typing import TYPE_CHECKING

from .._lazy import lazy as _lazy
from .engines import PROFILES as ENGINE_PROFILES
from .engines import EngineProfile
from .engines import profile as engine_profile
from .errors import IntakeError
from .intake import Intake, LoadedPlan, check_portfolio, load_bytes, load_file, load_paths
from .limits import DEFAULT_LIMITS, Limits
from .model_files import load_model
from .models import MigrationPlan, System
from .references import qualify
from .usage import MeasuredUsage, Measurement
from .values import DEPT_CODE, Reference
from .vocab import (
    REPLICATED_ENGINES,
    BaseData,
    DatabaseEngine,
    DeploymentKind,
    Frequency,
    MaintenanceStatus,
    Network,
    Sharing,
    Zone,
    zh,
)

if TYPE_CHECKING:
    from .excel_text import keep_text, workbook_bytes
    from .excel_write import build_template

# openpyxl (and numpy under it, a quarter of a second) loads only when a workbook is made or read
__getattr__ = _lazy(
    __name__, {"keep_text": "excel_text", "workbook_bytes": "excel_text", "build_template": "excel_write"}
)

__all__ = [
    "DEFAULT_LIMITS",
    "DEPT_CODE",
    "ENGINE_PROFILES",
    "REPLICATED_ENGINES",
    "BaseData",
    "DatabaseEngine",
    "DeploymentKind",
    "EngineProfile",
    "Frequency",
    "Intake",
    "IntakeError",
    "Limits",
    "LoadedPlan",
    "MaintenanceStatus",
    "MeasuredUsage",
    "Measurement",
    "MigrationPlan",
    "Network",
    "Reference",
    "Sharing",
    "System",
    "Zone",
    "build_template",
    "check_portfolio",
    "engine_profile",
    "keep_text",
    "load_bytes",
    "load_file",
    "load_model",
    "load_paths",
    "qualify",
    "workbook_bytes",
    "zh",
]
