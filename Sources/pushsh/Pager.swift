import Foundation
import PushScript

/// Long help through a pager, run the way git and psql run one: in the
/// terminal's foreground process group (see `ForegroundProcess`), reading
/// the text from a pipe, while pushsh waits with Ctrl-C and Ctrl-\ left to the pager.
struct Pager {
    /// The command as the user gave it (`less`, `less -S`, `most`).
    let command: String
    /// pushsh's environment, with git's defaults for `less` and `lv` added.
    let environment: [String: String]

    /// `PUSHSH_PAGER` over `PAGER`, else `less`; nil when the choice is no
    /// pager at all (empty, or `cat`): the text is then printed as it is.
    init?(environment: [String: String]) {
        let chosen = (environment["PUSHSH_PAGER"] ?? environment["PAGER"] ?? "less").trimmingCharacters(in: .whitespaces)
        guard !chosen.isEmpty, chosen != "cat" else { return nil }
        command = chosen
        var environment = environment
        // git's defaults: quit when the text fits one screen, keep colour, leave the text on the screen after `q`.
        if environment["LESS"] == nil { environment["LESS"] = "FRX" }
        if environment["LV"] == nil { environment["LV"] = "-c" }
        self.environment = environment
    }

    /// Shows `text` through the pager and waits for it to end; false when the
    /// pager could not start, and the caller prints the text instead.
    func show(_ text: String) -> Bool {
        guard let pipe = ForegroundProcess.pipe() else { return false }
        let status = ForegroundProcess(command: command, environment: environment).run(input: pipe.read) {
            close(pipe.read)
            ForegroundProcess.writeAll(Array((text + "\n").utf8), to: pipe.write)
            close(pipe.write)
        }
        guard let status else {
            close(pipe.read)
            close(pipe.write)
            return false
        }
        // `sh -c` that cannot find or run the pager exits 127 or 126 having shown nothing.
        return status != 127 && status != 126
    }
}
