import Foundation
import PushSyntax

/// What a push's check pass shows while it reads a big file, on a terminal:
/// one line redrawn in place at most five times a second, cleared when the
/// reading ends, so nobody wonders why nothing is sent yet.
final class CheckProgress {
    private let output: ScriptOutput
    private let shown: String
    /// The file's size, for a share read; 0 when it cannot be told.
    private let fileSize: Int
    private var lastDraw = ContinuousClock.now

    init(output: ScriptOutput, path: String, shown: String) {
        self.output = output
        self.shown = shown
        fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Told the records and bytes read so far (``RecordFileReading`` calls it every thousand records).
    func update(records: Int, bytes: Int) {
        guard ContinuousClock.now - lastDraw > .milliseconds(200) else { return }
        lastDraw = ContinuousClock.now
        let share = fileSize > 0 ? " (\(min(99, bytes * 100 / fileSize))%)" : ""
        output.writeError(
            TerminalStyle.clearLine + "  checking \(shown): \(records) records\(share); nothing is sent until every record is read")
    }

    /// Clears the line, so what follows (warnings, the push's own progress) starts clean.
    func finish() { output.writeError(TerminalStyle.clearLine) }
}
