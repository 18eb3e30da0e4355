/// "Did you mean ...?" suggestions for misspelt words.
public enum Spelling: Sendable {
    /// The candidate closest to `word` by edit distance, if it is close enough
    /// to be a likely typo (at most one edit per three letters, at least one).
    public static func closest<Words: Sequence>(to word: String, among candidates: Words) -> String?
    where Words.Element == String {
        // Nobody misspells a 65-letter word: a long name (up to megabytes, in
        // hostile input) gets no suggestion rather than a table of its size.
        let length = word.count
        guard length <= 64 else { return nil }
        let limit = max(1, length / 3)
        var best: (word: String, distance: Int)?
        // Words whose lengths differ by more than the limit cannot be within it.
        for candidate in candidates where candidate != word && abs(candidate.count - length) <= limit {
            let distance = editDistance(word, candidate)
            guard distance <= limit else { continue }
            // Ties go to the alphabetically first word so suggestions are stable.
            if let current = best, (distance, candidate) >= (current.distance, current.word) { continue }
            best = (candidate, distance)
        }
        return best?.word
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased().unicodeScalars)
        let b = Array(b.lowercased().unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Words here are short (commands, settings, variable names), so a full table is fine.
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
