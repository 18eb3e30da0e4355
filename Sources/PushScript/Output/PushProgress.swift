import Foundation
import PushAPI
import PushSyntax

/// How a long push shows its progress.
///
/// On a terminal: one line redrawn in place at most five times a second
/// (records, pages, bytes, rate, ETA). Elsewhere (CI logs): a line every
/// 100 pages. Off with `set progress off` or `pushsh --quiet`.
struct PushProgress {
    enum Mode { case redraw, lines, off }

    let output: ScriptOutput
    let totalRecords: Int
    let mode: Mode
    /// The terminal's width: a redrawn line must fit it, or the `\r` that
    /// redraws it goes back only to the start of its last wrapped row and
    /// leaves the rest on screen. 80 when the width is unknown (stdout not a terminal).
    let columns: Int
    let started = ContinuousClock.now
    private var lastDraw: ContinuousClock.Instant?
    private var drawn = false

    init(output: ScriptOutput, totalRecords: Int, mode: Mode, columns: Int? = nil) {
        self.output = output
        self.totalRecords = totalRecords
        self.mode = mode
        self.columns = columns ?? 80
    }

    mutating func update(records: Int, pages: Int, bytes: Int, inFlight: Int = 0) {
        switch mode {
        case .off: return
        case .lines:
            guard pages % 100 == 0 else { return }
            output.errorLine("  " + status(records: records, pages: pages, bytes: bytes, inFlight: inFlight))
        case .redraw:
            let now = ContinuousClock.now
            if let last = lastDraw, now - last < .milliseconds(200), records < totalRecords { return }
            lastDraw = now
            drawn = true
            output.writeError(TerminalStyle.clearLine + redrawn(records: records, pages: pages, bytes: bytes, inFlight: inFlight))
        }
    }

    /// Clears the redrawn line, so the summary stands alone.
    mutating func finish() {
        if mode == .redraw && drawn {
            output.writeError(TerminalStyle.clearLine)
            drawn = false
        }
    }

    /// The line drawn in place, within the terminal's width: the bar goes
    /// first when it does not fit, then the end of the status.
    func redrawn(records: Int, pages: Int, bytes: Int, inFlight: Int = 0) -> String {
        let width = TextFlow.lineWidth(forTerminalColumns: columns)
        let status = "  " + status(records: records, pages: pages, bytes: bytes, inFlight: inFlight)
        let withBar = "  " + bar(records) + status.dropFirst(totalRecords > 0 ? 1 : 2)
        if withBar.count <= width { return withBar }
        return status.count <= width ? status : String(status.prefix(max(1, width - 1))) + "…"
    }

    private func bar(_ records: Int) -> String {
        guard totalRecords > 0 else { return "" }
        let width = 20
        let filled = min(width, records * width / totalRecords)
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    func status(records: Int, pages: Int, bytes: Int, inFlight: Int = 0) -> String {
        let seconds = max((ContinuousClock.now - started).seconds, 0.001)
        let rate = Double(records) / seconds
        var text = "\(grouped(records))/\(grouped(totalRecords)) records, \(grouped(pages)) pages"
        if inFlight > 0 { text += " (\(inFlight) in flight)" }
        text += ", \(megabytes(bytes)), \(grouped(Int(rate)))/s"
        if rate > 0 && totalRecords > records {
            text += ", ETA \(DurationText.human(.milliseconds(Int64(Double(totalRecords - records) / rate * 1000))))"
        }
        return text
    }

    private func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    private func megabytes(_ bytes: Int) -> String {
        bytes < 1_000_000 ? "\(bytes / 1000) kB" : String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}
