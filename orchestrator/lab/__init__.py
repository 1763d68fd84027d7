"""The rehearsal site: a wave's hosts as stand-ins on this machine, with real database servers (adapter)."""

from .netns import Namespaces
from .servers import SERVER_ENGINE, Server, fill
from .site import SITE, LabError, Site, down, up

__all__ = ["SERVER_ENGINE", "SITE", "LabError", "Namespaces", "Server", "Site", "down", "fill", "up"]
