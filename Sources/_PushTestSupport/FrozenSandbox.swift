import BuiltInSandbox
import PushScript

/// The built-in sandbox, seeded and frozen, as `pushsh` gives it to golden tests.
public func frozenSandbox() -> Connection {
    .builtInSandbox(environment: ["PUSHSH_SANDBOX_SEED": "1", "PUSHSH_SANDBOX_EPOCH": "2026-01-05T09:00:00Z"])
}
