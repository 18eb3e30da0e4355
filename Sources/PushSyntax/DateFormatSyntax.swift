/// Date formats as `date(TEXT, FORMAT)` takes them (`MM/dd/yyyy`,
/// `dd.MM.yyyy HH:mm`): letters are fields, text in '…' and any other
/// character must be in the value as written. Here, not in the runtime, so
/// the check before a run refuses a broken literal format as the run would.
public enum DateFormatSyntax {
    public enum Piece: Equatable, Sendable {
        case literal(Character)
        case year4, year2, month, day, hour24, hour12, minute, second, fraction, meridiem
    }

    public struct Problem: Error, Sendable {
        public let message: String
        public let hint: String?
    }

    /// Each field's letters, longest first where one is the start of another.
    static let fields: [(String, Piece)] = [
        ("yyyy", .year4), ("yy", .year2), ("MM", .month), ("M", .month), ("dd", .day), ("d", .day), ("HH", .hour24),
        ("H", .hour24), ("hh", .hour12), ("h", .hour12), ("mm", .minute), ("m", .minute), ("ss", .second), ("s", .second),
        ("SSS", .fraction), ("a", .meridiem),
    ]

    /// The pieces of `text`, or what is wrong with it as a format.
    public static func pieces(of text: String) -> Result<[Piece], Problem> {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let first = rest.first {
            if first == "'" {
                guard let close = rest.dropFirst().firstIndex(of: "'") else {
                    return .failure(
                        Problem(message: "date: FORMAT \"\(text)\" opens a quote it does not close", hint: "e.g. yyyy-MM-dd'T'HH:mm"))
                }
                pieces += rest[rest.index(after: rest.startIndex)..<close].map(Piece.literal)
                rest = rest[rest.index(after: close)...]
            } else if first.isLetter {
                guard let (word, piece) = fields.first(where: { rest.hasPrefix($0.0) }), rest.dropFirst(word.count).first != first else {
                    let run = rest.prefix { $0 == first }
                    return .failure(
                        Problem(
                            message: "date: FORMAT \"\(text)\" has '\(run)', which is not a date field",
                            hint: "fields: yyyy yy MM dd HH hh mm ss SSS a; put other letters in quotes: 'T'"))
                }
                pieces.append(piece)
                rest = rest.dropFirst(word.count)
            } else {
                pieces.append(.literal(first))
                rest = rest.dropFirst()
            }
        }
        guard pieces.contains(.year4) || pieces.contains(.year2), pieces.contains(.month), pieces.contains(.day) else {
            return .failure(
                Problem(message: "date: FORMAT \"\(text)\" needs a year, a month and a day (yyyy, MM, dd)", hint: "e.g. MM/dd/yyyy"))
        }
        if pieces.contains(.hour12) != pieces.contains(.meridiem) {
            return .failure(
                Problem(
                    message: "date: FORMAT \"\(text)\" has \(pieces.contains(.hour12) ? "hh without a" : "a without hh")",
                    hint: "12-hour times are written hh:mm a (2:30 PM); 24-hour times HH:mm"))
        }
        return .success(pieces)
    }
}
