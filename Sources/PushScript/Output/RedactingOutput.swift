import Foundation
import Synchronization

/// Output that never shows the API key: every occurrence of the key in
/// anything written (print, errors, traces, JSON results) becomes
/// `[redacted]`, whatever route the value took to get there.
final class RedactingOutput: ScriptOutput {
    private let inner: ScriptOutput
    private let secrets = Mutex<[String]>([])

    init(_ inner: ScriptOutput) { self.inner = inner }

    var color: Bool { inner.color }
    var errorColor: Bool { inner.errorColor }
    var errorIsTerminal: Bool { inner.errorIsTerminal }

    /// Replaces the secrets to hide (every key used so far).
    func hide(_ values: [String]) {
        // Very short "keys" would blank out ordinary words; real keys are long.
        // Longest first, so a key that contains another is hidden whole.
        secrets.withLock { $0 = Array(Set(values.filter { $0.count >= 6 })).sorted { $0.count > $1.count } }
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
