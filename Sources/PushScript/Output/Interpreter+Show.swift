import PushAPI
import PushSyntax

extension Interpreter {
    /// Shows a command's result: the one place where `set output` picks how
    /// results look. (Progress and the pager are live terminal things, not
    /// results: ``showsProgress`` and ``Interpreter/showLong(_:)`` keep them
    /// out of JSON, where the output belongs to machines.)
    func show(_ result: CommandResult) {
        switch settings.output {
        case .text:
            if let text = TextRenderer(paint: paint).text(result) { output.line(text) }
        case .json:
            if let object = JSONRenderer.object(result) { output.line(JSONValue.object(object).jsonText) }
        }
    }

    /// Whether a push (and its check pass) draws progress on the error
    /// stream: asked for (`set progress`, no `--quiet`), and text output, so
    /// a machine reading JSON never has to skip a progress line.
    var showsProgress: Bool { settings.progress && settings.output == .text }
}
