/// The documented rules for records, in one place: the built-in sandbox
/// applies them to every page it is sent, and a push's check pass applies
/// them to every record before the first page leaves, so both find the same
/// problems in the same words.
///
/// Only `User` is documented; its rules are the contract's decision. Other
/// entity types are configured per integration on the real service, so any
/// object passes for them. Where the sandbox goes further than the
/// documentation (the `employmentType` values), the finding says so, and a
/// client treats it as a warning rather than an error.
public enum RecordValidation {
    static let userRequired = ["employeeId", "firstName", "lastName", "workEmail", "employmentStartDate", "employmentType"]
    static let userStrings = [
        "employeeId", "firstName", "lastName", "fullName", "workEmail", "managerId", "role", "roleDescription",
        "employmentType",
    ]
    static let userDates = ["employmentStartDate", "employmentEndDate"]
    /// The employment types the documentation shows.
    public static let employmentTypes = ["EMPLOYEE", "CONTRACTOR"]

    /// Whether a rule comes from Sprinto's documentation or is the sandbox's own choice.
    public enum Authority: Sendable, Hashable {
        /// Documented: the real service refuses such a record too.
        case documented
        /// The sandbox's decision: the real service may accept the record.
        case sandbox
    }

    /// One problem with one field of a record.
    public struct Finding: Sendable, Hashable {
        public var field: String
        public var issue: String
        public var authority: Authority
    }

    /// The entity types whose rules are known.
    public static let documentedTypes: Set<String> = ["User"]

    /// Every problem with one record, in field order, as the sandbox reports them (all of them errors).
    public static func problems(entityType: String, index: Int, record: JSONValue) -> [ValidationError] {
        findings(entityType: entityType, record: record).map {
            ValidationError(entityType: entityType, index: index, field: $0.field, issue: $0.issue)
        }
    }

    /// Every problem with one record, in field order, each with where its rule comes from.
    public static func findings(entityType: String, record: JSONValue) -> [Finding] {
        guard case .object(let object) = record else {
            return [Finding(field: "(record)", issue: "must be a JSON object, got \(record.typeName)", authority: .documented)]
        }
        guard documentedTypes.contains(entityType) else { return [] }
        var problems: [Finding] = []
        func problem(_ field: String, _ issue: String, _ authority: Authority = .documented) {
            problems.append(Finding(field: field, issue: issue, authority: authority))
        }
        for field in userRequired {
            switch object[field] {
            case nil: problem(field, "is required")
            case .null?: problem(field, "is required (got null)")
            case .string(let s)? where s.allSatisfy(\.isWhitespace): problem(field, "must not be empty")
            default: break
            }
        }
        for field in userStrings {
            if let value = object[field], value != .null, value.stringValue == nil {
                problem(field, "must be a string, got \(value.typeName)")
            }
        }
        if let email = object["workEmail"]?.stringValue, !isBlank(email), !looksLikeEmail(email) {
            problem("workEmail", "must be an email address (got \"\(email.prefix(80))\")")
        }
        for field in userDates {
            if let text = object[field]?.stringValue, !text.isEmpty, Timestamp(iso8601: text) == nil {
                if let dateTime = dateTime(fromDateOnly: text) {
                    problem(field, "must be an ISO 8601 date-time, not a date alone: write \"\(dateTime)\" (got \"\(text)\")")
                } else {
                    problem(field, "must be an ISO 8601 date-time such as 2022-01-15T09:00:00Z (got \"\(text.prefix(80))\")")
                }
            } else if let value = object[field], value != .null, value.stringValue == nil {
                // Already reported as "must be a string" only for string fields; dates get their own message.
                problem(field, "must be an ISO 8601 date-time string, got \(value.typeName)")
            }
        }
        if let type = object["employmentType"]?.stringValue, !type.isEmpty, !employmentTypes.contains(type) {
            problem("employmentType", "must be one of \(employmentTypes.joined(separator: ", ")) (got \"\(type.prefix(40))\")", .sandbox)
        }
        return problems
    }

    /// `2023-03-15` as the date-time it most likely means (`2023-03-15T00:00:00Z`);
    /// nil for anything but a real calendar date written alone.
    static func dateTime(fromDateOnly text: String) -> String? {
        guard text.utf8.count == 10 else { return nil }
        let candidate = text + "T00:00:00Z"
        return Timestamp(iso8601: candidate) == nil ? nil : candidate
    }

    /// Empty, or whitespace only (as `Character.isWhitespace` has it).
    ///
    /// Every record's every required field goes through here in a push's
    /// check pass, so ASCII text is read as bytes; only text with other
    /// characters is read as characters (the rule is the same).
    static func isBlank(_ s: String) -> Bool {
        for byte in s.utf8 {
            if byte >= 0x80 { return s.allSatisfy(\.isWhitespace) }
            if !isASCIIWhitespace(byte) { return false }
        }
        return true
    }

    /// `local@domain.tld` with no spaces: what a mail server would take, roughly.
    ///
    /// Exactly one `@`, something before it, and after it dot-separated
    /// labels (at least two), none empty; no whitespace anywhere. Read as
    /// bytes for ASCII addresses (most), as characters otherwise.
    static func looksLikeEmail(_ s: String) -> Bool {
        var ats = 0
        var localLength = 0
        var labels = 1
        var labelLength = 0
        for byte in s.utf8 {
            if byte >= 0x80 { return looksLikeEmailByCharacters(s) }
            if isASCIIWhitespace(byte) { return false }
            if byte == UInt8(ascii: "@") {
                ats += 1
                if ats > 1 { return false }
            } else if ats == 0 {
                localLength += 1
            } else if byte == UInt8(ascii: ".") {
                if labelLength == 0 { return false }
                labels += 1
                labelLength = 0
            } else {
                labelLength += 1
            }
        }
        return ats == 1 && localLength > 0 && labels >= 2 && labelLength > 0
    }

    /// The same rule on characters, for addresses that are not all ASCII.
    static func looksLikeEmailByCharacters(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !s.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty }
    }

    /// Tab, line feed, vertical tab, form feed, carriage return, space: the
    /// ASCII characters `Character.isWhitespace` counts.
    static func isASCIIWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
}
