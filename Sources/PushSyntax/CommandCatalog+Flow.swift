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
                replaces its value. There is one scope: names defined inside if, for
                or an included file stay defined afterwards.

                The commands that give a value are start, status, close and wait (the
                session), push (its result), integration, activity and 'sandbox
                records'; other sandbox commands give none. A command that fails
                assigns nothing. '--var NAME=VALUE' on the command line defines names
                before the script starts, and every push also sets last_push.
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
                if last_push.rejected > 0
                  let e = last_push.validation_errors[0]
                  print "first problem:", e.field, e.issue
                else
                  close s apply
                end
                """,
            details: """
                The condition is usually a comparison such as s.state == "processed".
                Combine conditions with and, or and not. Any value may stand as a
                condition: false, null, 0, "", [] and {} count as false, everything
                else as true. 'else if' may repeat; 'else' comes last; 'end' closes
                the block.
                """,
            followingWords: ["else", "if", "end"]),
        CommandHelp(
            name: "for", area: .flow,
            summary: "run statements once for each element of an array or key of an object",
            syntax: """
                for NAME in LIST
                  STATEMENTS
                end
                """,
            example: """
                for e in last_push.validation_errors
                  print "record ${e.index}: ${e.field} ${e.issue}"
                end
                for type in s.accepted_records_by_entity
                  print type, s.accepted_records_by_entity[type]
                end
                """,
            details: """
                NAME takes each element of the array LIST in turn. Over an object, NAME
                takes each key (a string), in order. Anything else is an error. NAME
                stays defined after the loop, holding the last element.
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
                Checks the condition and goes on when it holds (see 'help values' for
                what counts as true). When it does not, the script stops with exit
                code 4 and prints the message (or "expectation failed" when there is
                none) with a caret under the condition; for a comparison it also
                prints both sides' values (left: and right:). With 'set on_error
                continue' the failure is reported and the script goes on.
                """,
            followingWords: ["else"]),
        CommandHelp(
            name: "sleep", area: .flow,
            summary: "pause for a while",
            syntax: "sleep DURATION",
            example: "sleep 30s",
            details: """
                Waits for the given duration: 500ms, 30s, 5m, 1h. To wait for a session
                to change state use 'wait' instead, which stops as soon as it can.

                On the built-in sandbox nothing really waits: sleep moves the sandbox
                clock forward by the duration (as 'sandbox advance' does), so expiry
                and processing that fall due in that time happen at once.
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
                folder of the file that includes it, and so are the paths written in
                the included file. A file that includes itself (directly or not) is
                refused, and includes nest at most 16 deep. 'pushsh check' checks
                included files too, and reports a file that does not exist.
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
                Stops at once with the exit code given (0 to 255), or 0. This is also
                how a script that used 'set on_error continue' chooses its status: it
                otherwise exits with the code of its first failure. At the prompt it
                leaves the shell. See 'help exit-codes' for what each code means.
                """),
        CommandHelp(
            name: "quit", area: .flow,
            summary: "the same as exit",
            syntax: "quit [CODE]",
            example: "quit",
            details: """
                Another word for 'exit', for those who reach for it at the prompt:
                it stops the script, or leaves the shell, with the code given or 0.
                """),
    ]
}
