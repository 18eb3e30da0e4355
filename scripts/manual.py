#!/usr/bin/env python3
"""Writes pushsh's man page (roff, section 1) from `pushsh --experimental-dump-help`,
swift-argument-parser's description of every command, option and help text, so
the page says exactly what --help says. scripts/install runs:

    pushsh -c 'help exit-codes' > exit-codes.txt
    pushsh --experimental-dump-help | python3 scripts/manual.py exit-codes.txt > pushsh.1

EXIT STATUS is the table of `help exit-codes` (the meanings of pushsh's
ExitCode, its one source); without that file, the one-line summary of --help.
"""
import datetime
import json
import sys


def roff(text):
    """Text safe for roff: backslashes doubled, no line starting with . or '."""
    text = (text or "").replace("\\", "\\e")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def names(argument):
    out = []
    for name in argument.get("names", []):
        dash = "--" if name["kind"] == "long" else "-"
        out.append(f"\\fB{dash}{roff(name['name'])}\\fR")
    return ", ".join(out)


def options(command):
    lines = []
    for argument in command.get("arguments", []):
        if not argument.get("shouldDisplay", True):
            continue
        value = argument.get("valueName")
        if argument["kind"] == "positional":
            head = f"\\fI{roff(value or 'value')}\\fR" + ("..." if argument.get("isRepeating") else "")
        else:
            head = names(argument)
            if argument["kind"] == "option":
                head += f" \\fI{roff(value or 'value')}\\fR"
        lines += [".TP", head, roff(argument.get("abstract", ""))]
        if argument.get("discussion"):
            lines += [".br", roff(argument["discussion"])]
        if argument.get("defaultValue") not in (None, ""):
            lines += [".br", f"(default: {roff(str(argument['defaultValue']))})"]
    return lines


def discussion(text):
    """A discussion: its indented lines (tables, examples) kept as they are."""
    lines = []
    for paragraph in (text or "").split("\n\n"):
        if any(line.startswith(" ") for line in paragraph.split("\n")) or "  " in paragraph:
            lines += [".PP", ".nf", roff(paragraph), ".fi"]
        else:
            lines += [".PP", roff(paragraph)]
    return lines


def exit_status(discussion_text, table_file):
    """The exit codes, from `help exit-codes` when given, else from --help's summary."""
    if table_file:
        with open(table_file, encoding="utf-8") as f:
            paragraphs = f.read().strip("\n").split("\n\n")
        # The topic's title line, then the table: its first paragraph made only of code rows.
        table = next((p for p in paragraphs if p[:1].isdigit()), None)
        if table:
            return [".nf", roff(table), ".fi"]
    summary = next((p for p in (discussion_text or "").split("\n\n") if p.startswith("Exit codes:")), "")
    return [".PP", roff(summary.replace("\n", " "))]


def main():
    tool = json.load(sys.stdin)["command"]
    table_file = sys.argv[1] if len(sys.argv) > 1 else None
    version = next((line for line in [tool.get("version", "")] if line), "pushsh")
    date = datetime.date.today().isoformat()
    name = tool["commandName"]
    page = [f'.TH {name.upper()} 1 "{date}" "{roff(version)}" "User Commands"',
            ".SH NAME", f"{name} \\- {roff(tool.get('abstract', ''))}",
            ".SH SYNOPSIS", f"\\fB{name}\\fR [\\fIoptions\\fR] [\\fIFILE.push\\fR]"]
    for sub in tool.get("subcommands", []):
        if sub["commandName"] != "help":
            page.append(f".br\n\\fB{name} {sub['commandName']}\\fR [\\fIoptions\\fR]")
    # The exit-code summary goes to EXIT STATUS, not twice.
    described = "\n\n".join(p for p in (tool.get("discussion") or "").split("\n\n") if not p.startswith("Exit codes:"))
    page += [".SH DESCRIPTION"] + discussion(described)
    page += [".SH OPTIONS"] + options(tool)
    page.append(".SH COMMANDS")
    for sub in tool.get("subcommands", []):
        if sub["commandName"] == "help":
            continue
        page += [".SS " + f"{name} {sub['commandName']}", roff(sub.get("abstract", ""))]
        page += discussion(sub.get("discussion")) if sub.get("discussion") else []
        page += options(sub)
    page += [".SH EXIT STATUS"] + exit_status(tool.get("discussion"), table_file)
    page += [".SH ENVIRONMENT", ".TP", "\\fBSPRINTO_API_KEY\\fR, \\fBSPRINTO_INTEGRATION_ID\\fR",
             "The integration to talk to; without them commands go to the built-in sandbox. The key is never printed.",
             ".TP", "\\fBSPRINTO_REGION\\fR, \\fBSPRINTO_BASE_URL\\fR", "Where the service is (us, in, eu; or a URL).",
             ".TP", "\\fBNO_COLOR\\fR", "No colour in any output.",
             ".TP", "\\fBPUSHSH_HISTORY\\fR", "The shell's history file (default ~/.pushsh_history).",
             ".SH SEE ALSO", "The README and docs/ of the pushsh repository: language.md, editors.md, ci.md, sandbox.md."]
    print("\n".join(page))


if __name__ == "__main__":
    main()
