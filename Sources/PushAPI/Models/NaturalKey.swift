/// Which field identifies a record of an entity type: records with the same
/// key replace each other. One rule for the sandbox (which upserts by it), the
/// push's key census (which keeps pages sharing a key apart) and the messages
/// that name a record by its key.
public enum NaturalKey {
    /// The key the contract documents: `employeeId` for `User`. Other types
    /// are configured per integration on the real service, so their key is
    /// not known.
    public static func documentedField(for entityType: String) -> String? {
        entityType == "User" ? "employeeId" : nil
    }

    /// The key the sandbox upserts by: the documented one, else `id` (only
    /// the sandbox's guess).
    public static func field(for entityType: String) -> String {
        documentedField(for: entityType) ?? "id"
    }

    /// A record's key as text (a string, or an integer written out), for
    /// messages; nil when the record has no such key.
    public static func value(of record: JSONValue, entityType: String) -> String? {
        switch record[field(for: entityType)] {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        default: return nil
        }
    }
}
