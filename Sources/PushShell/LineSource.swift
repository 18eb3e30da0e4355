/// What reading one line gave.
public enum LineRead: Equatable, Sendable {
    case line(String)
    /// Ctrl-C at the prompt: drop what was typed, prompt again.
    case interrupted
    /// Ctrl-D on an empty line, or the end of input.
    case end
}

/// Where the shell's lines come from: libedit on a terminal, a list in tests.
public protocol LineSource: AnyObject {
    func read(prompt: String) -> LineRead
    /// Remembers a whole entry for Up/Down and Ctrl-R.
    func remember(_ entry: String)
    /// Forgets every remembered entry `predicate` picks (they held a key); returns how many.
    func forget(where predicate: (String) -> Bool) -> Int
}

/// Lines from a list, for tests of the shell's loop without a terminal.
public final class ScriptedLines: LineSource {
    private var lines: [LineRead]
    public private(set) var prompts: [String] = []
    public private(set) var remembered: [String] = []

    public init(_ lines: [String]) { self.lines = lines.map(LineRead.line) }
    public init(reads: [LineRead]) { self.lines = reads }

    public func read(prompt: String) -> LineRead {
        prompts.append(prompt)
        return lines.isEmpty ? .end : lines.removeFirst()
    }

    public func remember(_ entry: String) { remembered.append(entry) }

    public func forget(where predicate: (String) -> Bool) -> Int {
        let before = remembered.count
        remembered.removeAll(where: predicate)
        return before - remembered.count
    }
}

extension LineSource {
    /// Sources that keep no history of their own have nothing to forget.
    public func forget(where predicate: (String) -> Bool) -> Int { 0 }
}
