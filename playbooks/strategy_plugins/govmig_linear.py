"""The strategy every govmig run uses: Ansible's linear strategy, over Mitogen when Mitogen is installed.

Why: a step's cost in the cutover window (the service's downtime) was Ansible's per-task cost: each task packed its
module, started a Python on the host and tore it down. Mitogen keeps one interpreter per host for the run and
sends modules to it over the connection it already has, so a task costs milliseconds. The order of tasks, plays
and hosts is the linear strategy's, unchanged: Mitogen's strategy is a mixin over it.

Where Mitogen is not installed (a plain `ansible-playbook` run of the tree on a bare machine, an execution node
without it), the same playbook runs on Ansible's own linear strategy, only slower; a line on the display says so.

Beside the playbooks, where ansible-playbook finds strategy plugins itself (as it finds lookup_plugins/); the
executor names it in ANSIBLE_STRATEGY.
"""

from __future__ import annotations

from ansible.plugins.loader import strategy_loader
from ansible.utils.display import Display

_linear = strategy_loader.get("linear", class_only=True)

try:
    import ansible_mitogen.loaders  # Mitogen's loaders load before its strategy, as its own proxy does
    import ansible_mitogen.strategy
except ImportError:
    Display().warning("govmig_linear: Mitogen is not installed; running on Ansible's linear strategy")

    class StrategyModule(_linear):  # type: ignore[misc,valid-type]
        """Ansible's linear strategy, as is."""

else:

    class StrategyModule(ansible_mitogen.strategy.StrategyMixin, _linear):  # type: ignore[misc,no-redef,valid-type]
        """Mitogen's connection handling over Ansible's linear strategy."""
