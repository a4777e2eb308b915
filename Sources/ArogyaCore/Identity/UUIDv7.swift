import Foundation

/// Record identifiers made on the device: RFC 9562 version 7 UUIDs.
///
/// The first 48 bits are the Unix time in milliseconds, so ids made later sort later and index pages
/// fill in order; the other 74 bits are random, so two clinics offline at the same moment never collide.
public enum UUIDv7 {
    public static func make(at timestamp: Timestamp) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return make(at: timestamp, using: &generator)
    }

    public static func make<G: RandomNumberGenerator>(at timestamp: Timestamp, using generator: inout G) -> UUID {
        let millis = UInt64(max(0, timestamp.millisecondsSince1970)) & 0xFFFF_FFFF_FFFF
        let random = (generator.next() as UInt64, generator.next() as UInt64)
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index))) }
        for index in 6..<16 { bytes[index] = UInt8(truncatingIfNeeded: (index < 14 ? random.0 : random.1) >> (8 * (index % 8))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// A new id as the lower-case text the store keeps.
    public static func string(at timestamp: Timestamp) -> String {
        make(at: timestamp).uuidString.lowercased()
    }
}
