import PushScript
import Synchronization

/// Output that can be silenced for a while: a lesson's `back` replays what
/// the learner did before that step without showing it again.
final class MutableOutput: ScriptOutput {
    let base: any ScriptOutput
    private let silenced = Atomic<Bool>(false)

    init(_ base: any ScriptOutput) { self.base = base }

    var muted: Bool {
        get { silenced.load(ordering: .relaxed) }
        set { silenced.store(newValue, ordering: .relaxed) }
    }

    func write(_ text: String) { if !muted { base.write(text) } }
    func writeError(_ text: String) { if !muted { base.writeError(text) } }
    var color: Bool { base.color }
    var errorColor: Bool { base.errorColor }
    var errorIsTerminal: Bool { base.errorIsTerminal }
}
