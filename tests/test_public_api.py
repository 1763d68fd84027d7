"""The package's public names are pinned: changing them is a deliberate act that changes this test."""

import orchestrator
import orchestrator.plan


def test_top_level_public_names() -> None:
    assert sorted(orchestrator.__all__) == [
        "Action",
        "Decision",
        "Intake",
        "IntakeError",
        "MigrationPlan",
        "PolicySettings",
        "RenderSettings",
        "Roadmap",
        "System",
        "Wave",
        "WaveSettings",
        "__version__",
        "assess",
        "build_template",
        "load_file",
        "load_paths",
        "plan_waves",
        "render_artifacts",
    ]
    for name in orchestrator.__all__:
        assert hasattr(orchestrator, name)


def test_intake_public_names() -> None:
    assert sorted(orchestrator.plan.__all__) == [
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


def test_policy_public_names() -> None:
    import orchestrator.policy

    assert sorted(orchestrator.policy.__all__) == [
        "Action",
        "CATALOG",
        "DEFAULTS",
        "Decision",
        "Note",
        "PolicySettings",
        "Reason",
        "Rule",
        "ZombieSettings",
        "assess",
        "decide",
    ]


def test_waves_public_names() -> None:
    import orchestrator.waves

    assert sorted(orchestrator.waves.__all__) == [
        "Complexity",
        "DEFAULT_WAVES",
        "Late",
        "Roadmap",
        "Unscheduled",
        "Wave",
        "WaveSettings",
        "complexity",
        "plan_waves",
    ]


def test_render_public_names() -> None:
    import orchestrator.render

    assert sorted(orchestrator.render.__all__) == [
        "DEFAULT_RENDER",
        "Files",
        "RenderSettings",
        "SystemView",
        "dump_inventory",
        "load_inventory",
        "render_artifacts",
    ]


def test_execute_and_store_public_names() -> None:
    import orchestrator.execute
    import orchestrator.store

    assert sorted(orchestrator.execute.__all__) == [
        "AnsibleRunner",
        "ExecuteError",
        "GateResult",
        "HealthGate",
        "Outcome",
        "PlaybookRunner",
        "ROLLBACK",
        "RunRequest",
        "RunResult",
        "STEPS",
        "Step",
        "WaveBusy",
        "WaveExecutor",
        "next_step",
        "record_name",
    ]
    assert sorted(orchestrator.store.__all__) == [
        "Accounts",
        "Audit",
        "DEFAULT_URL",
        "Event",
        "HealthStore",
        "Holder",
        "Leases",
        "Sessions",
        "Signed",
        "StepLog",
        "Store",
        "StoreFailure",
        "SystemRun",
        "WaveRun",
        "aware",
        "describe_failure",
        "integrity_problem",
        "open_store",
        "utcnow",
    ]


def test_monitor_public_names() -> None:
    import orchestrator.monitor

    assert sorted(orchestrator.monitor.__all__) == sorted(
        [
            "STATE_ZH",
            "Alertmanager",
            "CatalogError",
            "Collector",
            "CycleResult",
            "Monitor",
            "MonitorConfig",
            "MonitorSettings",
            "Observation",
            "ProbeSpec",
            "Query",
            "Snapshot",
            "State",
            "Target",
            "Track",
            "advance",
            "connect",
            "cycle_queries",
            "dashboard",
            "load_catalog",
            "measured_usage",
            "observe",
            "run",
            "run_cycle",
            "scrape_config",
        ]
    )
    for name in orchestrator.monitor.__all__:
        assert hasattr(orchestrator.monitor, name)


def test_web_public_names() -> None:
    import orchestrator.web

    assert sorted(orchestrator.web.__all__) == [
        "ExecutorFactory",
        "Principal",
        "ROLES",
        "WebConfig",
        "create_app",
        "hash_password",
        "new_token",
        "token_digest",
        "verify_password",
    ]


def test_reports_public_names() -> None:
    import orchestrator.reports

    assert sorted(orchestrator.reports.__all__) == [
        "EvaluationSettings",
        "Figures",
        "History",
        "InventoryRow",
        "Score",
        "annual_figures",
        "build_ledger",
        "evaluate",
        "indicators",
        "inventory_rows",
        "inventory_xlsx",
        "objectives",
    ]


def test_app_public_names() -> None:
    import orchestrator.app

    assert sorted(orchestrator.app.__all__) == ["GatePolicy", "Portfolio", "build_executor"]
