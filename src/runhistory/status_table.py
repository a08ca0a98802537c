"""The status strings of section 3.2.5, as one data table: each string once, with its class, the
methods that return it and what it means (in our words, after the spec).

:class:`runhistory.status.StatusValue` is generated from :data:`TABLE` by
``tools/gen_status.py`` (``make model``); :mod:`runhistory.status` builds the lookups.  What an
administrator can do about each value is the table's last column, kept by value in
:mod:`runhistory.status_advice` so this file stays readable.
"""

from __future__ import annotations

from enum import StrEnum


class StatusClass(StrEnum):
    """What kind of outcome a status string reports."""

    SUCCESS = "success"
    COMPLETED_WITH_WARNINGS = "completed with warnings"
    COMPLETED_WITH_ERRORS = "completed with errors"
    DID_NOT_START = "did not start"
    STOPPED = "stopped"
    IN_PROGRESS = "in progress"
    CALL_FAILURE = "call failure"


_RUN = ("Execute", "RunStatus", "step-result")
_ANY = (
    "Execute",
    "GetServerStatus",
    "Num* counters",
    "ResumeState",
    "ResyncSyncConfigObjects",
    "RunDetails",
    "RunEndTime",
    "RunNumber",
    "RunProfile",
    "RunStartTime",
    "RunStatus",
    "Stop",
    "SuppressFullSyncWarning",
)
_ACCESS = ("Execute", "GetServerStatus", "ResumeState", "Stop", "SuppressFullSyncWarning")

S = StatusClass

# (value, class, methods that return it, meaning); the section comes from the first method
# that has one (see runhistory.status).
TABLE: tuple[tuple[str, StatusClass, tuple[str, ...], str], ...] = (
    # -- any method -----------------------------------------------------------------------
    ("access-denied", S.CALL_FAILURE, _ACCESS, "the caller lacks the permission the method needs"),
    (
        "connection-failure",
        S.CALL_FAILURE,
        _ANY,
        "the server could not reach a component it depends on (SharePoint: the synchronization "
        "service is not running or the profile database is unreachable)",
    ),
    ("call-failure", S.CALL_FAILURE, _ANY, "the call failed for a reason no other status covers"),
    # -- Execute / ResumeState: the profile did not start --------------------------------
    (
        "no-start-unknown-profile-name",
        S.DID_NOT_START,
        ("Execute", "ResumeState"),
        "no run profile of this management agent has that name",
    ),
    (
        "no-start-ma-already-running",
        S.DID_NOT_START,
        ("Execute", "ResumeState"),
        "a run profile of this management agent is already running",
    ),
    (
        "no-start-ma-update-in-progress",
        S.DID_NOT_START,
        ("Execute",),
        "a management agent is being created, changed or deleted",
    ),
    (
        "no-start-resume-already-completed",
        S.DID_NOT_START,
        ("Execute", "ResumeState", "RunStatus"),
        "resume asked for, but the last attempt of the profile completed",
    ),
    (
        "no-start-resume-no-history",
        S.DID_NOT_START,
        ("Execute", "ResumeState", "RunStatus"),
        "resume asked for, but how the last attempt ended is not known",
    ),
    (
        "no-start-resume-profile-modified",
        S.DID_NOT_START,
        ("Execute", "ResumeState", "RunStatus"),
        "resume asked for, but the profile changed since the last attempt",
    ),
    ("success-can-resume", S.SUCCESS, ("ResumeState",), "the profile can be resumed"),
    # -- run and step results (Execute, RunStatus, and step-result in RunDetails) ---------
    (
        "success",
        S.SUCCESS,
        (*_RUN, "GetServerStatus", "ResyncSyncConfigObjects", "Stop", "SuppressFullSyncWarning"),
        "done: every step of the profile completed (Stop: the running profile was stopped; "
        "GetServerStatus: the data source is up and the link is secure)",
    ),
    (
        "completed-discovery-errors",
        S.COMPLETED_WITH_ERRORS,
        _RUN,
        "a full import found discovery errors between the data source and the connector space",
    ),
    (
        "completed-export-errors",
        S.COMPLETED_WITH_ERRORS,
        _RUN,
        "the step completed with export errors; the next step ran",
    ),
    (
        "completed-no-objects",
        S.COMPLETED_WITH_WARNINGS,
        _RUN,
        "a full import found no objects to import; the next step ran",
    ),
    (
        "completed-sync-errors",
        S.COMPLETED_WITH_ERRORS,
        _RUN,
        "the step completed with synchronization errors or warnings; the next step ran",
    ),
    (
        "completed-transient-objects",
        S.COMPLETED_WITH_WARNINGS,
        _RUN,
        "the step completed, leaving connector-space objects in a transient state",
    ),
    (
        "completed-warnings",
        S.COMPLETED_WITH_WARNINGS,
        _RUN,
        "the step completed with synchronization warnings; the next step ran",
    ),
    (
        "completed-skipped-already-completed",
        S.COMPLETED_WITH_WARNINGS,
        _RUN,
        "the step was skipped because it had already completed (listed by the schema only)",
    ),
    (
        "completing-obsoletion",
        S.IN_PROGRESS,
        _RUN,
        "marking objects that left the data source as obsolete",
    ),
    (
        "completing-referential-updates",
        S.IN_PROGRESS,
        _RUN,
        "linking objects that refer to other objects",
    ),
    (
        "completing-recomputation",
        S.IN_PROGRESS,
        _RUN,
        "re-evaluating metaverse changes caused by other metaverse changes",
    ),
    (
        "in-progress",
        S.IN_PROGRESS,
        (*_RUN, "RunEndTime"),
        "a run profile of the management agent is running now",
    ),
    ("no-start-bad-ma-configuration", S.DID_NOT_START, _RUN, "the MA configuration is invalid"),
    (
        "no-start-change-log-not-enabled",
        S.DID_NOT_START,
        _RUN,
        "a delta import needs the data source's change log, which is not enabled",
    ),
    ("no-start-connection", S.DID_NOT_START, _RUN, "the data source could not be connected to"),
    ("no-start-credentials", S.DID_NOT_START, _RUN, "the data source refused the credentials"),
    (
        "no-start-database-permission",
        S.DID_NOT_START,
        _RUN,
        "the MA lacks the permissions it needs on the data source",
    ),
    (
        "no-start-database-schema-mismatch",
        S.DID_NOT_START,
        _RUN,
        "the database schema differs from the MA's schema",
    ),
    (
        "no-start-database-table",
        S.DID_NOT_START,
        _RUN,
        "the MA could not read or write the database table",
    ),
    (
        "no-start-delta-step-type-not-configured",
        S.DID_NOT_START,
        _RUN,
        "the MA is not configured for delta import; later steps did not run",
    ),
    ("no-start-file-access-denied", S.DID_NOT_START, _RUN, "access to the input file was denied"),
    (
        "no-start-file-code-page",
        S.DID_NOT_START,
        _RUN,
        "the input file's code page differs from the one configured",
    ),
    ("no-start-file-not-found", S.DID_NOT_START, _RUN, "the input file was not found"),
    ("no-start-file-open", S.DID_NOT_START, _RUN, "the input file could not be opened"),
    (
        "no-start-file-sharing-violation",
        S.DID_NOT_START,
        _RUN,
        "the input file is locked by another process",
    ),
    (
        "no-start-full-import-required",
        S.DID_NOT_START,
        _RUN,
        "a full import must run before a delta import",
    ),
    (
        "no-start-header-row-mismatch",
        S.DID_NOT_START,
        _RUN,
        "the file's header row differs from the MA's definition",
    ),
    ("no-start-ma", S.DID_NOT_START, _RUN, "an unknown management agent error"),
    (
        "no-start-ma-working-directory",
        S.DID_NOT_START,
        _RUN,
        "the MA's working directory is missing and could not be created",
    ),
    (
        "no-start-no-domain-controller",
        S.DID_NOT_START,
        _RUN,
        "no domain controller could be contacted",
    ),
    (
        "no-start-no-partition-delete",
        S.DID_NOT_START,
        _RUN,
        "the domain or naming context of the step was deleted",
    ),
    (
        "no-start-partition-not-configured",
        S.DID_NOT_START,
        _RUN,
        "the partition the step needs is not selected in the MA",
    ),
    (
        "no-start-partition-rename",
        S.DID_NOT_START,
        _RUN,
        "the partition selected in the MA was renamed in the data source",
    ),
    ("no-start-server", S.DID_NOT_START, _RUN, "an unknown synchronization engine error"),
    (
        "no-start-no-steps-in-profile",
        S.DID_NOT_START,
        _RUN,
        "the profile has a step for a partition that was deleted",
    ),
    (
        "no-start-file-contains-incorrect-step-type",
        S.DID_NOT_START,
        _RUN,
        "the drop file holds another step type (FIM-era step result, not in the 2018 spec)",
    ),
    (
        "stopped-bad-ma-configuration",
        S.STOPPED,
        _RUN,
        "the MA configuration is invalid",
    ),
    (
        "stopped-change-log-out-of-order",
        S.STOPPED,
        _RUN,
        "the data source's change log entries are not numbered in sequence",
    ),
    ("stopped-code-page-conversion", S.STOPPED, _RUN, "a code page conversion failed"),
    ("stopped-connectivity", S.STOPPED, _RUN, "the connection to the data source was lost"),
    (
        "stopped-database-connection-lost",
        S.STOPPED,
        _RUN,
        "the engine lost its connection to its database",
    ),
    ("stopped-database-disk-full", S.STOPPED, _RUN, "the engine's database is full"),
    (
        "stopped-deadlocked",
        S.STOPPED,
        _RUN,
        "a deadlock between run profiles running at the same time",
    ),
    ("stopped-disk-full", S.STOPPED, _RUN, "a disk is full"),
    (
        "stopped-error-limit",
        S.STOPPED,
        _RUN,
        "more errors than the configured maximum (5000 by default)",
    ),
    ("stopped-export-write", S.STOPPED, _RUN, "writing to the data source failed"),
    (
        "stopped-extension-dll-access",
        S.STOPPED,
        _RUN,
        "the service account cannot read the Extensions folder",
    ),
    (
        "stopped-extension-dll-ambiguous",
        S.STOPPED,
        _RUN,
        "the rules extension implements the rule interfaces more than once",
    ),
    (
        "stopped-extension-dll-exception",
        S.STOPPED,
        _RUN,
        "a rules extension threw while initializing",
    ),
    (
        "stopped-extension-dll-file-not-found",
        S.STOPPED,
        _RUN,
        "the rules extension assembly was not found",
    ),
    (
        "stopped-extension-dll-instantiation",
        S.STOPPED,
        _RUN,
        "the rules extension's constructor threw",
    ),
    (
        "stopped-extension-dll-invalid-assembly",
        S.STOPPED,
        _RUN,
        "the rules extension is not a valid .NET assembly",
    ),
    (
        "stopped-extension-dll-load",
        S.STOPPED,
        _RUN,
        "the rules extension assembly could not be loaded",
    ),
    (
        "stopped-extension-dll-missing-dependency",
        S.STOPPED,
        _RUN,
        "a file the rules extension depends on is missing",
    ),
    (
        "stopped-extension-dll-no-implementation",
        S.STOPPED,
        _RUN,
        "no class in the assembly implements the required interface",
    ),
    (
        "stopped-extension-dll-not-configured-for-ma",
        S.STOPPED,
        _RUN,
        "the assembly is not a management agent rules extension",
    ),
    (
        "stopped-extension-dll-not-configured-for-mv",
        S.STOPPED,
        _RUN,
        "the assembly is not a metaverse rules extension",
    ),
    (
        "stopped-extension-dll-updated-version",
        S.STOPPED,
        _RUN,
        "the Extensions folder changed while the step ran",
    ),
    (
        "stopped-file-embedded-nulls",
        S.STOPPED,
        _RUN,
        "the input file holds NUL characters",
    ),
    ("stopped-import-read", S.STOPPED, _RUN, "reading the data source failed"),
    ("stopped-ma", S.STOPPED, _RUN, "an unknown management agent error"),
    (
        "stopped-object-limit",
        S.STOPPED,
        _RUN,
        "the object limit of the MA's threshold was reached",
    ),
    ("stopped-out-of-memory", S.STOPPED, _RUN, "the server ran out of memory"),
    (
        "stopped-parsing-errors",
        S.STOPPED,
        _RUN,
        "the input file or change log could not be parsed",
    ),
    ("stopped-server", S.STOPPED, _RUN, "an unknown server error"),
    (
        "stopped-service-shutdown",
        S.STOPPED,
        _RUN,
        "the synchronization service shut down",
    ),
    (
        "stopped-user-termination-from-extension",
        S.STOPPED,
        _RUN,
        "a rules extension ended the run by signalling an error",
    ),
    (
        "stopped-user-termination-from-wmi-or-ui",
        S.STOPPED,
        _RUN,
        "someone stopped the run (the Stop method or the UI)",
    ),
    (
        "stopped-file-error",
        S.STOPPED,
        _RUN,
        "an error on the input file (FIM-era step result, not in the 2018 spec)",
    ),
    # -- GetServerStatus -----------------------------------------------------------------
    (
        "success-low-security",
        S.COMPLETED_WITH_WARNINGS,
        ("GetServerStatus",),
        "the data source is up, but the link uses an encryption key of 40 bits or fewer",
    ),
    (
        "success-password-sync-disabled",
        S.COMPLETED_WITH_WARNINGS,
        ("GetServerStatus",),
        "the data source is up, but password synchronization is not enabled for the MA",
    ),
    (
        "incorrect-partition-id-format",
        S.CALL_FAILURE,
        ("GetServerStatus",),
        "the partition GUID passed is not a GUID",
    ),
    (
        "ma-credentials-failure",
        S.CALL_FAILURE,
        ("GetServerStatus",),
        "the MA could not log on to the data source with its stored credentials",
    ),
    (
        "ma-feature-not-supported",
        S.CALL_FAILURE,
        ("GetServerStatus",),
        "this type of MA does not support password changes",
    ),
    (
        "partition-not-configured",
        S.CALL_FAILURE,
        ("GetServerStatus",),
        "the partition of that GUID is not configured",
    ),
    ("server-down", S.CALL_FAILURE, ("GetServerStatus",), "the data source could not be reached"),
    (
        "unknown-partition-id",
        S.CALL_FAILURE,
        ("GetServerStatus",),
        "no partition of the MA has that GUID",
    ),
    # -- Stop ------------------------------------------------------------------------------
    ("ma-not-running", S.CALL_FAILURE, ("Stop",), "no run profile of the MA is running"),
)
