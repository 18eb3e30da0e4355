/// Help for the data commands: push, integration, activity.
extension CommandCatalog {
    static let dataCommands: [CommandHelp] = [
        CommandHelp(
            name: "push", area: .data,
            summary: "send records of one entity type to an active session",
            syntax: """
                push SESSION TYPE RECORDS
                push SESSION TYPE from PATH [format jsonl|json|csv] [skip N]
                                            [map FIELD to NAME]... [mapping OBJECT]
                """,
            example: """
                push s User [{"employeeId": "E1", "firstName": "Ada", "lastName": "Lovelace",
                              "workEmail": "ada@example.com", "employmentType": "EMPLOYEE",
                              "employmentStartDate": "2022-01-15T09:00:00Z"}]
                let r = push s User from "employees.jsonl"
                print r.accepted_count_total, "accepted,", r.rejected_count_total, "rejected"
                """,
            details: """
                TYPE is the entity type, such as User, written as a word or a string.
                RECORDS is a JSON array of objects or a single object; it may span lines
                while a bracket or brace is open.

                'from PATH' reads the records from a file instead: a JSON array, JSON
                Lines (one object per line) or CSV with a header row. The format comes
                from the file name (.json, .jsonl, .csv) unless 'format' says otherwise.
                A relative path is taken from the script's folder. 'skip N' skips the
                first N records; 'map FIELD to NAME' renames a field (or CSV column) of
                the file, and 'mapping {...}' gives several renames at once. Records are
                sent in pages of 100 (see 'set page_size').

                The service checks every page: if any record in a page is invalid, the
                whole page is rejected and nothing from it is staged. The result holds
                the number of pages sent (pages), the accepted and rejected counts
                (accepted_count_total, rejected_count_total) and the validation errors
                (validation_errors, each with entity_type, index, field and issue), so
                r.validation_errors[0].field names the first bad field.
                """,
            followingWords: ["from", "format", "skip", "map", "to", "mapping"] + PushFormat.allCases.map(\.rawValue),
            producesValue: true),
        CommandHelp(
            name: "integration", area: .data,
            summary: "show how many sessions the integration has in each state",
            syntax: "integration",
            example: """
                let counts = integration
                expect counts.sessions.active == 0 else "a session is still open"
                """,
            details: """
                Shows the integration's session counts: active, processing, processed,
                failed and expired, and when it last saw activity (last_activity_at).
                Useful before 'start', to see whether another session is still active.
                """,
            producesValue: true),
        CommandHelp(
            name: "activity", area: .data,
            summary: "show the integration's activity log",
            syntax: "activity [since DURATION|TIMESTAMP] [page N] [size N]",
            example: """
                activity since 1h
                let log = activity since "2025-10-31T00:00:00Z" page 2 size 100
                for event in log.items
                  print event.at, event.type, event.message
                end
                """,
            details: """
                Lists events such as session_created, batch_accepted, batch_rejected,
                session_closed, processing_started, session_processed and
                session_failed, newest first, each with its time, level (info, warning,
                error), type, message and session id.

                'since' takes a duration (events of the last hour: since 1h) or an
                ISO 8601 timestamp. 'page' counts from 1; 'size' is 1 to 200 events per
                page (50 by default). The result's next_page is null on the last page.
                """,
            followingWords: ["since", "page", "size"], producesValue: true),
    ]
}
