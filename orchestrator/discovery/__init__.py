"""Discovery's pure core: the observation file, dependencies from what the hosts reported, runs merged, what the
plans do not declare (and the plans as if they did, for W2), and the sizes the facts contradict."""

from .accept import accepted
from .attribute import AddressBook, HostReport, dependencies, facts_of, learn
from .compare import Undeclared, as_declared, undeclared
from .corrections import Correction, WindowNeed, corrections
from .merge import merge
from .model import Connection, DatabaseFact, DataUse, HostFacts, Observation, Run
from .settings import DEFAULT_DISCOVERY, DiscoverySettings

__all__ = [
    "DEFAULT_DISCOVERY",
    "AddressBook",
    "Connection",
    "Correction",
    "DataUse",
    "DatabaseFact",
    "DiscoverySettings",
    "HostFacts",
    "HostReport",
    "Observation",
    "Run",
    "Undeclared",
    "WindowNeed",
    "accepted",
    "as_declared",
    "corrections",
    "dependencies",
    "facts_of",
    "learn",
    "merge",
    "undeclared",
]
