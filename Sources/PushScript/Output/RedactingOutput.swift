import Synchronization

/// Output that never shows the API key: every occurrence of the key in
/// anything written (print, errors, traces, JSON results) becomes
/// `[redacted]`, whatever route the value took to get there.
final class RedactingOutput: ScriptOutput {
    private let inner: ScriptOutput
    private let secrets = Mutex<[String]>([])

    init(_ inner: ScriptOutput) { self.inner = inner }

    var color: Bool { inner.color }
    var errorIsTerminal: Bool { inner.errorIsTerminal }

    /// Replaces the secrets to hide (the current connection's key).
    func hide(_ values: [String]) {
        // Very short "keys" would blank out ordinary words; real keys are long.
        secrets.withLock { $0 = values.filter { $0.count >= 6 } }
    }

    func write(_ text: String) { inner.write(redact(text)) }
    func writeError(_ text: String) { inner.writeError(redact(text)) }

    func redact(_ text: String) -> String {
        var result = text
        for secret in secrets.withLock({ $0 }) where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return result
    }
}
