import Foundation
import PushSyntax

/// `matches`, `match` and `replace_pattern`: regular expressions (ICU's,
/// through NSRegularExpression), bounded so that a hostile pattern or value
/// (`(a+)+$` over a long line of a's) stops with an error instead of holding
/// a run for hours.
enum PatternFunctions {
    static let longestPattern = 1000
    static let longestText = 1_000_000
    /// How long one call may search before it is stopped.
    static let timeLimit: Duration = .seconds(2)

    static func call(_ name: String, _ a: FunctionArguments) throws(FunctionError) -> Value? {
        switch name {
        case "matches": return .bool(!(try search(a, all: false)).matches.isEmpty)
        case "match":
            let (text, found) = try search(a, all: false)
            guard let first = found.first else { return .null }
            return .array(
                (0..<first.numberOfRanges).map { i in
                    let range = first.range(at: i)
                    return range.location == NSNotFound ? .null : .string(text.substring(with: range))
                })
        case "replace_pattern":
            let template = try a.string(2)
            let (text, found) = try search(a, all: true)
            let regex = try compile(a)
            var out = ""
            var last = 0
            for result in found {
                out += text.substring(with: NSRange(location: last, length: result.range.location - last))
                out += regex.replacementString(for: result, in: text as String, offset: 0, template: template)
                last = result.range.location + result.range.length
            }
            return .string(out + text.substring(from: last))
        default: return nil
        }
    }

    private static func compile(_ a: FunctionArguments) throws(FunctionError) -> NSRegularExpression {
        let pattern = try a.string(1)
        guard pattern.utf16.count <= longestPattern else {
            throw FunctionError(argument: 1, "\(a.function): PATTERN is \(pattern.utf16.count) characters long; at most \(longestPattern)")
        }
        do { return try NSRegularExpression(pattern: pattern) } catch {
            throw FunctionError(
                argument: 1, "\(a.function): PATTERN \"\(pattern.prefix(40))\" is not a regular expression",
                hint: "check its brackets and escapes; a literal . ( [ or \\ is written \\\\. \\\\( \\\\[ \\\\\\\\")
        }
    }

    /// The text and the matches of the call's PATTERN in it: the first, or every one.
    private static func search(_ a: FunctionArguments, all: Bool) throws(FunctionError) -> (text: NSString, matches: [NSTextCheckingResult])
    {
        let text = try a.string(0)
        guard text.utf16.count <= longestText else {
            throw FunctionError(
                argument: 0, "\(a.function): TEXT is \(text.utf16.count) characters long; patterns search at most \(longestText)")
        }
        let regex = try compile(a)
        let deadline = ContinuousClock.now + timeLimit
        var found: [NSTextCheckingResult] = []
        var timedOut = false
        // reportProgress calls back during a long search too, so the deadline is seen mid-match.
        regex.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(location: 0, length: text.utf16.count)) {
            result, _, stop in
            if let result {
                found.append(result)
                if !all { stop.pointee = true }
            }
            if ContinuousClock.now > deadline {
                timedOut = true
                stop.pointee = true
            }
        }
        if timedOut {
            throw FunctionError(
                argument: 1, "\(a.function): PATTERN took longer than \(timeLimit) on a \(text.utf16.count)-character TEXT and was stopped",
                hint: "nested repeats such as (a+)+ search for ever on some text; write the pattern without them")
        }
        return (text as NSString, found)
    }
}
