import Foundation

/// CSV as RFC 4180 writes it: every field quoted when it holds a comma, a quote or a line break (quotes
/// doubled), lines ended with CRLF. Fields are single lines already; a spreadsheet opens it as UTF-8.
public enum CSV {
    public static func field(_ text: String) -> String {
        let cleaned = TextSanitizer.singleLine(text)
        guard cleaned.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || cleaned != cleaned.trimmingCharacters(in: .whitespaces) else {
            return cleaned
        }
        return "\"" + cleaned.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func document(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }
}
