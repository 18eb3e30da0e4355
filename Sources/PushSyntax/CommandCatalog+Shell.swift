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
                Prints the values separated by spaces, then a line break. Strings print
                without quotes; objects and arrays print as JSON. Separate values with
                spaces or commas. With 'set output json' each value is printed as JSON.
                """),
        CommandHelp(
            name: "set", area: .shell,
            summary: "change how the script runs",
            syntax: """
                set on_error stop|continue
                set output text|json
                set page_size N
                set retries N
                set retry_for DURATION
                """,
            example: """
                set on_error continue
                set output json
                """,
            details: """
                on_error   stop (the default) ends a script at its first failed statement;
                           continue reports the failure and goes on with the next one.
                output     text (the default) prints tables for people; json prints one
                           JSON object per command result, for machines.
                page_size  records per page when pushing from a file, 1 to 200 (100).
                retries    how many times a request that got 429 or a 5xx is retried,
                           0 to 10.
                retry_for  how long to keep retrying one request, as a duration.
                """,
            followingWords: SettingName.allCases.map(\.rawValue) + OnErrorMode.allCases.map(\.rawValue)
                + OutputMode.allCases.map(\.rawValue)),
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
                These commands work only while connected to the sandbox ('connect
                sandbox', the default); elsewhere they are an error.

                advance     moves the sandbox clock forward, so expiry (after an hour
                            without requests) and processing happen without waiting.
                fail next   makes the next N processing runs fail (1 by default). A run
                            that fails is retried once, so 'fail next 2' ends in 'failed'.
                processing  sets how long processing takes.
                rate-limit  answers 429 (with Retry-After) after N requests a minute.
                records     gives the records the service now holds for an entity type:
                            what applied sessions have written.
                reset       starts again from an empty sandbox.
                faults      sets a plan of injected faults (an object), or turns them off.
                """,
            followingWords: [
                "advance", "fail", "next", "processing", "rate-limit", "records", "reset", "faults", "off",
            ],
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
                expressions, durations, exit-codes.
                """),
        CommandHelp(
            name: "save", area: .shell,
            summary: "save the statements typed at the prompt as a .push script",
            syntax: "save PATH",
            example: """
                save "nightly.push"
                """,
            details: """
                Writes the statements you typed in this shell session that ran without
                error to a file, so the same steps can be replayed with 'pushsh FILE'.
                API keys typed at the prompt are not written.
                """),
        CommandHelp(
            name: "learn", area: .shell,
            summary: "a guided tour of the push API on the sandbox",
            syntax: "learn [TOPIC]",
            example: "learn",
            details: """
                Walks through the push flow step by step on the built-in sandbox: start
                a session, push records, see a page rejected, close, wait, and read the
                activity log. Each step shows the command to type.
                """),
    ]
}
