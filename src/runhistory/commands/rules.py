"""``runhistory rules``: the rule catalog (every code validate can report).

``runhistory rules`` lists every code; ``rules R5`` the codes of a prefix; ``rules R503``
explains one code fully, as ``ruff rule`` does: its section and the spec's sentence, what it
checks and what it leaves alone, a bad and a good example, and how to fix a finding.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from runhistory.exitcode import ExitCode

if TYPE_CHECKING:
    from runhistory.catalog import RuleInfo

ORDER = 70
WIDTH = 88


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "rules",
        help="list every rule code, or explain one (runhistory rules D003)",
        description="Without CODE, list every rule code with its kind, section, severities and "
        "summary. A whole code (D003) is explained fully: the spec's sentence, what it checks "
        "and does not, examples and how to fix a finding. A prefix (R5) or ALL lists codes.",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (default), json (every field, fix and examples included) or markdown "
        "(the table of docs/rules.md)",
    )
    p.add_argument(
        "codes",
        nargs="*",
        metavar="CODE",
        help="a code to explain (D003), or a prefix (R5) or ALL to list",
    )
    p.set_defaults(func=run)


def _wrapped(text: str, indent: str = "  ") -> list[str]:
    """``text`` wrapped at :data:`WIDTH`; a line of it that starts with four blanks (a
    command to copy) is kept whole."""
    out: list[str] = []
    for para in text.split("\n"):
        if para.startswith("    "):
            out.append(indent + para)
            continue
        out += textwrap.wrap(
            para, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
        )
    return out or [""]


def _block(text: str, indent: str = "    ") -> list[str]:
    return [indent + line if line else "" for line in text.strip("\n").splitlines()]


def explain(info: RuleInfo) -> str:
    """The whole of what the catalog knows of one code, for a person."""
    from runhistory.catalog import PROFILES

    sev = ", ".join(f"{p}: {info.severity(p) or 'off (runs when selected)'}" for p in PROFILES)
    where = f"§{info.section}" if info.section != "n/a" else "no section (the tool's own)"
    out = [f"{info.code}: {info.summary}", ""]
    out += [f"  section     {where}", f"  kind        {info.kind}", f"  severity    {sev}"]
    if info.elements:
        out.append(f"  applies to  {', '.join(info.elements)}")
    if info.fatal:
        out.append("  fatal       the document could not be read: cannot be ignored")
    if info.quote:
        out += ["", "What the spec says:", *_wrapped(f"“{info.quote}”")]
    if info.notes:
        out += ["", "What it checks, and what it does not:", *_wrapped(info.notes)]
    if info.implies:
        also = ", ".join(info.implies)
        out += ["", *_wrapped(f"A document broken this way also triggers {also}.")]
    if info.bad:
        out += ["", "Reported:", *_block(info.bad)]
    if info.good:
        out += ["", "Put right:", *_block(info.good)]
    if info.fix:
        out += ["", "How to fix:", *_wrapped(info.fix)]
    return "\n".join(out) + "\n"


def _row(info: RuleInfo) -> str:
    from runhistory.catalog import PROFILES

    sev = " ".join(f"{p}={info.severity(p) or 'off'}" for p in PROFILES)
    row = f"{info.code}  {info.kind:<8} §{info.section:<12} {sev:<30} {info.summary}"
    if info.notes:
        row += "\n" + "\n".join(_wrapped(info.notes, " " * 6))
    return row


def _data(info: RuleInfo) -> dict[str, Any]:
    from runhistory.rules.catalog_doc import catalog_data

    (data,) = catalog_data([info])
    data.update(fix=info.fix, bad=info.bad, good=info.good)
    return data


def _unknown(arg: str, codes: list[str]) -> str:
    close = difflib.get_close_matches(arg, codes, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]}?" if close else "; 'runhistory rules' lists every code"
    return f"runhistory rules: '{arg}' is no rule code or prefix{hint}\n"


def _chosen(args: list[str]) -> tuple[list[RuleInfo], bool] | str:
    """The codes the arguments name, and whether to explain them (each argument a whole
    code) rather than list them; or the usage error."""
    from runhistory.catalog import CATALOG

    codes = sorted(CATALOG)
    wanted = [a.strip().upper() for a in args if a.strip()]
    for arg in wanted:
        if arg != "ALL" and not any(c.startswith(arg) for c in codes):
            return _unknown(arg, codes)
    if not wanted or "ALL" in wanted:
        return [CATALOG[c] for c in codes], False
    explain_them = all(a in CATALOG for a in wanted)
    return [CATALOG[c] for c in codes if any(c.startswith(a) for a in wanted)], explain_them


def run(args: argparse.Namespace) -> int:
    from runhistory.rules import RULES  # noqa: F401  (registers the prose rules)
    from runhistory.rules.catalog_doc import render_markdown

    chosen = _chosen(args.codes)
    if isinstance(chosen, str):
        sys.stderr.write(chosen)
        return ExitCode.USAGE
    infos, explaining = chosen
    if args.format == "json":
        json.dump([_data(i) for i in infos], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(infos))
    elif explaining:
        sys.stdout.write("\n".join(explain(i) for i in infos))
    else:
        for i in infos:
            sys.stdout.write(_row(i) + "\n")
    return ExitCode.OK
