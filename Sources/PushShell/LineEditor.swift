import CEditLine
import Foundation
import PushSyntax

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Lines from the terminal through libedit: emacs keys (vi and key maps
/// through `~/.editrc`), history with Up/Down and Ctrl-R, and Tab completion.
public final class LineEditor: LineSource {
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    /// The prompt libedit shows; a C string owned here so it outlives each call.
    private var promptStorage: UnsafeMutablePointer<CChar>
    /// Called on Tab with the text before the cursor.
    public var complete: ((String) -> Completion)?
    /// What Up/Down reach, in order, so entries can be forgotten.
    private var remembered: [String] = []

    public init?(program: String = "pushsh", historySize: Int32 = 2000) {
        Self.prepareLocale()
        guard let el = el_init(program, cel_stdin(), cel_stdout(), cel_stderr()) else { return nil }
        guard let h = history_init() else {
            el_end(el)
            return nil
        }
        editLine = el
        history = h
        promptStorage = strdup("> ")
        cel_history_setsize(h, historySize)
        cel_history_setunique(h, 1)
        cel_set_history(el, h)
        cel_set_editor(el, "emacs")
        // libedit's own SIGINT handling re-raises the signal and kills the
        // process; the shell handles Ctrl-C itself (Interrupts).
        cel_set_signal(el, 0)
        cel_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        cel_set_prompt(el) { el in
            guard let el, let data = cel_get_clientdata(el) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().promptStorage
        }
        cel_addfn(el, "pushsh-complete", "complete the word before the cursor") { el, _ in
            guard let el, let data = cel_get_clientdata(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().completeAtCursor()
        }
        cel_bind(el, "^I", "pushsh-complete")
        // Our own key reader: libedit's retries a read that a signal
        // interrupted, so Ctrl-C would only take effect at the next key.
        cel_set_getcfn(el) { _, character in
            guard let character else { return -1 }
            return LineEditor.readCharacter(into: character)
        }
        // ~/.editrc (vi mode, key maps) comes last so the user's choices win.
        cel_source_editrc(el)
    }

    deinit {
        history_end(history)
        el_end(editLine)
        free(promptStorage)
    }

    /// Without a UTF-8 locale libedit silently drops non-ASCII keys (é, 日本).
    static func prepareLocale() {
        setlocale(LC_ALL, "")
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) != "UTF-8" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    public func read(prompt: String) -> LineRead {
        free(promptStorage)
        promptStorage = strdup(prompt)
        Interrupts.clear()
        var count: Int32 = 0
        guard let pointer = el_gets(editLine, &count) else {
            if Interrupts.stop != nil { return .end }
            if Interrupts.pending {
                Interrupts.clear()
                return .interrupted
            }
            return .end
        }
        var line = String(cString: pointer)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Reads one character (decoding UTF-8) from the terminal, giving up as
    /// soon as Ctrl-C is seen: 1 for a character, 0 at end of input, -1 on an interrupt or error.
    static func readCharacter(into character: UnsafeMutablePointer<wchar_t>) -> Int32 {
        var bytes: [UInt8] = []
        var expected = 1
        while true {
            if Interrupts.pending || Interrupts.stop != nil {
                errno = EINTR
                return -1
            }
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 50)
            if ready < 0 && errno != EINTR { return -1 }
            if ready <= 0 { continue }
            var byte: UInt8 = 0
            let count = Glibc.read(STDIN_FILENO, &byte, 1)
            if count == 0 { return 0 }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return -1
            }
            if bytes.isEmpty {
                switch byte {
                case 0..<0x80: expected = 1
                case 0xC0..<0xE0: expected = 2
                case 0xE0..<0xF0: expected = 3
                case 0xF0..<0xF8: expected = 4
                default:
                    character.pointee = 0xFFFD
                    return 1
                }
            } else if byte & 0xC0 != 0x80 {
                character.pointee = 0xFFFD
                return 1
            }
            bytes.append(byte)
            if bytes.count == expected {
                let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first?.value ?? 0xFFFD
                character.pointee = wchar_t(bitPattern: scalar)
                return 1
            }
        }
    }

    public func remember(_ entry: String) {
        if entry != remembered.last { remembered.append(entry) }
        cel_history_enter(history, entry)
    }

    /// libedit cannot drop one entry, so the history is cleared and the rest entered again.
    public func forget(where predicate: (String) -> Bool) -> Int {
        let before = remembered.count
        remembered.removeAll(where: predicate)
        let removed = before - remembered.count
        guard removed > 0 else { return 0 }
        cel_history_clear(history)
        for entry in remembered { cel_history_enter(history, entry) }
        return removed
    }

    /// The Tab key: insert the one match, or the common part and list them all.
    private func completeAtCursor() -> UInt8 {
        guard let complete, let info = el_line(editLine)?.pointee, let buffer = info.buffer else { return UInt8(CC_ERROR) }
        let length = info.cursor - buffer
        let before = String(
            decoding: UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length), as: UTF8.self
        )
        let completion = complete(before)
        guard !completion.candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        let insertion = completion.insertion
        if !insertion.isEmpty {
            el_insertstr(editLine, insertion)
        }
        if completion.candidates.count > 1 {
            let listing = Self.columns(completion.candidates.map { $0.split(separator: "/").last.map(String.init) ?? $0 })
            fputs("\n" + listing + "\n", cel_stdout())
            fflush(cel_stdout())
            return UInt8(CC_REDISPLAY)
        }
        return UInt8(CC_REFRESH)
    }

    /// Candidates in columns that fit 80 characters.
    static func columns(_ items: [String]) -> String {
        let width = (items.map(\.count).max() ?? 0) + 2
        let perRow = max(1, 80 / width)
        var lines: [String] = []
        var row = ""
        for (i, item) in items.enumerated() {
            row += item.padded(to: width)
            if (i + 1) % perRow == 0 {
                lines.append(row.trimmingCharacters(in: .whitespaces))
                row = ""
            }
        }
        if !row.isEmpty { lines.append(row.trimmingCharacters(in: .whitespaces)) }
        return lines.joined(separator: "\n")
    }
}

/// Reads a secret from the terminal without echoing it (`key prompt`).
///
/// It asks on the controlling terminal (`/dev/tty`), not on stdin, so a script
/// piped in (`cat flow.push | pushsh`) or run from a file can still ask; with
/// no terminal at all (cron, CI) it gives nil and the caller says what to do instead.
public enum SecretPrompt {
    public static func read(_ prompt: String) -> String? {
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard tty >= 0 else { return nil }
        defer { close(tty) }
        var saved = termios()
        guard tcgetattr(tty, &saved) == 0 else { return nil }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        quiet.c_lflag |= tcflag_t(ICANON)
        tcsetattr(tty, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(tty, TCSAFLUSH, &saved)
            _ = Glibc.write(tty, "\n", 1)
        }
        let bytes = Array(prompt.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(tty, $0.baseAddress, $0.count) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = Glibc.read(tty, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            line.append(byte)
        }
        return String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }
}
