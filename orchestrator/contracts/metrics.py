"""The metric-naming contract between what render writes into Prometheus and what the monitor asks of it.

Render puts these job and label names on every Probe and ServiceMonitor and records these series; the monitor,
the dashboard and the executor's Prometheus gate query exactly them. Both sides import this module, so a renamed
label or window is renamed for everyone at once.
"""

from __future__ import annotations

HEALTH_JOB = "govmig-health"
"""The job name of every blackbox Probe: the monitor tells health probes from a system's own metrics by it."""
AGGREGATION_LABELS = ("department", "system")
"""Put on every probed and scraped series (static labels, relabelings); the monitor aggregates by exactly these."""
BY = ", ".join(AGGREGATION_LABELS)
"""The `by (...)` clause of every aggregation."""
KEPT_LABELS = ("zone", "wave")
"""A system's zone and wave: one value per system, also on every series (render puts them there). A recording rule
keeps them, so the dashboard's zone and wave filters find the recorded series; the series' level is still
department and system."""
RECORDED_BY = ", ".join((*AGGREGATION_LABELS, *KEPT_LABELS))
"""The `by (...)` clause of the recording rules."""

WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
"""The windows the error ratio is recorded over, each as its own series."""
PAGE = ((14.4, "1h", "5m"), (6, "6h", "30m"))
"""Multiwindow burn-rate pairs (factor, long window, short window) that page someone."""
TICKET = ((3, "1d", "2h"), (1, "3d", "6h"))
"""Slower burns that open a ticket."""

ERRORS = "department_system:probe_errors:ratio_avg{window}"
"""The recorded error ratio of the health probe, one series per window (`level:metric:operations`)."""
REQUEST_ERRORS = "department_system:http_requests_errors:ratio_rate{window}"
"""The recorded share of the application's own requests answered 5xx, one series per window: the request-based
objective beside the probe's, where the system exports request metrics."""
REQUEST_BURN_ALERT = "GovmigRequestErrorBudgetBurn"
PROBE_SECONDS = "department_system:probe_duration_seconds:avg5m"
LATENCY_P95 = "department_system:http_request_duration_seconds:p95_rate5m"
BURN_ALERT = "GovmigErrorBudgetBurn"
NO_DATA_ALERT = "GovmigProbeDataAbsent"
"""A probed system whose probe series vanished: no data is never a state (unknown), but it is news."""
WATCHDOG_ALERT = "GovmigWatchdog"
PROBER_DOWN_ALERT = "GovmigProberDown"
PROBES_ABSENT_ALERT = "GovmigProbesAbsent"
PIPELINE_DEPARTMENT = "govmig-monitoring"
"""The `department` label of the monitoring's own alerts: routed to the supervisors, never to a department."""

# Resources and money (资源监管): what render records per system from cAdvisor, kube-state-metrics and
# node_exporter, and what the utilization, fees and SLA reports read back. Gauges per system, recorded every
# RESOURCES_INTERVAL: a month of them is a few thousand points a system, whatever the workloads' series count.
RESOURCES_JOB = "govmig-resources"
"""The job of render's own cAdvisor and kube-state-metrics scrapes (only govmig's namespaces, relabelled)."""
NODE_JOB = "govmig-node"
"""The job of the node_exporter scrape of every host and VM govmig moved."""
RESOURCES_INTERVAL = "5m"
CPU_USED = "department_system:cpu_used:cores"
CPU_ALLOCATED = "department_system:cpu_allocated:cores"
MEMORY_USED = "department_system:memory_used:bytes"
MEMORY_ALLOCATED = "department_system:memory_allocated:bytes"
STORAGE_USED = "department_system:storage_used:bytes"
STORAGE_ALLOCATED = "department_system:storage_allocated:bytes"
CPU_P95_DAY = "department_system:cpu_used:p95_1d"
CPU_PEAK_DAY = "department_system:cpu_used:max_1d"
MEMORY_P95_DAY = "department_system:memory_used:p95_1d"
MEMORY_PEAK_DAY = "department_system:memory_used:max_1d"
STORAGE_PEAK_DAY = "department_system:storage_used:max_1d"
