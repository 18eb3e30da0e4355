import PushAPI
import PushSyntax
import Testing

/// The session lifecycle is written twice: `SessionStateName` in the language
/// front end (the words `wait s until` takes, and the checker's warning that a
/// wait cannot succeed) and `SessionState` in the client core (what a run's
/// wait gives up on early). The front end cannot see the client core, so this
/// holds the two to the same states, in the same order, with the same arrows.
/// The one difference is by design and documented at both: the front end's
/// `reachable` includes the state itself, the client core's excludes it.
@Suite struct SessionLifecycleAgreementTests {
    @Test func theSameStatesInTheSameOrder() {
        #expect(SessionStateName.allCases.map(\.rawValue) == SessionState.documented.map(\.rawValue))
    }

    @Test func theSameStatesCanBeReachedFromEach() {
        for name in SessionStateName.allCases {
            let state = SessionState(name.rawValue)
            let language = Set(name.reachable.map(\.rawValue))
            let client = Set(state.reachable.map(\.rawValue))
            #expect(language == client.union([name.rawValue]), "from \(name.rawValue)")
            #expect(!client.contains(name.rawValue), "the client core's \(name.rawValue) lists itself")
            // A final state is one from which nothing more can happen, in both.
            #expect(state.isFinal == client.isEmpty, "\(name.rawValue): isFinal is \(state.isFinal)")
            #expect(state.isFinal == (name.reachable == [name]), "\(name.rawValue): isFinal is \(state.isFinal)")
        }
    }
}
