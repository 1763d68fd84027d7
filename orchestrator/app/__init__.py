"""The application layer: the one composition of the stages that the CLI and the web both stand on."""

from .executors import GatePolicy, build_executor
from .portfolio import Portfolio
from .tree_files import Written

__all__ = ["GatePolicy", "Portfolio", "Written", "build_executor"]
