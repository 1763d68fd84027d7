"""The executor's pure state machine: a system's states and steps, the wave's verdicts and its failure budget.

Data in, data out: no threads, no I/O, nothing of the run loop or the ports (an import-linter contract says so).
"""
