#!/usr/bin/env python3
"""Writes pushsh's man page (roff, section 1) from `pushsh --experimental-dump-help`,
swift-argument-parser's description of every command, option and help text, so
the page says exactly what --help says. scripts/install runs:

    pushsh --experimental-dump-help | python3 scripts/manual.py > pushsh.1
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


def main():
    tool = json.load(sys.stdin)["command"]
    version = next((line for line in [tool.get("version", "")] if line), "pushsh")
    date = datetime.date.today().isoformat()
    name = tool["commandName"]
    page = [f'.TH {name.upper()} 1 "{date}" "{roff(version)}" "User Commands"',
            ".SH NAME", f"{name} \\- {roff(tool.get('abstract', ''))}",
            ".SH SYNOPSIS", f"\\fB{name}\\fR [\\fIoptions\\fR] [\\fIFILE.push\\fR]"]
    for sub in tool.get("subcommands", []):
        if sub["commandName"] != "help":
            page.append(f".br\n\\fB{name} {sub['commandName']}\\fR [\\fIoptions\\fR]")
    page += [".SH DESCRIPTION"] + discussion(tool.get("discussion"))
    page += [".SH OPTIONS"] + options(tool)
    page.append(".SH COMMANDS")
    for sub in tool.get("subcommands", []):
        if sub["commandName"] == "help":
            continue
        page += [".SS " + f"{name} {sub['commandName']}", roff(sub.get("abstract", ""))]
        page += discussion(sub.get("discussion")) if sub.get("discussion") else []
        page += options(sub)
    page += [".SH EXIT STATUS", ".nf",
             "0  success", "1  usage error: bad command line, or the script file cannot be read",
             "2  the script does not parse, or pushsh check found errors",
             "3  runtime or transport error", "4  an expect did not hold",
             "5  a wait timed out, or its target state became unreachable",
             "6  the API refused a request (HTTP 4xx)", "7  the service kept failing (HTTP 5xx after retries)", ".fi",
             ".SH ENVIRONMENT", ".TP", "\\fBSPRINTO_API_KEY\\fR, \\fBSPRINTO_INTEGRATION_ID\\fR",
             "The integration to talk to; without them commands go to the built-in sandbox. The key is never printed.",
             ".TP", "\\fBSPRINTO_REGION\\fR, \\fBSPRINTO_BASE_URL\\fR", "Where the service is (us, in, eu; or a URL).",
             ".TP", "\\fBNO_COLOR\\fR", "No colour in any output.",
             ".TP", "\\fBPUSHSH_HISTORY\\fR", "The shell's history file (default ~/.pushsh_history).",
             ".SH SEE ALSO", "The README and docs/ of the pushsh repository: language.md, editors.md, ci.md, sandbox.md."]
    print("\n".join(page))


if __name__ == "__main__":
    main()
