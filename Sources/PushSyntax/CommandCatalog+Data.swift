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
                print r.accepted, "accepted in", r.pages, "pages"
                """,
            details: """
                TYPE is the entity type, such as User, written as a word or a string.
                Entity types are case-sensitive: 'user' for User is an error. A path
                after 'from' is a string: from "data/users.jsonl".
                RECORDS is an array of objects or a single object; it may span lines
                while a bracket or brace is open.

                'from PATH' reads the records from a file instead, streamed (never
                whole in memory): a JSON array, an envelope {"entities": {"User":
                [...]}} (TYPE's array is sent), JSON Lines (one object per line), or
                CSV with a header row (empty cells become null). The format comes
                from the file name (.json, .jsonl, .ndjson, .csv) unless 'format'
                says otherwise. A relative path is taken from the folder of the
                script that names it. Every record is checked before the first page
                is sent: if any is bad, nothing is sent and each problem is listed
                at its file:line. For User that includes the documented rules:
                employeeId, firstName, lastName, workEmail, employmentType and
                employmentStartDate present and not empty, text fields strings,
                workEmail an email address, the dates ISO 8601 date-times ('set
                validation off' leaves this to the service). An employmentType
                other than EMPLOYEE or CONTRACTOR is only a warning: that list is
                the sandbox's, not Sprinto's. A file that holds no records is
                pushed as 0 records, with a warning (use expect on last_push.accepted
                when emptiness is wrong). 'map "Employee ID" to employeeId' renames a field
                on the way in; 'mapping OBJECT' (or a JSON file of one) renames
                several. 'skip N' leaves out the first N records of the file.
                On a terminal a progress line shows records, pages, rate and time
                left ('set progress off' or --quiet hides it).

                Records are sent in order, one page at a time, in pages of at most
                100 records and 5 MB (see 'set page_size', 'set page_bytes'). A page
                whose answer is lost is checked against the session before being
                sent again, so none is staged twice. A
                page is all or nothing: if any record in it is invalid, the service
                rejects the whole page (400) and stages nothing from it. The push then
                stops with exit code 6 (unless 'set on_error continue'), listing each
                problem at the file:line the record came from; when earlier pages
                were accepted, the hint gives the 'skip N' that resumes at the
                rejected page.

                The result has session_id, entity_type, pages (pages accepted),
                accepted, rejected, accepted_by_entity, validation_errors (each with
                entity_type, index, field and issue), bytes, unclear_pages_checked
                and elapsed_ms. It is also kept
                in last_push, which is set even when a page is rejected: after 'set
                on_error continue', last_push.validation_errors[0].field names the
                first bad field. A push that succeeds refreshes the session value.
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
                Reads GET /status and shows the integration's session counts: active,
                processing, processed, failed and expired, and when it last saw
                activity. The value has integration_id, sessions (an object with the
                five counts) and last_activity_at. Useful before 'start', to see
                whether another session is still active.
                """,
            producesValue: true, looksOnly: true),
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
                Reads GET /activity and lists events such as session_created,
                batch_accepted, batch_rejected, session_closed, processing_started,
                session_processed, session_failed and session_expired, newest first,
                as a table of time, level (info, warning, error), event and message.

                'since' takes a duration (events of the last hour: since 1h; on the
                sandbox, counted back from its clock) or an ISO 8601 timestamp.
                'page' counts from 1; 'size' is 1 to 200 events per page (50 by
                default). The value
                has items (each with id, at, level, type, message, session_id and
                details), page, page_size and next_page, which is null on the last
                page.
                """,
            followingWords: ["since", "page", "size"], producesValue: true, looksOnly: true),
    ]
}
