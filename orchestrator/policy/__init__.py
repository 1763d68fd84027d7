"""Assessment: the policy (P1-P9, Z1-Z5) decides each system's fate and says why, in Chinese and English."""

from .assess import assess, blocking_rules, decide
from .decision import Action, Decision, Note, Reason
from .flags import Flag
from .rules import CATALOG, Rule
from .settings import DEFAULTS, PolicySettings, ZombieSettings

__all__ = [
    "CATALOG",
    "DEFAULTS",
    "Action",
    "Decision",
    "Flag",
    "Note",
    "PolicySettings",
    "Reason",
    "Rule",
    "ZombieSettings",
    "assess",
    "blocking_rules",
    "decide",
]
