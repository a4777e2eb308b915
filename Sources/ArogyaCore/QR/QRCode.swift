/// A QR code (ISO/IEC 18004) for short text such as an ABHA number or address: numeric mode for digits
/// alone (an ABHA number's 14 fit the smallest code, 21 modules a side), else byte mode; error correction
/// level M (15% of the code may be lost and still read); versions 1 to 6 (21 to 41 modules a side, up to
/// 106 bytes); the mask with the lowest penalty. Small on purpose: what a card prints is short,
/// and a small code is what an 80×24 terminal can show whole for a phone camera.
public struct QRCode: Sendable, Equatable {
    /// Modules a side.
    public let size: Int
    /// Row by row, true for a dark module.
    public let modules: [[Bool]]
    public let version: Int
    public let mask: Int

    public enum Failure: Error, Equatable {
        /// More than version 6 at level M holds.
        case tooLong(bytes: Int, limit: Int)
    }

    /// Numeric mode for digits only (3 digits in 10 bits), byte mode (UTF-8) for anything else.
    enum Mode {
        case numeric, byte

        init(_ text: String) {
            self = !text.isEmpty && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } ? .numeric : .byte
        }
    }

    /// Level M's layout for versions 1–6: data codewords per block, blocks, error-correction codewords per block.
    static let layouts: [(dataPerBlock: Int, blocks: Int, eccPerBlock: Int)] = [
        (16, 1, 10), (28, 1, 16), (44, 1, 26), (32, 2, 18), (43, 2, 24), (27, 4, 16),
    ]
    /// The second alignment pattern's centre (the first is always 6), versions 2–6.
    static let alignmentCentres = [0, 18, 22, 26, 30, 34]

    public static var maximumBytes: Int { layouts[5].dataPerBlock * layouts[5].blocks - 2 }

    /// `mask` forces one of the eight masks (for tests); else the one with the lowest penalty is chosen.
    public init(_ text: String, mask forced: Int? = nil) throws(Failure) {
        let bits = Self.segmentBits(text)
        guard let version = Self.layouts.firstIndex(where: { $0.dataPerBlock * $0.blocks * 8 >= bits.count }).map({ $0 + 1 }) else {
            throw .tooLong(bytes: text.utf8.count, limit: Self.maximumBytes)
        }
        let layout = Self.layouts[version - 1]
        let codewords = Self.interleave(Self.dataCodewords(bits, capacity: layout.dataPerBlock * layout.blocks), layout: layout)
        var best: (matrix: Matrix, mask: Int, penalty: Int)?
        for mask in forced.map({ [$0] }) ?? Array(0..<8) {
            var matrix = Matrix(version: version)
            matrix.placeData(codewords, mask: mask)
            matrix.placeFormat(mask: mask)
            let penalty = matrix.penalty()
            if best == nil || penalty < best!.penalty { best = (matrix, mask, penalty) }
        }
        self.version = version
        self.size = best!.matrix.size
        self.modules = best!.matrix.dark
        self.mask = best!.mask
    }

    // MARK: - Data

    /// One segment as versions 1–9 write it. Numeric: 0001, a 10-bit count, each 3 digits in 10 bits (2 in
    /// 7, 1 in 4). Byte: 0100, an 8-bit count, the bytes.
    static func segmentBits(_ text: String) -> [Bool] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        let bytes = Array(text.utf8)
        switch Mode(text) {
        case .numeric:
            append(0b0001, 4)
            append(bytes.count, 10)
            var start = 0
            while start < bytes.count {
                let group = bytes[start..<min(start + 3, bytes.count)]
                append(group.reduce(0) { $0 * 10 + Int($1 - 48) }, [0, 4, 7, 10][group.count])
                start += 3
            }
        case .byte:
            append(0b0100, 4)
            append(bytes.count, 8)
            for byte in bytes { append(Int(byte), 8) }
        }
        return bits
    }

    /// The segment, a terminator of up to four zeros, zeros to a whole byte, then the pad bytes 0xEC 0x11 in turn.
    static func dataCodewords(_ segment: [Bool], capacity: Int) -> [UInt8] {
        var bits = segment
        bits.append(contentsOf: repeatElement(false, count: min(4, capacity * 8 - bits.count)))
        while bits.count % 8 != 0 { bits.append(false) }
        var words: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while words.count < capacity {
            words.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return words
    }

    /// Splits the data into blocks, adds each block's Reed–Solomon codewords, and interleaves them as the
    /// standard reads them: the data column by column, then the error correction.
    static func interleave(_ data: [UInt8], layout: (dataPerBlock: Int, blocks: Int, eccPerBlock: Int)) -> [UInt8] {
        let blocks = (0..<layout.blocks).map { Array(data[$0 * layout.dataPerBlock..<($0 + 1) * layout.dataPerBlock]) }
        let corrections = blocks.map { ReedSolomon.remainder($0, degree: layout.eccPerBlock) }
        var out: [UInt8] = []
        for column in 0..<layout.dataPerBlock { for block in blocks { out.append(block[column]) } }
        for column in 0..<layout.eccPerBlock { for block in corrections { out.append(block[column]) } }
        return out
    }

    // MARK: - The matrix

    struct Matrix {
        let size: Int
        let version: Int
        var dark: [[Bool]]
        /// Modules of the finder, timing, alignment and format patterns, which data never covers.
        var reserved: [[Bool]]

        init(version: Int) {
            self.version = version
            size = 17 + 4 * version
            dark = Array(repeating: Array(repeating: false, count: size), count: size)
            reserved = dark
            for (row, column) in [(0, 0), (0, size - 7), (size - 7, 0)] { placeFinder(row: row, column: column) }
            // Between the finders only: their own edges are dark throughout.
            for index in 8..<(size - 8) {
                set(6, index, index % 2 == 0)
                set(index, 6, index % 2 == 0)
            }
            if version >= 2 {
                let far = QRCode.alignmentCentres[version - 1]
                placeAlignment(centreRow: far, centreColumn: far)
            }
            // The format areas, filled in after the mask is chosen, and the one module always dark.
            for index in 0...8 {
                reserved[8][index] = true
                reserved[index][8] = true
            }
            for index in 0..<8 {
                reserved[8][size - 1 - index] = true
                reserved[size - 1 - index][8] = true
            }
            set(size - 8, 8, true)
        }

        mutating func set(_ row: Int, _ column: Int, _ value: Bool) {
            dark[row][column] = value
            reserved[row][column] = true
        }

        /// A finder (7×7 rings) with its light separator, clipped at the edges.
        mutating func placeFinder(row: Int, column: Int) {
            for dy in -1...7 {
                for dx in -1...7 {
                    let r = row + dy, c = column + dx
                    guard r >= 0, r < size, c >= 0, c < size else { continue }
                    let ring = max(abs(dy - 3), abs(dx - 3))
                    set(r, c, ring != 2 && ring != 4)
                }
            }
        }

        mutating func placeAlignment(centreRow: Int, centreColumn: Int) {
            for dy in -2...2 {
                for dx in -2...2 { set(centreRow + dy, centreColumn + dx, max(abs(dy), abs(dx)) != 1) }
            }
        }

        static func masked(_ mask: Int, row: Int, column: Int) -> Bool {
            switch mask {
            case 0: (row + column) % 2 == 0
            case 1: row % 2 == 0
            case 2: column % 3 == 0
            case 3: (row + column) % 3 == 0
            case 4: (row / 2 + column / 3) % 2 == 0
            case 5: (row * column) % 2 + (row * column) % 3 == 0
            case 6: ((row * column) % 2 + (row * column) % 3) % 2 == 0
            default: ((row + column) % 2 + (row * column) % 3) % 2 == 0
            }
        }

        /// The codewords' bits in the standard's zigzag: two columns at a time from the right, up then
        /// down, stepping over the vertical timing pattern; the remainder bits stay light before masking.
        mutating func placeData(_ codewords: [UInt8], mask: Int) {
            var bitIndex = 0
            let totalBits = codewords.count * 8
            var upward = true
            var right = size - 1
            while right > 0 {
                if right == 6 { right -= 1 }
                for step in 0..<size {
                    let row = upward ? size - 1 - step : step
                    for column in [right, right - 1] where !reserved[row][column] {
                        var bit = false
                        if bitIndex < totalBits {
                            bit = (codewords[bitIndex / 8] >> (7 - bitIndex % 8)) & 1 == 1
                            bitIndex += 1
                        }
                        dark[row][column] = bit != Self.masked(mask, row: row, column: column)
                    }
                }
                upward.toggle()
                right -= 2
            }
        }

        /// Level M (00) and the mask, with BCH(15,5) check bits under the standard's 101010000010010 mask,
        /// in both copies.
        mutating func placeFormat(mask: Int) {
            let data = (0b00 << 3) | mask
            var remainder = data << 10
            for shift in stride(from: 14, through: 10, by: -1) where remainder & (1 << shift) != 0 {
                remainder ^= 0x537 << (shift - 10)
            }
            let bits = ((data << 10) | remainder) ^ 0x5412
            func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
            // Around the top-left finder: bits 0–7 down column 8 (skipping the timing row), 8–14 along row 8.
            let columnEight = [0, 1, 2, 3, 4, 5, 7, 8]
            for index in 0..<6 { dark[columnEight[index]][8] = bit(index) }
            dark[7][8] = bit(6)
            dark[8][8] = bit(7)
            dark[8][7] = bit(8)
            for index in 9..<15 { dark[8][14 - index] = bit(index) }
            // The second copy: bits 0–7 along row 8 from the right, 8–14 up column 8 from the bottom.
            for index in 0..<8 { dark[8][size - 1 - index] = bit(index) }
            for index in 8..<15 { dark[size - 15 + index][8] = bit(index) }
        }

        /// The standard's four penalties: runs of five or more, 2×2 blocks, finder-like patterns, and
        /// imbalance of dark and light.
        func penalty() -> Int {
            var score = 0
            func lines(_ byRow: Bool) -> [[Bool]] {
                byRow ? dark : (0..<size).map { column in dark.map { $0[column] } }
            }
            for line in lines(true) + lines(false) {
                var run = 1
                for index in 1..<size {
                    if line[index] == line[index - 1] {
                        run += 1
                    } else {
                        if run >= 5 { score += run - 2 }
                        run = 1
                    }
                }
                if run >= 5 { score += run - 2 }
                let pattern: [Bool] = [true, false, true, true, true, false, true]
                for start in 0...(size - 7) where Array(line[start..<start + 7]) == pattern {
                    let before = start >= 4 && !line[start - 4..<start].contains(true)
                    let after = start + 11 <= size && !line[start + 7..<start + 11].contains(true)
                    if before || after { score += 40 }
                }
            }
            for row in 0..<(size - 1) {
                for column in 0..<(size - 1) {
                    let value = dark[row][column]
                    if dark[row][column + 1] == value && dark[row + 1][column] == value && dark[row + 1][column + 1] == value { score += 3 }
                }
            }
            let darkCount = dark.reduce(0) { $0 + $1.filter { $0 }.count }
            let percent = darkCount * 100 / (size * size)
            score += abs(percent - 50) / 5 * 10
            return score
        }
    }
}

/// Reed–Solomon error correction over GF(256) with QR's polynomial x⁸ + x⁴ + x³ + x² + 1.
enum ReedSolomon {
    static let (exponents, logarithms): ([UInt8], [Int]) = {
        var exponents = [UInt8](repeating: 0, count: 256)
        var logarithms = [Int](repeating: 0, count: 256)
        var value = 1
        for power in 0..<255 {
            exponents[power] = UInt8(value)
            logarithms[value] = power
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        exponents[255] = exponents[0]
        return (exponents, logarithms)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return exponents[(logarithms[Int(a)] + logarithms[Int(b)]) % 255]
    }

    /// The generator (x − α⁰)(x − α¹)…(x − α^(degree−1)), highest power first, leading 1 left out.
    static func generator(degree: Int) -> [UInt8] {
        var polynomial: [UInt8] = [1]
        for power in 0..<degree {
            var next = [UInt8](repeating: 0, count: polynomial.count + 1)
            for (index, coefficient) in polynomial.enumerated() {
                next[index] ^= coefficient
                next[index + 1] ^= multiply(coefficient, exponents[power])
            }
            polynomial = next
        }
        return Array(polynomial.dropFirst())
    }

    /// The remainder of data·x^degree divided by the generator: the error-correction codewords.
    static func remainder(_ data: [UInt8], degree: Int) -> [UInt8] {
        let generator = generator(degree: degree)
        var remainder = [UInt8](repeating: 0, count: degree)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in 0..<degree { remainder[index] ^= multiply(generator[index], factor) }
        }
        return remainder
    }
}
