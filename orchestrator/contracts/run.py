"""The run vocabulary: the states of a wave record and of a system in it, the run queue's job statuses and kinds,
and the approvals' statuses. StrEnums, as `Flag` is (policy/flags.py): each member is the very string the store
keeps and the JSON says, so a stored row and a response stay byte-identical; code compares members, never literals
(tests/test_run_vocabulary.py reads the source to hold that outside contracts and execute)."""

from __future__ import annotations

from enum import StrEnum


class WaveState(StrEnum):
    """A wave record's run (store WaveRun.status)."""

    running = "running"
    paused = "paused"
    done = "done"
    partial = "partial"
    """Finished, with some systems rolled back (execute/machine/wave.py decides it)."""
    failed = "failed"


class SystemState(StrEnum):
    """A system in a wave run (store SystemRun.state): the state after its last finished step
    (execute/states.py holds the steps between them)."""

    pending = "pending"
    prechecked = "prechecked"
    backed_up = "backed_up"
    presynced = "presynced"
    deployed = "deployed"
    synced = "synced"
    verified = "verified"
    done = "done"
    decommissioned = "decommissioned"
    retired = "retired"
    failed = "failed"
    rolled_back = "rolled_back"


class JobStatus(StrEnum):
    """A job of the run queue (store/queue.py): queued, then claimed by a worker, then how it ended."""

    queued = "queued"
    claimed = "claimed"
    done = "done"
    failed = "failed"


class JobKind(StrEnum):
    """What a job of the run queue asks a worker to do."""

    run = "run"
    rollback = "rollback"
    decommission = "decommission"
    retire = "retire"
    rollback_discard = "rollback_discard"
    verify = "verify"
    """The warm verification of a wave (`govmig verify`), queued on the site's schedule (`--verify-every`)."""


class ApprovalStatus(StrEnum):
    """An ask for a second person's approval (store/approvals.py)."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    refused = "refused"


class RequestStatus(StrEnum):
    """A request to resize a system or keep an idle one (store/resource_requests.py): a supervisor other than the
    asker approves it or returns it with a comment."""

    pending = "pending"
    approved = "approved"
    returned = "returned"


class StepStatus(StrEnum):
    """A step of a system in a wave run (store StepLog.status and the audit's `step.STEP` result)."""

    started = "started"
    finished = "finished"
    failed = "failed"


class NoticeStatus(StrEnum):
    """A notice owed to one recipient (store/notices.py): queued, being sent, sent, or given up."""

    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class ManualTaskState(StrEnum):
    """A manual task of the night's runbook for one system (contracts/tasks.py): not reached yet, the run waiting
    at it, or closed by someone."""

    open = "open"
    waiting = "waiting"
    done = "done"
