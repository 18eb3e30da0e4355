/// The `help` topics that are about the language rather than one command.
extension CommandCatalog {
    static let helpTopics: [HelpTopic] = [
        HelpTopic(
            name: "values", summary: "strings, numbers, durations, JSON, sessions and results",
            text: """
                Strings     "text" on one line, with escapes \\" \\\\ \\/ \\n \\t \\r \\b \\f
                            \\uXXXX, and \\$ for a dollar sign (needed only before '{').
                            ${EXPRESSION} inside a string puts a value in it:
                            "nightly-${today()}", "state ${s.state}".
                Numbers     42, -5, 1.5, 1.5e3. Whole numbers are 64-bit.
                Durations   500ms, 30s, 1.5m, 2h, 1d (see 'help durations').
                true, false, null
                Arrays      [1, "two", x]
                Objects     {"employeeId": "E1", name: n}: keys are strings or bare words.
                            Arrays and objects are JSON and may span lines.
                Sessions    what 'start' gives. A session value shows its last known
                            snapshot; every command that touches the session (start,
                            push, status, close, wait) refreshes it. Fields: id, state,
                            accepted_records_total, accepted_records_by_entity,
                            created_at, updated_at, expires_at, last_error, and after
                            a status, push, close or wait also accepted_batches and
                            retry_count. status, close and wait give the session too;
                            print shows its id. Where a session is expected, its id
                            string ("ses_...") works too. last_session is the session
                            the last session command touched.
                Errors      last_error is the last failure (null before any):
                            message, exit_code, status, code, hint, and after a
                            start refused with 409, active_session_id.
                Results     push gives an object (also kept in last_push); so do
                            integration and activity; sandbox records gives an array.

                Read fields with '.' and elements with '[ ]':
                  s.state    last_push.validation_errors[0].field
                  s.accepted_records_by_entity.User

                In if, expect, and, or and not, false, null, 0, "", [] and {} count
                as false; every other value (a session too) counts as true.
                """),
        HelpTopic(
            name: "expressions", summary: "operators, fields, indexing and functions",
            text: """
                Comparison   ==  !=  <  <=  >  >=     (one per expression: a < b and b < c)
                Logic        and  or  not
                Fields       s.state, x.User, x."first name"
                Indexing     errors[0], errors[-1] (the last), counts["User"], "abc"[0]
                             ('[' touches the value before it)
                Grouping     (a or b) and c

                == compares numbers by value (1 == 1.0), objects without regard to key
                order, and a session with its id string. < <= > >= order two numbers,
                two strings or two durations. 'a or b' gives a when a counts as true,
                else b (so x or "default" works); 'a and b' gives a when a counts as
                false, else b; 'not' gives true or false.

                From loosest to tightest: or, and, not, comparisons, then '.', '[ ]'
                and calls. There is no arithmetic: '-' only starts a negative number.

                Functions:
                \(functionTable)

                On the built-in sandbox, now() and today() read the sandbox's clock.

                Note that 'push s User [ ... ]' passes an array: with a space before it,
                '[' starts a new value instead of indexing.
                """),
        HelpTopic(
            name: "durations", summary: "how to write lengths of time: 500ms, 30s, 5m, 2h, 1d",
            text: """
                A duration is a number followed at once by a unit, with no space:

                  ms  milliseconds     500ms
                  s   seconds          30s
                  m   minutes          5m, 1.5m
                  h   hours            2h
                  d   days             1d

                Durations are used by sleep, wait ... timeout, activity since,
                sandbox advance, sandbox processing, set retry_for and set timeout,
                and by pushsh serve's --processing-time and --inactivity-timeout. A
                bare number such as 30 is not a duration anywhere (30 what?): write
                30s; check and run both refuse it. A string in the same form works
                too, so a duration can come from outside: --var limit=5m, then
                wait s until processed timeout limit.
                """),
        HelpTopic(
            name: "dates", summary: "reading dates as exports write them: date(), excel_date(), formats",
            text: """
                date(TEXT, FORMAT [, ZONE]) reads a date as a file writes it and gives the
                ISO 8601 date-time Sprinto expects, in UTC: date("03/15/2023", "MM/dd/yyyy")
                is "2023-03-15T00:00:00.000Z". Without FORMAT, TEXT must be ISO 8601
                (2023-03-15, or 2023-03-15T09:30:00Z). excel_date(SERIAL) reads the day
                numbers spreadsheets store: excel_date(45000.5) is 2023-03-15 at noon.

                  yyyy  four-digit year       yy    two-digit year (69-99: 19xx)
                  MM    month, 1 to 12        dd    day of the month
                  HH    hour, 0 to 23         hh a  hour 1 to 12 and AM/PM
                  mm    minutes               ss    seconds
                  SSS   fraction of a second  'T'   a letter as written

                ZONE is where a value without an offset was written: UTC (the default),
                an offset such as +05:30, or a name such as Europe/Berlin, whose
                daylight-saving changes apply. Nothing is guessed: 13 under MM, 30
                February, a two-digit year under yyyy, and a time the clocks skip or
                show twice are errors that name the value, never a date moved.
                """),
        HelpTopic(
            name: "exit-codes", summary: "what pushsh's exit status means",
            text: """
                \(ExitCode.table())

                A script that fails (an error, 'exit N' with N > 0, failures it went
                on past) or is stopped by a signal says what landed and discards the
                sessions it started and left active, unless 'set on_error keep' or
                --keep-sessions keeps them; then the hint gives the 'skip N' that
                resumes.

                'exit N' ends a script with code N. After 'set on_error continue' a
                script that does not end with 'exit' exits with the code of its first
                failure.
                """),
        HelpTopic(
            name: "network", summary: "proxies, CAs, timeouts, redirects and pages accepted in part",
            text: """
                Proxies     HTTPS_PROXY (https targets, tunnelled with CONNECT), HTTP_PROXY,
                            ALL_PROXY and NO_PROXY (host, .domain, IP, 10.0.0.0/8, *), in
                            either case. http://user:password@proxy:3128: the password is
                            redacted everywhere, like the key.
                CAs         --cacert FILE, PUSHSH_CACERT or connect ... cacert "FILE" trust a
                            PEM file's CAs besides the system's (a TLS-inspecting proxy's);
                            SSL_CERT_FILE and SSL_CERT_DIR replace the system's. A certificate
                            problem (untrusted issuer, expired, wrong host) is never retried.
                Timeouts    set timeout 60s, --timeout 60s or PUSHSH_TIMEOUT (30s by default).
                Retry-After seconds or an HTTP date, waited for up to set retry_for.
                Redirects   the key never goes to another origin: such redirects are refused
                            with the Location named; same-origin 307/308 are followed.
                Partial     a page answered 2xx with rejected records stops the run (exit 6),
                            each record named by file and line; set partial_pages accept
                            goes on. last_push counts accepted and rejected.
                -v          shows full URLs, the proxy and the CAs, key and passwords redacted.

                All of it in docs/network.md.
                """),
        HelpTopic(
            name: "profiles", summary: "named integrations in the config file, and where keys come from",
            text: """
                The config file is $XDG_CONFIG_HOME/pushsh/config.toml
                (~/.config/pushsh/config.toml; PUSHSH_CONFIG names another):

                  default = "staging"

                  [profiles.staging]
                  region = "eu"                    # or base_url = "https://..."
                  integration = "int_staging"
                  key_env = "SPRINTO_STAGING_KEY"  # or key_file, or key_command

                  [profiles.production]
                  region = "eu"
                  integration = "int_production"
                  key_command = "op read op://team/sprinto/production"
                  timeout = "30s"

                key_file must be readable by its owner only (chmod 600); key_command's
                first line of output is the key. 'connect profile NAME' switches to a
                profile, 'pushsh --profile NAME' or PUSHSH_PROFILE starts on one, and
                'pushsh profiles' lists them, never showing a key. Where a run starts,
                first found wins: --profile, PUSHSH_PROFILE, SPRINTO_API_KEY with
                SPRINTO_INTEGRATION_ID, the file's default profile, the built-in
                sandbox. A script with a 'connect' of its own starts on the sandbox.

                Any value used as a key is a secret from then on: output and traces
                show [redacted], the shell drops history entries holding it, and
                'save' writes a reference instead. See docs/profiles.md.
                """),
    ]
}

extension CommandCatalog {
    /// One line per built-in function: its signature and what it returns.
    fileprivate static var functionTable: String {
        BuiltinFunction.all.flatMap {
            TextFlow.hanging("  " + $0.signature.padded(to: 24), $0.summary, width: TextFlow.listingWidth)
        }.joined(separator: "\n")
    }
}
