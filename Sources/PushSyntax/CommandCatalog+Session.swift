/// Help for the session commands: connect, start, status, close, wait.
extension CommandCatalog {
    static let sessionCommands: [CommandHelp] = [
        CommandHelp(
            name: "connect", area: .session,
            summary: "choose the service: the built-in sandbox, a Sprinto region, or any base URL",
            syntax: """
                connect sandbox
                connect profile NAME
                connect region us|in|eu integration ID key KEY [cacert FILE]
                connect url URL integration ID key KEY [cacert FILE]
                  where KEY is an expression, 'file PATH' or 'prompt'
                """,
            example: """
                connect region eu integration "int_123" key env("SPRINTO_API_KEY")
                connect url "http://127.0.0.1:8080/api/external/push" \\
                  integration "demo" key file "sprinto.key"
                connect profile staging
                connect sandbox
                """,
            details: """
                Every later command talks to the service chosen here. Until you connect,
                pushsh uses the built-in sandbox: an in-process copy of the push API that
                needs no network and no credentials (it says so in a one-line notice).
                'connect sandbox' switches to the built-in sandbox: one per shell or
                run, kept for its whole life, so its sessions survive a 'connect'
                elsewhere and back ('sandbox reset' empties it). A session belongs to
                the service that started it: used while connected elsewhere, it is
                refused with the 'connect' that gets back to it.

                'region' picks Sprinto's base URL for that region (us, in or eu); 'url'
                takes any base URL instead (http:// or https://, up to and including
                /api/external/push), such as a 'pushsh serve' sandbox, a proxy or a
                staging host. The integration id and the API key come from the
                integration's page in Sprinto. Give the key as an expression (usually
                env("SPRINTO_API_KEY")), as 'file PATH' to read the first line of a
                file (relative to the script's folder; '~' is not expanded), or as
                'prompt' to type it without echo (only at a terminal). A key written
                as a literal string works but prints a warning: it ends up in files
                and history. Nothing is sent until the next command.

                'profile NAME' takes the URL (or region), the integration id and the
                key source from a profile of the config file
                ($XDG_CONFIG_HOME/pushsh/config.toml); 'pushsh profiles' lists them.
                Whatever way a key is given, its value is a secret from then on:
                redacted in output and traces, scrubbed from history, and never
                written by 'save'.

                At start-up pushsh connects by itself: to the profile named by
                --profile or PUSHSH_PROFILE; else, when SPRINTO_API_KEY and
                SPRINTO_INTEGRATION_ID are set, to SPRINTO_BASE_URL or SPRINTO_REGION
                (us by default); else to the config file's default profile; else to
                the built-in sandbox. A script that has a 'connect' of its own starts
                on the built-in sandbox (only --profile still applies), so nothing
                before its 'connect' reaches a real service by accident.

                Networks: proxies come from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and
                NO_PROXY (either case); 'cacert FILE' (after the key, on region or
                url) trusts the CAs in a PEM file besides the system's, as --cacert
                and PUSHSH_CACERT do; SSL_CERT_FILE and SSL_CERT_DIR are honoured.
                The key never follows a redirect to another host. See
                docs/network.md.
                """,
            followingWords: ["sandbox", "profile", "region", "url", "integration", "key", "file", "prompt", "cacert"]
                + RegionName.allCases.map(\.rawValue)),
        CommandHelp(
            name: "start", area: .session,
            summary: "open a push session and give it as a value",
            syntax: "start [ref REFERENCE]",
            example: """
                let s = start ref "nightly-${today()}"
                print s.id, s.state
                """,
            details: """
                Opens a new session on the integration (POST /sessions). Its state is
                'active': it accepts pages of records until you close it, or until it
                expires after an hour without requests (see the session's
                inactivity_timeout_seconds and expires_at). 'ref' sets the session's
                client_reference_id, a label of your own; the sandbox shows it in the
                details of the session_created event.

                Only one session can be active per integration: starting a second one
                fails with 409, and the message names the active session (also kept
                in last_error.active_session_id). Close or discard that one first (or
                let it expire): close "ses_..." discard, with its id in quotes.

                A bare 'start' keeps its session in last_session (the prompt shows that
                name) until another session command; keep it with: let s = last_session

                A session value shows its last known snapshot; every command that touches
                the session (start, push, status, close, wait) refreshes it.
                """,
            followingWords: ["ref"], producesValue: true),
        CommandHelp(
            name: "status", area: .session,
            summary: "read a session again and show it",
            syntax: "status SESSION",
            example: """
                status s
                let now_state = status s
                print now_state.accepted_records_total
                """,
            details: """
                Fetches the session from the service (GET /sessions/ID) and shows its
                state, its record counts (accepted_records_total,
                accepted_records_by_entity), the number of pages accepted
                (accepted_batches), processing retries (retry_count), last_error and,
                while it is active, when it expires. The session value is refreshed
                too. SESSION is a session value or a session id string.

                Reading a session counts as a request on it, so it also resets the
                session's inactivity clock.
                """,
            producesValue: true, looksOnly: true),
        CommandHelp(
            name: "close", area: .session,
            summary: "close a session: apply its records, or discard them",
            syntax: "close SESSION apply [anyway]|discard",
            example: """
                close s apply
                wait s until processed timeout 5m
                """,
            details: """
                'apply' ends the upload and asks the service to process the staged
                records (POST /sessions/ID/close): the session goes to 'processing',
                then 'processed' (or, when processing fails twice, 'failed').
                Processing is asynchronous: use 'wait' to follow it. The value is the
                session as the service answered, and the session value is refreshed.

                'discard' throws the staged records away: the session becomes
                'cancelled' and nothing is applied.

                Only an active session can be closed. An expired session can still be
                closed with apply (its records are processed) or discard; closing a
                session in any other state is refused with 409.

                Check before apply: on a session this run pushed to, apply first
                reads it and compares what it holds (pages, and records per entity
                type) with what this run saw accepted. When they differ (a page
                that landed after its answer was lost, someone else pushing), it
                does not apply: it stops with exit code 9, shows both sets of
                numbers and what to do. 'close s discard' and pushing again is the
                safe way on; 'close s apply anyway' applies what the session holds
                after you have looked at it. A failed close is retried within
                'set retry_for'; if it still fails, the message gives the exact
                command that applies or discards the session later.
                """,
            followingWords: CloseMode.allCases.map(\.rawValue) + ["anyway"], producesValue: true),
        CommandHelp(
            name: "wait", area: .session,
            summary: "wait until a session reaches one of the given states",
            syntax: "wait SESSION until STATE [or STATE]... [timeout DURATION]",
            example: """
                wait s until processed or failed timeout 10m
                expect s.state == "processed" else "processing failed: ${s.last_error}"
                """,
            details: """
                Reads the session again and again (GET /sessions/ID), pausing 250ms
                after the first read and 1.5 times as long after each later one (at
                most 5s), and shows each change of state with the time taken. It ends
                as soon as the session is in one of the states named, and gives the
                refreshed session. States: active, processing, processed, failed,
                cancelled, expired.

                It fails at once when the session reaches a state from which none of the
                targets can be reached any more: waiting for 'processed' fails when the
                session becomes 'failed' or 'cancelled'. A session never becomes active
                again, so waiting for 'active' makes sense only for one that is active now.
                An active session moves only when it is closed (or expires), so a wait
                for processing, processed, failed or cancelled on a session still active
                fails at once with the fix (close s apply first); pushsh check warns
                when no close of the session comes before such a wait.
                It gives up after the timeout: 10m unless 'timeout' says otherwise.
                Either way the script stops with exit code 5 (unless 'set on_error
                continue').

                Reading an active session resets its inactivity clock, so a wait that
                includes 'expired' watches the activity log for the session's end
                instead of reading the session. Give it a timeout longer than the
                inactivity timeout (an hour). On the built-in sandbox the pauses move
                the sandbox clock instead of really waiting, so a wait ends at once.
                """,
            followingWords: ["until", "or", "timeout"] + SessionStateName.allCases.map(\.rawValue),
            producesValue: true),
    ]
}
