"""The status strings of the management-agent methods ([MS-UPSMODS] section 3.2.5).

``Execute`` and ``RunStatus`` return a run's status (the same strings as step-result in the run
history, plus a few that only a method call can return); ``GetServerStatus``, ``ResumeState`` and
``Stop`` have vocabularies of their own; every method may return ``connection-failure`` or
``call-failure``.  :class:`StatusValue` lists every string; ``EXECUTE``, ``RUN_STATUS``,
``GET_SERVER_STATUS``, ``RESUME_STATE`` and ``STOP`` are the sets each method returns;
:func:`classify` says what kind of outcome a string is and :func:`lookup` what it means (in our
words, after the spec).
"""

from __future__ import annotations

from dataclasses import dataclass
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


class StatusValue(StrEnum):
    """Every status string of section 3.2.5 (and two FIM-era step results)."""

    ACCESS_DENIED = "access-denied"
    CONNECTION_FAILURE = "connection-failure"
    CALL_FAILURE = "call-failure"
    NO_START_UNKNOWN_PROFILE_NAME = "no-start-unknown-profile-name"
    NO_START_MA_ALREADY_RUNNING = "no-start-ma-already-running"
    NO_START_MA_UPDATE_IN_PROGRESS = "no-start-ma-update-in-progress"
    NO_START_RESUME_ALREADY_COMPLETED = "no-start-resume-already-completed"
    NO_START_RESUME_NO_HISTORY = "no-start-resume-no-history"
    NO_START_RESUME_PROFILE_MODIFIED = "no-start-resume-profile-modified"
    SUCCESS_CAN_RESUME = "success-can-resume"
    SUCCESS = "success"
    COMPLETED_DISCOVERY_ERRORS = "completed-discovery-errors"
    COMPLETED_EXPORT_ERRORS = "completed-export-errors"
    COMPLETED_NO_OBJECTS = "completed-no-objects"
    COMPLETED_SYNC_ERRORS = "completed-sync-errors"
    COMPLETED_TRANSIENT_OBJECTS = "completed-transient-objects"
    COMPLETED_WARNINGS = "completed-warnings"
    COMPLETED_SKIPPED_ALREADY_COMPLETED = "completed-skipped-already-completed"
    COMPLETING_OBSOLETION = "completing-obsoletion"
    COMPLETING_REFERENTIAL_UPDATES = "completing-referential-updates"
    COMPLETING_RECOMPUTATION = "completing-recomputation"
    IN_PROGRESS = "in-progress"
    NO_START_BAD_MA_CONFIGURATION = "no-start-bad-ma-configuration"
    NO_START_CHANGE_LOG_NOT_ENABLED = "no-start-change-log-not-enabled"
    NO_START_CONNECTION = "no-start-connection"
    NO_START_CREDENTIALS = "no-start-credentials"
    NO_START_DATABASE_PERMISSION = "no-start-database-permission"
    NO_START_DATABASE_SCHEMA_MISMATCH = "no-start-database-schema-mismatch"
    NO_START_DATABASE_TABLE = "no-start-database-table"
    NO_START_DELTA_STEP_TYPE_NOT_CONFIGURED = "no-start-delta-step-type-not-configured"
    NO_START_FILE_ACCESS_DENIED = "no-start-file-access-denied"
    NO_START_FILE_CODE_PAGE = "no-start-file-code-page"
    NO_START_FILE_NOT_FOUND = "no-start-file-not-found"
    NO_START_FILE_OPEN = "no-start-file-open"
    NO_START_FILE_SHARING_VIOLATION = "no-start-file-sharing-violation"
    NO_START_FULL_IMPORT_REQUIRED = "no-start-full-import-required"
    NO_START_HEADER_ROW_MISMATCH = "no-start-header-row-mismatch"
    NO_START_MA = "no-start-ma"
    NO_START_MA_WORKING_DIRECTORY = "no-start-ma-working-directory"
    NO_START_NO_DOMAIN_CONTROLLER = "no-start-no-domain-controller"
    NO_START_NO_PARTITION_DELETE = "no-start-no-partition-delete"
    NO_START_PARTITION_NOT_CONFIGURED = "no-start-partition-not-configured"
    NO_START_PARTITION_RENAME = "no-start-partition-rename"
    NO_START_SERVER = "no-start-server"
    NO_START_NO_STEPS_IN_PROFILE = "no-start-no-steps-in-profile"
    NO_START_FILE_CONTAINS_INCORRECT_STEP_TYPE = "no-start-file-contains-incorrect-step-type"
    STOPPED_BAD_MA_CONFIGURATION = "stopped-bad-ma-configuration"
    STOPPED_CHANGE_LOG_OUT_OF_ORDER = "stopped-change-log-out-of-order"
    STOPPED_CODE_PAGE_CONVERSION = "stopped-code-page-conversion"
    STOPPED_CONNECTIVITY = "stopped-connectivity"
    STOPPED_DATABASE_CONNECTION_LOST = "stopped-database-connection-lost"
    STOPPED_DATABASE_DISK_FULL = "stopped-database-disk-full"
    STOPPED_DEADLOCKED = "stopped-deadlocked"
    STOPPED_DISK_FULL = "stopped-disk-full"
    STOPPED_ERROR_LIMIT = "stopped-error-limit"
    STOPPED_EXPORT_WRITE = "stopped-export-write"
    STOPPED_EXTENSION_DLL_ACCESS = "stopped-extension-dll-access"
    STOPPED_EXTENSION_DLL_AMBIGUOUS = "stopped-extension-dll-ambiguous"
    STOPPED_EXTENSION_DLL_EXCEPTION = "stopped-extension-dll-exception"
    STOPPED_EXTENSION_DLL_FILE_NOT_FOUND = "stopped-extension-dll-file-not-found"
    STOPPED_EXTENSION_DLL_INSTANTIATION = "stopped-extension-dll-instantiation"
    STOPPED_EXTENSION_DLL_INVALID_ASSEMBLY = "stopped-extension-dll-invalid-assembly"
    STOPPED_EXTENSION_DLL_LOAD = "stopped-extension-dll-load"
    STOPPED_EXTENSION_DLL_MISSING_DEPENDENCY = "stopped-extension-dll-missing-dependency"
    STOPPED_EXTENSION_DLL_NO_IMPLEMENTATION = "stopped-extension-dll-no-implementation"
    STOPPED_EXTENSION_DLL_NOT_CONFIGURED_FOR_MA = "stopped-extension-dll-not-configured-for-ma"
    STOPPED_EXTENSION_DLL_NOT_CONFIGURED_FOR_MV = "stopped-extension-dll-not-configured-for-mv"
    STOPPED_EXTENSION_DLL_UPDATED_VERSION = "stopped-extension-dll-updated-version"
    STOPPED_FILE_EMBEDDED_NULLS = "stopped-file-embedded-nulls"
    STOPPED_IMPORT_READ = "stopped-import-read"
    STOPPED_MA = "stopped-ma"
    STOPPED_OBJECT_LIMIT = "stopped-object-limit"
    STOPPED_OUT_OF_MEMORY = "stopped-out-of-memory"
    STOPPED_PARSING_ERRORS = "stopped-parsing-errors"
    STOPPED_SERVER = "stopped-server"
    STOPPED_SERVICE_SHUTDOWN = "stopped-service-shutdown"
    STOPPED_USER_TERMINATION_FROM_EXTENSION = "stopped-user-termination-from-extension"
    STOPPED_USER_TERMINATION_FROM_WMI_OR_UI = "stopped-user-termination-from-wmi-or-ui"
    STOPPED_FILE_ERROR = "stopped-file-error"
    SUCCESS_LOW_SECURITY = "success-low-security"
    SUCCESS_PASSWORD_SYNC_DISABLED = "success-password-sync-disabled"
    INCORRECT_PARTITION_ID_FORMAT = "incorrect-partition-id-format"
    MA_CREDENTIALS_FAILURE = "ma-credentials-failure"
    MA_FEATURE_NOT_SUPPORTED = "ma-feature-not-supported"
    PARTITION_NOT_CONFIGURED = "partition-not-configured"
    SERVER_DOWN = "server-down"
    UNKNOWN_PARTITION_ID = "unknown-partition-id"
    MA_NOT_RUNNING = "ma-not-running"


@dataclass(frozen=True, slots=True)
class Status:
    """One status string: its class, the methods that return it, what it means."""

    value: str
    status_class: StatusClass
    methods: tuple[str, ...]
    meaning: str
    section: str


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

# (value, class, methods, meaning, section)
_TABLE: tuple[tuple[str, StatusClass, tuple[str, ...], str], ...] = (
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

_SECTIONS = {
    "Execute": "3.2.5.2",
    "GetServerStatus": "3.2.5.3",
    "ResumeState": "3.2.5.20",
    "RunStatus": "3.2.5.27",
    "Stop": "3.2.5.28",
}

STATUSES: dict[str, Status] = {
    value: Status(
        value,
        cls,
        methods,
        meaning,
        next((_SECTIONS[m] for m in methods if m in _SECTIONS), "3.2.5"),
    )
    for value, cls, methods, meaning in _TABLE
}
"""Every status string of section 3.2.5 (and two FIM-era step results), by value."""


def _of(method: str) -> frozenset[StatusValue]:
    return frozenset(StatusValue(v) for v, s in STATUSES.items() if method in s.methods)


EXECUTE = _of("Execute")
"""The strings Execute returns."""
RUN_STATUS = _of("RunStatus")
"""The strings RunStatus returns for the last run (step-result holds the same for a step)."""
GET_SERVER_STATUS = _of("GetServerStatus")
"""The strings GetServerStatus returns."""
RESUME_STATE = _of("ResumeState")
"""The strings ResumeState returns."""
STOP = _of("Stop")
"""The strings Stop returns."""


def lookup(value: str) -> Status | None:
    """The status for ``value`` (surrounding blanks and case ignored), or None if unknown."""
    return STATUSES.get(value.strip().lower())


def classify(value: str) -> StatusClass | None:
    """The class of a status string, or None when the spec does not define it."""
    found = lookup(value)
    return None if found is None else found.status_class
