/// Which of several pages with unclear answers landed, told from the two
/// numbers the session shows: how many more pages it accepted, and how many
/// more records. Each unclear page either landed whole or not at all (pages
/// are atomic), so the pages that landed are a set whose size is the first
/// number and whose records add up to the second.
enum LandedPages: Equatable {
    /// Exactly one set of pages fits: these (indices into the sizes given).
    case landed([Int])
    /// No set fits: someone else changed the session.
    case impossible
    /// Several sets fit: which pages landed cannot be told.
    case ambiguous

    static func resolve(sizes: [Int], batches: Int, records: Int) -> LandedPages {
        let k = sizes.count
        guard batches >= 0, records >= 0, batches <= k, records <= sizes.reduce(0, +) else { return .impossible }
        if batches == 0 { return records == 0 ? .landed([]) : .impossible }
        // ways[i][c][r]: how many sets of c pages among the first i hold r
        // records, counted up to 2 (more than one is all that matters).
        let width = records + 1
        let layer = (batches + 1) * width
        var ways = [UInt8](repeating: 0, count: (k + 1) * layer)
        ways[0] = 1
        for i in 0..<k {
            let from = i * layer
            let to = (i + 1) * layer
            for c in 0...batches {
                for r in 0..<width {
                    var n = ways[from + c * width + r]
                    if c > 0, r >= sizes[i] { n = min(2, n + ways[from + (c - 1) * width + r - sizes[i]]) }
                    ways[to + c * width + r] = n
                }
            }
        }
        switch ways[k * layer + batches * width + records] {
        case 0: return .impossible
        case 1: break
        default: return .ambiguous
        }
        var chosen: [Int] = []
        var c = batches
        var r = records
        for i in stride(from: k - 1, through: 0, by: -1) where c > 0 {
            // The one set either leaves page i out (fits among the first i) or takes it.
            if ways[i * layer + c * width + r] == 0 {
                chosen.append(i)
                c -= 1
                r -= sizes[i]
            }
        }
        return .landed(chosen.reversed())
    }

    /// Whether pages of these sizes, in flight together, can always be told
    /// apart afterwards: no two different sets with as many pages hold as
    /// many records. Checked by listing the sets, so only for a few pages.
    static func identifiable(_ sizes: [Int]) -> Bool {
        let n = sizes.count
        guard n > 1 else { return true }
        guard n <= 12 else { return false }
        var seen = Set<Int>()
        for mask in 0..<(1 << n) {
            var sum = 0
            var count = 0
            for i in 0..<n where mask & (1 << i) != 0 {
                sum += sizes[i]
                count += 1
            }
            guard seen.insert(count << 32 | sum).inserted else { return false }
        }
        return true
    }
}
