"""The rule catalog: every code ``validate`` can report, with its section, kind and severities.

Input codes (``D``) and XSD codes (``S``) are declared here; the prose rules (``R``, ``I``,
``L``, ``P``) declare themselves with :func:`runhistory.rules.engine.rule`.  ``runhistory rules``
and ``docs/rules.md`` are generated from this registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from runhistory._examples import EXAMPLES
from runhistory.findings import Severity
from runhistory.sections import NO_SECTION

PROFILES = ("strict", "product")


class Kind(StrEnum):
    INPUT = "input"  # decoding and well-formedness
    XSD = "xsd"  # a violation of the normative schema
    SPEC = "spec"  # a literal MUST / MUST NOT / "if and only if" of the prose
    INFERRED = "inferred"  # what the prose implies but cannot state mechanically
    LINT = "lint"  # consistency beyond the spec
    PRODUCT = "product"  # a known departure of real product output from the spec
    TOOL = "tool"  # the tool's own markup and settings (suppressions, expectations), not the spec


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What the catalog knows of one code."""

    code: str
    section: str
    kind: Kind
    summary: str
    # Severity per profile; ``None`` means off unless selected.
    severities: Mapping[str, Severity | None]
    elements: tuple[str, ...] = ()
    # Codes a broken document for this rule cannot avoid also triggering.
    implies: tuple[str, ...] = ()
    fatal: bool = False  # the document could not be read: cannot be disabled
    notes: str = ""
    # The spec's own sentence that the code enforces, quoted from its section.
    quote: str = ""
    # What an administrator does about a finding of this code.
    fix: str = ""
    # A minimal fragment that this code reports, and the same fragment put right.
    bad: str = ""
    good: str = ""

    def severity(self, profile: str) -> Severity | None:
        return self.severities.get(profile)


CATALOG: dict[str, RuleInfo] = {}


def register(info: RuleInfo) -> RuleInfo:
    """Add ``info`` to the catalog, with its examples from its break unless it has its own."""
    if info.code in CATALOG:
        raise ValueError(f"duplicate rule code {info.code}")
    if not info.bad and info.code in EXAMPLES:
        bad, good = EXAMPLES[info.code]
        info = replace(info, bad=bad, good=good)
    CATALOG[info.code] = info
    return info


def _same(sev: Severity | None) -> dict[str, Severity | None]:
    return dict.fromkeys(PROFILES, sev)


def declare(
    code: str,
    section: str,
    kind: Kind,
    summary: str,
    severity: Severity | Mapping[str, Severity | None] | None = Severity.ERROR,
    **extra: object,
) -> RuleInfo:
    sev = dict(severity) if isinstance(severity, Mapping) else _same(severity)
    return register(RuleInfo(code, section, kind, summary, sev, **extra))  # type: ignore[arg-type]


_E, _W = Severity.ERROR, Severity.WARNING

# The sentences of 2.2.1 the input and XSD codes enforce.
CONFORM = "The Run Detail MUST conform to the following XML Schema ([XMLSCHEMA1]) definition:"

# -- input: decoding and well-formedness ------------------------------------------------------
declare(
    "D001",
    "2.2.1",
    Kind.INPUT,
    "the document is not well-formed XML",
    fatal=True,
    quote=CONFORM,
    fix=(
        "Open the file at the line and column given and repair the markup there "
        "(an unclosed or mismatched tag, a stray '<' or '&'). A capture cut short"
        " (a full disk, an interrupted copy) is best captured again."
    ),
)
declare(
    "D002",
    "2.2.1",
    Kind.INPUT,
    "the document is empty",
    fatal=True,
    quote=CONFORM,
    fix=(
        "Capture the run again: RunDetails() returned nothing or the output was "
        "not saved. Check that the management agent and run number exist and that"
        " the script writes ReturnValue to the file."
    ),
)
declare(
    "D003",
    "2.2.1",
    Kind.INPUT,
    "the declared encoding disagrees with the bytes (such as utf-16 on UTF-8 content)",
    {"strict": _E, "product": _W},
    quote=CONFORM,
    notes="RunDetails() returns a string whose declaration says utf-16. Windows PowerShell 5.1's "
    "Out-File (and '>') writes UTF-16, which matches; PowerShell 7 writes UTF-8 by default, "
    "Windows PowerShell 5.1's Set-Content writes the ANSI code page, and an editor or script "
    "the string is pasted into usually saves UTF-8: the declaration then lies. The bytes decide "
    "and the mismatch is reported. `Out-File -Encoding unicode` saves a capture that agrees "
    "with its declaration in both PowerShell versions."
    " The same holds for any declaration the bytes contradict: utf-16 or utf-32 or an EBCDIC "
    "code page on ASCII-compatible bytes, utf-8 or the other byte order on a UTF-16 or UTF-32 "
    "byte-order mark, an 8-bit code page after a UTF-8 byte-order mark. On ASCII-compatible "
    "bytes without a byte-order mark, an ASCII-compatible declaration (ISO-8859-1, "
    "windows-1252, Shift_JIS ...) decides how the document is read, as it does for libxml2.",
    fix=(
        "Save the capture with the encoding it declares. In Windows PowerShell 5.1, on the "
        "synchronization server:\n"
        "    $ma = Get-WmiObject -Namespace root/MicrosoftIdentityIntegrationServer "
        "-Class MIIS_ManagementAgent -Filter \"Name='MA name'\"\n"
        "    $ma.RunDetails().ReturnValue | Out-File -Encoding unicode capture.xml\n"
        "Out-File -Encoding unicode writes UTF-16, as the declaration says, in PowerShell 7 too. "
        "For a capture already saved, 'runhistory validate --fix capture.xml' rewrites only "
        "the declaration to name the encoding of the bytes ('--diff' shows the change first)."
    ),
)
declare(
    "D008",
    "2.2.1",
    Kind.INPUT,
    "the declared encoding is not one that is read (an unknown name, or UTF-7)",
    quote=CONFORM,
    notes="A name that neither libxml2 nor Python knows as a text encoding, or UTF-7 (refused "
    "because it can encode markup that other readers do not see as markup). The bytes decide "
    "how the document is read, as for D003; unlike D003 this is not a known departure of "
    "product output, so it is an error in every profile.",
    fix=(
        "Declare an encoding that matches the bytes (utf-8 or utf-16), or save "
        "the capture again as PowerShell's Out-File writes it; a UTF-7 document "
        "must be converted to UTF-8 first."
    ),
)
declare(
    "D004",
    NO_SECTION,
    Kind.INPUT,
    "the document has a DOCTYPE or entity declarations (not loaded, not expanded)",
    notes="No sentence of the spec forbids a DOCTYPE: the tool refuses to load or expand one "
    "(external entities and entity expansion are attack surfaces), so the document it checks "
    "may differ from the one written.",
    fix=(
        "Remove the DOCTYPE and any entity declarations: run history never has "
        "one. If a tool added it, capture the run again without that tool."
    ),
)
declare(
    "D005",
    "2.2.1",
    Kind.INPUT,
    "the root element is not run-history",
    fatal=True,
    quote="This section defines a Run Detail run-history element used to describe the details "
    "of a profile run.",
    fix=(
        "Check that the file is a RunDetails() capture: its root element must be "
        "<run-history>. Another MIIS method's output (a run profile, a connector "
        "space export) is not checked by this tool."
    ),
)
declare(
    "D006",
    NO_SECTION,
    Kind.INPUT,
    "the document exceeds a size or safety limit",
    fatal=True,
    notes="A limit of the tool (size, depth, attribute count), not of the spec.",
    fix=(
        "If the document is genuine, raise --max-bytes (for example --max-bytes "
        "4G) or use --mode stream; a document nested deeper than 256 levels or "
        "with a text node over 10,000,000 characters is not a capture, so find "
        "out where it came from."
    ),
)
declare(
    "D007",
    "2.2.1",
    Kind.INPUT,
    "the input is not an XML document (binary or text)",
    fatal=True,
    quote=CONFORM,
    fix=(
        "Check the file: it is not XML (a binary file, a log, or a capture "
        "compressed or encrypted). Decompress it or capture the run again."
    ),
)

# -- XSD: one code per failure kind ------------------------------------------------------------
declare(
    "S101",
    "2.2.1",
    Kind.XSD,
    "an element that the schema does not allow here",
    quote=CONFORM,
    fix=(
        "Remove the element, or move it where the schema allows it; the message "
        "names what the parent may hold. In product output (several run-details, "
        "FIM-era counters) use --profile product."
    ),
)
declare(
    "S102",
    "2.2.1",
    Kind.XSD,
    "a required element is missing",
    quote=CONFORM,
    fix=(
        "Add the missing element in its place; the message names it. A capture "
        "that lacks it was cut or edited."
    ),
)
declare(
    "S103",
    "2.2.1",
    Kind.XSD,
    "a value outside the schema's enumeration",
    quote=CONFORM,
    fix=(
        "Use one of the values the schema lists (the message names the nearest); "
        "SharePoint and FIM-era values are accepted as warnings with --profile "
        "product."
    ),
)
declare(
    "S104",
    "2.2.1",
    Kind.XSD,
    "a value that does not match the schema's pattern",
    quote=CONFORM,
    fix=(
        "Write the value in the form the schema's pattern requires (the message "
        "shows the value; dates are YYYY-MM-DD hh:mm:ss.fff)."
    ),
)
declare(
    "S105",
    "2.2.1",
    Kind.XSD,
    "a value that differs from the schema's fixed value",
    notes="Also the one code for the @detail flags of 2.2.1.1.1.6 to 2.2.1.1.1.9 (true, or false "
    "on stage-no-change and disconnector-remains): the XSD's fixed values express those MUSTs "
    "exactly, so no R7xx rule repeats them; the finding carries the counter's own section.",
    quote=CONFORM,
    fix=(
        "Write the schema's fixed value (for the counters' @detail: true, or "
        "false on stage-no-change and disconnector-remains)."
    ),
)
declare(
    "S106",
    "2.2.1",
    Kind.XSD,
    "a value that is not of the schema's type",
    quote=CONFORM,
    fix=(
        "Write a value of the schema's type (a whole number, a boolean, a date); "
        "the message names the type."
    ),
)
declare(
    "S107",
    "2.2.1",
    Kind.XSD,
    "a number outside the schema's range",
    quote=CONFORM,
    fix="Write a number within the schema's range (the message gives it).",
)
declare(
    "S108",
    "2.2.1",
    Kind.XSD,
    "a required attribute is missing",
    quote=CONFORM,
    fix="Add the missing attribute; the message names it.",
)
declare(
    "S109",
    "2.2.1",
    Kind.XSD,
    "an attribute that the schema does not allow",
    quote=CONFORM,
    fix="Remove the attribute: the schema does not allow it on this element.",
)
declare(
    "S110",
    "2.2.1",
    Kind.XSD,
    "text or child elements where the schema allows neither",
    quote=CONFORM,
    fix=("Remove the text or the child elements: the schema allows this element neither."),
)
declare(
    "S111",
    "2.2.1",
    Kind.XSD,
    "elements out of the order the schema's sequence requires",
    quote=CONFORM,
    fix=(
        "Put the child elements in the order of the schema's sequence (the "
        "message names the expected one)."
    ),
)
declare(
    "S199",
    "2.2.1",
    Kind.XSD,
    "another schema violation (the libxml2 message is kept)",
    quote=CONFORM,
    fix=(
        "Read the libxml2 message kept in the finding and correct the document "
        "against the schema (runhistory schema prints it)."
    ),
)

# -- tool: the tool's own markup in documents (section n/a: no spec section applies) -----------
declare(
    "U001",
    NO_SECTION,
    Kind.TOOL,
    "an inline suppression comment that suppressed nothing (or names no known code)",
    Severity.INFO,
    notes="`<!-- runhistory: ignore CODE[,CODE] -->` suppresses those codes for the element that "
    "follows the comment and its subtree; a code it names that reported nothing there, a code "
    "that does not exist, or a comment with no element after it is reported under this code, "
    "and so is a comment meant as a suppression that is not in that form (a misspelled "
    "marker or directive, such as RUNHISTORY: ignore or runhistory: ignroe), which suppresses "
    "nothing.",
    fix=(
        "Remove the suppression comment, or the codes in it that suppress nothing"
        " there (check their spelling with runhistory rules CODE)."
    ),
)
declare(
    "U002",
    NO_SECTION,
    Kind.TOOL,
    "a code that per-path 'expect' requires of the file was not reported",
    Severity.ERROR,
    notes="For folders of documents broken on purpose: `expect = [CODE, ...]` under "
    '`[tool.runhistory.per-path."GLOB"]` hides those findings in the matching files and '
    "reports this when one of the codes no longer occurs (the document lost its defect).",
    fix=(
        "The document no longer has the defect its per-path 'expect' names: "
        "restore the defect, or take the code out of 'expect' in the "
        "configuration."
    ),
)
