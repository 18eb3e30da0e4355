import PushAPI

/// Which natural keys occur more than once in a push's input: pages holding
/// the same key must not be in flight together, or the service could apply
/// them in the other order and keep the older record.
///
/// The check pass notes every record's key. Memory stays flat whatever the
/// file's size or how many keys repeat: a 2 MB bit set of key hashes, plus
/// the hashes seen a second time, up to ``exactBudget`` of them (about 1 MB).
/// A bit already set by another key only adds a hash to `repeated` that no
/// other page holds, so it never holds a page back.
///
/// Past the budget the census stops keeping hashes and keeps a second 2 MB
/// bit set instead: the slots (of the first bit set) in which a key was seen
/// twice. A page's "keys" are then slots, which two pages share whenever they
/// share a key, and sometimes when they do not (two keys in one slot): such
/// pages are kept apart too, which costs a little overlap, never order.
/// Memory is at most about 5 MB whatever the input.
struct KeyCensus {
    /// The field that identifies a record of the type, when pushsh knows it.
    let field: [UInt8]?
    private var seen: [UInt64]
    /// Hashes of keys that (may) occur more than once, while within budget.
    private(set) var repeated: Set<UInt64> = []
    /// Past the budget: the slots in which some key was seen twice (empty until then).
    private var repeatedSlots: [UInt64] = []
    /// Whether the census went past its budget and names slots instead of keys.
    var coarse: Bool { !repeatedSlots.isEmpty }
    private let budget: Int
    private static let bits = 1 << 24

    /// How many repeated hashes a census keeps before it turns coarse. A task
    /// local so that a test can push past it without a file of 100,000 keys.
    @TaskLocal static var exactBudget = 65_536

    init(entityType: String) {
        field = NaturalKey.documentedField(for: entityType).map { Array($0.utf8) }
        seen = field == nil ? [] : [UInt64](repeating: 0, count: KeyCensus.bits / 64)
        budget = KeyCensus.exactBudget
    }

    /// Whether pages of this type may be in flight together at all.
    var knowsKeys: Bool { field != nil }

    /// Whether any key occurs twice: only then do pages need checking against each other.
    var hasRepeats: Bool { coarse || !repeated.isEmpty }

    mutating func note(_ record: [UInt8]) {
        guard let field, !seen.isEmpty, let hash = KeyCensus.keyHash(record, field: field) else { return }
        let slot = KeyCensus.slot(hash)
        let mask = UInt64(1) << UInt64(slot & 63)
        guard seen[slot >> 6] & mask != 0 else {
            seen[slot >> 6] |= mask
            return
        }
        if coarse {
            repeatedSlots[slot >> 6] |= mask
        } else if repeated.insert(hash).inserted, repeated.count > budget {
            turnCoarse()
        }
    }

    /// Drops what only the counting needs (the 2 MB of keys seen once): a
    /// census kept for a push, while other files are read, holds only what
    /// the sending asks (`repeatedKeys(in:)`). Nothing may be noted after.
    mutating func finishCounting() { seen = [] }

    /// Trades the exact hashes for the slots they fall in: the same pages
    /// still meet, and memory stops growing.
    private mutating func turnCoarse() {
        repeatedSlots = [UInt64](repeating: 0, count: KeyCensus.bits / 64)
        for hash in repeated {
            let slot = KeyCensus.slot(hash)
            repeatedSlots[slot >> 6] |= UInt64(1) << UInt64(slot & 63)
        }
        repeated = []
    }

    private static func slot(_ hash: UInt64) -> Int { Int(hash & UInt64(bits - 1)) }

    /// The repeated keys a page holds (or, past the budget, their slots); two
    /// pages whose sets meet must go one after the other.
    func repeatedKeys(in records: [FileRecord]) -> Set<UInt64> {
        guard let field, hasRepeats else { return [] }
        var keys: Set<UInt64> = []
        for record in records {
            guard let hash = KeyCensus.keyHash(record.json, field: field) else { continue }
            if coarse {
                let slot = KeyCensus.slot(hash)
                if repeatedSlots[slot >> 6] & (UInt64(1) << UInt64(slot & 63)) != 0 { keys.insert(UInt64(slot)) }
            } else if repeated.contains(hash) {
                keys.insert(hash)
            }
        }
        return keys
    }

    /// A 64-bit hash of the key's value in a record (a JSON object), or nil
    /// when the record has no such member. The value's JSON text is hashed,
    /// so `"7"` and `7` differ, as they do for the service; a value or name
    /// with escapes is decoded first, so two spellings of one key agree.
    static func keyHash(_ json: [UInt8], field: [UInt8]) -> UInt64? {
        json.withUnsafeBufferPointer { bytes -> UInt64? in
            var scanner = TopLevelScanner(bytes: bytes)
            while let member = scanner.nextMember() {
                let name = bytes[member.name]
                let matches: Bool
                if name.contains(UInt8(ascii: "\\")) {
                    matches =
                        (try? JSONValue(parsing: Array(bytes[member.name.lowerBound - 1...member.name.upperBound])))
                        == .string(String(decoding: field, as: UTF8.self))
                } else {
                    matches = name.elementsEqual(field)
                }
                guard matches else { continue }
                let value = bytes[member.value]
                if value.contains(UInt8(ascii: "\\")), let decoded = try? JSONValue(parsing: Array(value)) {
                    return fnv1a(decoded.jsonBytes[...])
                }
                return fnv1a(value)
            }
            return nil
        }
    }

    static func fnv1a(_ bytes: some Collection<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// Walks the members of a JSON object the check pass has already validated,
/// without building values: name spans (inside the quotes) and value spans.
struct TopLevelScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    var started = false

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func nextMember() -> (name: Range<Int>, value: Range<Int>)? {
        skipSpace()
        if !started {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
            started = true
            i += 1
            skipSpace()
        } else if i < bytes.count, bytes[i] == UInt8(ascii: ",") {
            i += 1
            skipSpace()
        }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        let nameStart = i + 1
        skipString()
        let name = nameStart..<(i - 1)
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        skipSpace()
        let valueStart = i
        skipValue()
        guard i > valueStart else { return nil }
        let value = valueStart..<i
        skipSpace()
        return (name, value)
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    /// From an opening quote to just past the closing one.
    private mutating func skipString() {
        i += 1
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            i += 1
            if b == UInt8(ascii: "\"") { return }
        }
    }

    private mutating func skipValue() {
        guard i < bytes.count else { return }
        switch bytes[i] {
        case UInt8(ascii: "\""): skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    skipString()
                    continue
                }
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
                if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 {
                        i += 1
                        return
                    }
                }
                i += 1
            }
        default:
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { return }
                i += 1
            }
        }
    }
}
