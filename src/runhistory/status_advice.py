"""What an administrator can do about each status string of section 3.2.5: the "what to do"
column of :data:`runhistory.status_table.TABLE`, kept here by value so the table stays readable.

Every value that stopped a step, kept it from starting or completed it with errors has an entry;
success and in-progress values have none (tests hold both).  The texts say only what the status
name and the spec's meaning imply.
"""

from __future__ import annotations

_CONNECT = (
    "look at the connection log's incident (it names the server and the error), check that the "
    "data source is up and reachable from the synchronization server, and check the "
    "connectivity and credentials of the management agent"
)
_RESUME = "run the profile again without resuming"
_FILE = "check the input file at the path configured in the management agent"
_DLL = "check the rules extension assembly in the synchronization service's Extensions folder"
_DISK = "free space on the disk"
_UNKNOWN = (
    "look at the step's incident and the server's event log for the cause, then run the "
    "profile again"
)

ADVICE: dict[str, str] = {
    # -- any method ---------------------------------------------------------------------
    "access-denied": "run the call under an account with the permission the method needs",
    "connection-failure": (
        "check that the synchronization service is running and that its database is reachable, "
        "then call again"
    ),
    "call-failure": "look at the server's event log for the cause, then call again",
    # -- the profile did not start ---------------------------------------------------------
    "no-start-unknown-profile-name": (
        "check the run profile's name against the run profiles of the management agent"
    ),
    "no-start-ma-already-running": (
        "wait for the running profile of this management agent to finish, then start it again"
    ),
    "no-start-ma-update-in-progress": (
        "wait until the management agent change is saved, then start the profile again"
    ),
    "no-start-resume-already-completed": f"nothing is left to resume: {_RESUME}",
    "no-start-resume-no-history": f"{_RESUME}",
    "no-start-resume-profile-modified": f"the profile changed, so {_RESUME}",
    # -- run and step results ------------------------------------------------------------
    "completed-discovery-errors": (
        "look at the step's discovery errors, correct the objects in the data source, and run "
        "the full import again"
    ),
    "completed-export-errors": (
        "look at the step's export errors, correct the objects or the permissions on the "
        "data source, and run the export again"
    ),
    "completed-no-objects": (
        "check that the data source holds objects and that the management agent's partitions, "
        "containers and filters select them"
    ),
    "completed-sync-errors": (
        "look at the step's synchronization errors, correct the objects or the rules, and run "
        "the synchronization again"
    ),
    "completed-transient-objects": (
        "run the profile again to settle the transient objects; if they remain, look at them "
        "in the connector space"
    ),
    "completed-warnings": "look at the step's synchronization warnings",
    "no-start-bad-ma-configuration": (
        "open the management agent's configuration, correct what is invalid, and save it"
    ),
    "no-start-change-log-not-enabled": (
        "enable the data source's change log, or run a full import instead of a delta import"
    ),
    "no-start-connection": _CONNECT,
    "no-start-credentials": (
        "check the account and password stored in the management agent, and that the account "
        "is not locked or expired in the data source"
    ),
    "no-start-database-permission": (
        "grant the management agent's account the permissions it needs on the data source"
    ),
    "no-start-database-schema-mismatch": (
        "refresh the management agent's schema from the database, then run a full import"
    ),
    "no-start-database-table": (
        "check that the table configured in the management agent exists and that its account "
        "may read and write it"
    ),
    "no-start-delta-step-type-not-configured": (
        "configure the management agent for delta import, or use a full import step"
    ),
    "no-start-file-access-denied": (
        f"{_FILE}, and that the synchronization service account may read it"
    ),
    "no-start-file-code-page": (
        "save the input file in the code page configured in the management agent, or change "
        "the configured code page"
    ),
    "no-start-file-not-found": f"{_FILE}: the file must be there when the step starts",
    "no-start-file-open": f"{_FILE}: it must exist and be readable",
    "no-start-file-sharing-violation": (
        "wait for the process that holds the input file to release it, then run the profile again"
    ),
    "no-start-full-import-required": "run a full import, then the delta import",
    "no-start-header-row-mismatch": (
        "make the file's header row match the attributes defined in the management agent"
    ),
    "no-start-ma": _UNKNOWN,
    "no-start-ma-working-directory": (
        "check that the management agent's working directory exists, or that the service "
        "account may create it"
    ),
    "no-start-no-domain-controller": (
        "check that a domain controller of the domain is reachable from the synchronization "
        "server (name resolution, network, ports)"
    ),
    "no-start-no-partition-delete": (
        "remove the deleted partition from the management agent and its run profiles"
    ),
    "no-start-partition-not-configured": (
        "select the partition in the management agent, or remove the step from the profile"
    ),
    "no-start-partition-rename": (
        "refresh the partitions of the management agent and select the renamed one"
    ),
    "no-start-server": _UNKNOWN,
    "no-start-no-steps-in-profile": (
        "remove the step of the deleted partition from the run profile, or add a step for an "
        "existing partition"
    ),
    "no-start-file-contains-incorrect-step-type": (
        "give the step a drop file made for its step type"
    ),
    "stopped-bad-ma-configuration": (
        "open the management agent's configuration, correct what is invalid, and run the "
        "profile again"
    ),
    "stopped-change-log-out-of-order": (
        "run a full import to read the data source again instead of its change log"
    ),
    "stopped-code-page-conversion": (
        "check the code page configured in the management agent against the data source's"
    ),
    "stopped-connectivity": f"{_CONNECT}; then run the profile again",
    "stopped-database-connection-lost": (
        "check that the synchronization service's database server is up and reachable, then run "
        "the profile again"
    ),
    "stopped-database-disk-full": (
        "free or add space for the synchronization service's database, then run the profile again"
    ),
    "stopped-deadlocked": (
        "run the profile again; schedule the profiles that deadlocked so they do not run at "
        "the same time"
    ),
    "stopped-disk-full": f"{_DISK} of the synchronization server, then run the profile again",
    "stopped-error-limit": (
        "look at the step's errors, correct their common cause, and run the profile again"
    ),
    "stopped-export-write": (
        "check the connectivity of the management agent and that its account may write to "
        "the data source; the connection log's incident names the error"
    ),
    "stopped-extension-dll-access": (
        "let the synchronization service account read the Extensions folder and the "
        "assemblies in it"
    ),
    "stopped-extension-dll-ambiguous": (
        "make only one class of the rules extension implement each rule interface"
    ),
    "stopped-extension-dll-exception": (
        "look at the exception in the server's event log and correct the rules extension's "
        "initialization"
    ),
    "stopped-extension-dll-file-not-found": (
        f"{_DLL}: it must have the name configured for the management agent"
    ),
    "stopped-extension-dll-instantiation": (
        "look at the exception in the server's event log and correct the rules extension's "
        "constructor"
    ),
    "stopped-extension-dll-invalid-assembly": (
        f"{_DLL}: rebuild it as a .NET assembly and copy it there again"
    ),
    "stopped-extension-dll-load": (
        f"{_DLL}: it must be there, readable and a complete .NET assembly"
    ),
    "stopped-extension-dll-missing-dependency": (
        f"{_DLL}: copy every assembly it depends on next to it"
    ),
    "stopped-extension-dll-no-implementation": (
        "make a class of the rules extension implement the interface the step needs"
    ),
    "stopped-extension-dll-not-configured-for-ma": (
        "configure the management agent with its own rules extension assembly"
    ),
    "stopped-extension-dll-not-configured-for-mv": (
        "configure the metaverse rules extension with a metaverse rules assembly"
    ),
    "stopped-extension-dll-updated-version": (
        "run the profile again once the Extensions folder is no longer being changed"
    ),
    "stopped-file-embedded-nulls": "remove the NUL characters from the input file",
    "stopped-import-read": (
        "check the connectivity of the management agent and that its account may read the "
        "data source; the connection log's incident names the error"
    ),
    "stopped-ma": _UNKNOWN,
    "stopped-object-limit": (
        "check why so many objects changed; if the change is intended, raise the management "
        "agent's object limit and run the profile again"
    ),
    "stopped-out-of-memory": (
        "free memory on the synchronization server or add memory, then run the profile again"
    ),
    "stopped-parsing-errors": (
        "correct the input file or change log where it cannot be parsed, then run the profile again"
    ),
    "stopped-server": _UNKNOWN,
    "stopped-service-shutdown": (
        "start the synchronization service, find out why it stopped, and run the profile again"
    ),
    "stopped-user-termination-from-extension": (
        "look at the error the rules extension signalled, correct its cause, and run the "
        "profile again"
    ),
    "stopped-user-termination-from-wmi-or-ui": (
        "find out who stopped the run and why, then run the profile again"
    ),
    "stopped-file-error": f"{_FILE}, then run the profile again",
    # -- GetServerStatus -----------------------------------------------------------------
    "success-low-security": ("configure the link to the data source to use stronger encryption"),
    "success-password-sync-disabled": (
        "enable password synchronization for the management agent if it should synchronize "
        "passwords"
    ),
    "incorrect-partition-id-format": "pass the partition's identifier as a GUID",
    "ma-credentials-failure": (
        "check the account and password stored in the management agent, and that the account "
        "is not locked or expired in the data source"
    ),
    "ma-feature-not-supported": (
        "set the password another way: this type of management agent cannot change it"
    ),
    "partition-not-configured": "select the partition in the management agent, or pass another",
    "server-down": (
        "check that the data source is up and reachable from the synchronization server"
    ),
    "unknown-partition-id": "pass the GUID of one of the management agent's partitions",
}
"""The "what to do" text of every status an administrator can act on, by value."""
