/// Help for output, the sandbox controls and the shell's own commands.
extension CommandCatalog {
    static let shellCommands: [CommandHelp] = [
        CommandHelp(
            name: "print", area: .output,
            summary: "print values",
            syntax: "print [EXPRESSION]...",
            example: """
                print "done: ${s.accepted_records_total} records, state ${s.state}"
                print s.id, s.state
                """,
            details: """
                Prints the values separated by spaces, then a line break; with no value,
                an empty line. Strings print without quotes, a session as its id,
                durations in short form (1.5m prints as 90s), null as null, and
                numbers, objects and arrays as compact JSON. Separate values with spaces or commas. With
                'set output json' the line is printed as {"command": "print", "text":
                "..."} instead.

                A bare expression on a line of its own shows its value in full:
                strings quoted, objects and arrays as indented JSON, a session as the
                block 'status' prints (without reading it again).
                """),
        CommandHelp(
            name: "set", area: .shell,
            summary: "change how the script runs",
            syntax: """
                set on_error stop|continue|keep
                set output text|json
                set page_size N
                set page_bytes N
                set progress on|off
                set push_concurrency N
                set retries N
                set retry_for DURATION
                set settle DURATION
                set validation on|off
                set timeout DURATION
                set partial_pages stop|accept
                set csv_quotes strict|lenient
                set csv_trim on|off
                set csv_duplicates refuse|rename
                """,
            example: """
                set on_error continue
                set output json
                """,
            details: """
                on_error   stop (the default) ends a script at its first failed statement;
                           continue reports the failure and goes on with the next one.
                           The script then exits with the code of its first failure,
                           unless it ends with 'exit N'. When a script stops on a
                           failure or is interrupted, it discards the sessions it
                           started and left active, so the integration is not
                           blocked; keep stops the same way but leaves them active,
                           to resume with 'skip N' (also: pushsh --keep-sessions).
                output     text (the default) prints tables for people; json prints one
                           JSON object per command result, for machines; errors,
                           warnings and notes are objects too, one a line on
                           standard error.
                page_size  records per page when pushing, 1 to 200 (100).
                page_bytes the largest request body a page may make, 1024 to
                           50000000 bytes (5000000).
                progress   on (the default) or off: the progress line of a push
                           from a file, on a terminal.
                push_concurrency
                           the most pages of a push from a file in flight at once, 1 to
                           32 (16). The number adapts below it: it grows while answers
                           come back quickly and clean, and halves on a 429, a 5xx or a
                           lost answer. 1 sends one page at a time. Pages sharing an
                           employeeId never travel together; types other than User go
                           one at a time (their natural key is not known).
                retries    caps how many times one request is retried, 0 to 10; by
                           default only retry_for bounds them: after a 429 or a 408
                           (honouring Retry-After), and for reads also after a 502,
                           503, 504 or a lost connection; pages, start and close by
                           the exactly-once rules. Waits grow exponentially, with
                           jitter.
                retry_for  how long to keep retrying one request, as a duration (60s),
                           from its first attempt: enough for a 10 s outage or a
                           1 request/s rate limit.
                           It also caps Retry-After: a service asking for a longer
                           wait ends the retries, and the error says how long it
                           asked for. Waits of a second or more show on a terminal.
                settle     after an unclear answer to a page (a timeout, a reset, a
                           502/503/504, a 2xx that is not JSON), how long the
                           session's counts must stay still before the page counts
                           as not landed and is sent again (5s): a gateway may give
                           up on a page the service stages a moment later. Costs
                           nothing when every answer is clear.
                validation on (the default) checks every User record against the
                           documented rules before the first page is sent; off
                           leaves the checking to the service (for integrations
                           whose rules differ).
                timeout    how long one request may take, as a duration (30s; also
                           --timeout and PUSHSH_TIMEOUT). A timeout before the
                           request went out is safe to retry; after, it is unclear.
                partial_pages
                           what a page the service answers 2xx with rejected
                           records does: stop (the default) ends the run with exit
                           code 6, listing each rejected record's file and line;
                           accept reports them and goes on. Either way last_push
                           counts accepted and rejected records.
                csv_quotes strict (the default) refuses quotes RFC 4180 does not allow, at
                           their line; lenient keeps a stray quote as data
                           (1,"abc"def gives abc"def) and drops spaces after a
                           closing quote, with a warning per row. Neither mode lets
                           a field run into the next row.
                csv_trim   on trims spaces around a CSV header's names (off).
                csv_duplicates  rename turns a repeated CSV column name into name_2;
                           refuse (the default) makes it an error.
                """,
            followingWords: SettingName.allCases.map(\.rawValue) + OnErrorMode.allCases.map(\.rawValue)
                + PartialPagesMode.allCases.map(\.rawValue)
                + OutputMode.allCases.map(\.rawValue) + Switch.allCases.map(\.rawValue)
                + CSVQuotes.allCases.map(\.rawValue) + CSVDuplicates.allCases.map(\.rawValue)),
        CommandHelp(
            name: "sandbox", area: .sandbox,
            summary: "control the built-in sandbox: its clock, failures and rate limit",
            syntax: """
                sandbox advance DURATION
                sandbox fail next [N]
                sandbox processing DURATION
                sandbox rate-limit N|off
                sandbox records TYPE
                sandbox reset
                sandbox faults PLAN|off
                """,
            example: """
                sandbox advance 2h          # the session expires without waiting
                sandbox fail next           # the next processing run fails once
                let users = sandbox records User
                """,
            details: """
                These commands work only on the built-in sandbox (the default, or
                'connect sandbox'); elsewhere, even against 'pushsh serve', they are
                an error. On the sandbox, 'wait' and 'sleep' also move its clock
                instead of really waiting.

                advance     moves the sandbox clock forward, so expiry (after an hour
                            without requests) and processing happen without waiting.
                fail next   makes the next N processing attempts fail (1 by default),
                            replacing any earlier plan. A failed attempt is retried
                            once, so 'fail next 1' still ends 'processed' (retry_count
                            1, last_error set) and 'fail next 2' ends 'failed'.
                processing  sets how long each processing attempt takes (2s at first),
                            for sessions closed from then on.
                rate-limit  allows N requests a second, then answers 429 with
                            Retry-After; 'off' removes the limit.
                records     gives the records the service now holds for an entity type
                            (what applied sessions have written), as an array; this is
                            the only sandbox command with a value.
                reset       forgets every session, event and record, and any planned
                            failures; the processing time and rate limit stay.
                faults      makes requests misbehave on purpose, from a seed:
                            "reset=0.05,error=0.05,throttle=0.05:1s,slow=0.05:2s"
                            (dropped connections, 503s, 429s, late answers); 'off'.
                """,
            followingWords: SandboxSubcommand.names + ["next", "off"],
            producesValue: true),
        CommandHelp(
            name: "help", area: .shell,
            summary: "show help for a command or a topic",
            syntax: "help [COMMAND|TOPIC]",
            example: """
                help
                help push
                help exit-codes
                """,
            details: """
                With no word, lists every command and topic. Topics: values,
                expressions, durations, dates, exit-codes, network, profiles. Any other
                word (help csv) lists the commands and topics that mention it.
                """, looksOnly: true),
        CommandHelp(
            name: "save", area: .shell,
            summary: "save the statements typed at the prompt as a .push script",
            syntax: "save PATH [last N | since last save] [replace]",
            example: """
                save "nightly.push"
                save "jobs/nightly.push" replace
                save "jobs/step2.push" since last save
                save "retry.push" last 3
                """,
            details: """
                Only for the interactive shell: writes the entries you typed in this
                shell session that ran without error (and those that failed after 'set
                on_error continue') to a file, so the same steps can be replayed with
                'pushsh FILE'; its folder is made if missing. 'last N' saves the last N
                of those entries; 'since last save' those after the previous save. Entries that only look at things are
                left out (help, status, integration, activity, sandbox records and
                bare expressions), and so is a 'connect' that a later one replaced
                before anything used it. File paths are rewritten for the saved
                file's own folder (a script reads them from there). The API key is
                never written: a key typed at the prompt (literally, through a
                variable, or built from pieces) becomes env("SPRINTO_API_KEY") with a
                comment saying so, and the lines that held it (and those reading a
                value left out) are left out; env(...), 'key file', 'key prompt'
                and 'connect profile' are kept as they are. A session id typed in quotes
                becomes the variable (or last_session) that held the session; a line
                naming a session the script does not start (a one-off close of an older
                session) is left out as a comment, and a warning lists it.
                Block bodies are indented. An existing file is kept unless you add
                'replace'. PATH is a string in quotes, taken from the current folder.
                In a script, save is an error.
                """, followingWords: ["last", "since", "replace"], looksOnly: true),
        CommandHelp(
            name: "learn", area: .shell,
            summary: "a guided tour of the push API on the sandbox, lesson by lesson",
            syntax: "learn [LESSON]",
            example: """
                learn
                learn lifecycle
                """,
            details: """
                Only for the interactive shell (or 'pushsh learn'). With no word, lists
                the lessons, what each teaches and which you have finished; 'learn
                NAME' starts one on a fresh sandbox of its own, so nothing you had is
                disturbed. Each step says what is about to happen and why, suggests a
                command, lets you type it (or anything else), checks the sandbox's
                real state, and shows the HTTP exchange in short. In a lesson, 'skip',
                'back' and 'quit' steer. Progress is kept across runs. Lessons:
                lifecycle, discard, validation, conflict, expiry, retry, file,
                monitoring, scripts.
                """, looksOnly: true),
        CommandHelp(
            name: "why", area: .shell,
            summary: "show the last error in full: the request, the response, the hint",
            syntax: "why",
            example: """
                push s User from "new-hires.json"     # push failed: the page was rejected
                why
                """,
            details: """
                Errors are kept short where they happen; 'why' shows the last one
                again in full, as psql's \\errverbose does: the message and where it
                happened, every detail line (all the validation problems), the hint,
                and the HTTP exchange that failed: the request line and headers, the
                request body (abbreviated), the response status, headers and body.
                The API key is shown as [redacted]. After an error that involved no
                request (a wrong value, a missing file) it shows the error alone.
                """, looksOnly: true),
    ]
}
