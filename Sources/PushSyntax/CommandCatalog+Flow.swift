/// Help for variables and control flow: let, if, for, expect, sleep, include, exit.
extension CommandCatalog {
    static let flowCommands: [CommandHelp] = [
        CommandHelp(
            name: "let", area: .flow,
            summary: "give a name to a value or to a command's result",
            syntax: """
                let NAME = EXPRESSION
                let NAME = COMMAND
                """,
            example: """
                let s = start
                let ref = "nightly-${today()}"
                let r = push s User from "employees.jsonl"
                """,
            details: """
                Names are letters, digits and '_', and may contain '-' between words
                (rate-limit). A name cannot be a command word (start, status, push, ...)
                or one of and, or, not, true, false, null. 'let' of an existing name
                replaces its value.

                The commands that give a value are start, status, push, close, wait,
                integration, activity and sandbox. '--var NAME=VALUE' on the command line
                defines names before the script starts.
                """,
            followingWords: ["start", "status", "push", "close", "wait", "integration", "activity", "sandbox"]),
        CommandHelp(
            name: "if", area: .flow,
            summary: "run statements only when a condition holds",
            syntax: """
                if CONDITION
                  STATEMENTS
                [else if CONDITION
                  STATEMENTS]...
                [else
                  STATEMENTS]
                end
                """,
            example: """
                if r.rejected_count_total > 0
                  print "first problem:", r.validation_errors[0].field, r.validation_errors[0].issue
                else
                  close s apply
                end
                """,
            details: """
                The condition is an expression that gives true or false, usually a
                comparison such as s.state == "processed". Combine conditions with and,
                or and not. 'else if' may repeat; 'else' comes last.
                """,
            followingWords: ["else", "if", "end"]),
        CommandHelp(
            name: "for", area: .flow,
            summary: "run statements once for each element of an array",
            syntax: """
                for NAME in LIST
                  STATEMENTS
                end
                """,
            example: """
                for e in r.validation_errors
                  print "record ${e.index}: ${e.field} ${e.issue}"
                end
                """,
            details: """
                NAME takes each element of the array LIST in turn (use keys(OBJECT) to
                loop over an object's keys). NAME stays defined after the loop.
                """,
            followingWords: ["in", "end"]),
        CommandHelp(
            name: "expect", area: .flow,
            summary: "stop the script (exit code 4) when a condition does not hold",
            syntax: "expect CONDITION [else MESSAGE]",
            example: """
                expect s.accepted_records_total == 121 else "some rows were not accepted"
                """,
            details: """
                Checks the condition and goes on when it is true. When it is false the
                script stops with exit code 4, printing the message (or the condition
                itself when there is no message) and the values it compared. With
                'set on_error continue' the failure is reported and the script goes on.
                """,
            followingWords: ["else"]),
        CommandHelp(
            name: "sleep", area: .flow,
            summary: "pause for a while",
            syntax: "sleep DURATION",
            example: "sleep 30s",
            details: """
                Waits for the given duration: 500ms, 30s, 5m, 1h. To wait for a session
                to change state use 'wait' instead, which stops as soon as it can. On the
                built-in sandbox, 'sandbox advance' moves the sandbox clock without
                waiting.
                """),
        CommandHelp(
            name: "include", area: .flow,
            summary: "run another .push file here",
            syntax: "include PATH",
            example: """
                include "connect-eu.push"
                """,
            details: """
                Runs the statements of another file as if they were written here: names
                it defines stay defined afterwards. A relative path is taken from the
                folder of the file that includes it. 'pushsh check' checks included
                files too, and reports a file that does not exist.
                """),
        CommandHelp(
            name: "exit", area: .flow,
            summary: "stop the script or leave the shell",
            syntax: "exit [CODE]",
            example: """
                if s.state == "failed"
                  exit 3
                end
                """,
            details: """
                Stops at once with the exit code given (0 to 255), or 0. At the prompt it
                leaves the shell. See 'help exit-codes' for what each code means.
                """),
    ]
}
