/// Summary figures of repeated measurements.
struct Summary {
    let count: Int
    let minimum: Double
    let median: Double
    let p95: Double
    let p99: Double
    let maximum: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        minimum = sorted.first ?? 0
        maximum = sorted.last ?? 0
        median = Summary.percentile(sorted, 0.5)
        p95 = Summary.percentile(sorted, 0.95)
        p99 = Summary.percentile(sorted, 0.99)
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}

func formatted(_ value: Double, digits: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return String(rounded)
}

/// A figure to the unit, with thousands apart: "12,345".
func whole(_ value: Double) -> String {
    guard value.isFinite else { return "—" }
    let digits = String(Int(value.rounded()))
    var grouped = ""
    for (index, character) in digits.reversed().enumerated() {
        if index > 0 && index % 3 == 0 && character != "-" { grouped.append(",") }
        grouped.append(character)
    }
    return String(grouped.reversed())
}
