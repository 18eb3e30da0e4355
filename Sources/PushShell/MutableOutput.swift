import PushScript
import Synchronization

/// Output that can be silenced for a while: a lesson's `back` replays what
/// the learner did before that step without showing it again.
final class MutableOutput: ScriptOutput {
    let inner: any ScriptOutput
    private let silenced = Atomic<Bool>(false)

    init(_ inner: any ScriptOutput) { self.inner = inner }

    var muted: Bool {
        get { silenced.load(ordering: .relaxed) }
        set { silenced.store(newValue, ordering: .relaxed) }
    }

    func write(_ text: String) { if !muted { inner.write(text) } }
    func writeError(_ text: String) { if !muted { inner.writeError(text) } }
    var color: Bool { inner.color }
    var errorColor: Bool { inner.errorColor }
    var errorIsTerminal: Bool { inner.errorIsTerminal }
}
