import Foundation

/// How long a server asked us to wait before retrying.
enum RetryAfter {
    /// Reads `retry-after-ms` / `x-ms-retry-after-ms` (milliseconds, Azure's spelling) or `Retry-After`
    /// (delay-seconds or an HTTP date, RFC 9110 §10.2.3). `nil` when absent or unreadable.
    static func delay(headers: [(name: String, value: String)], now: Date) -> Duration? {
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name }?.value.trimmingCharacters(in: .whitespaces)
        }
        for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
            if let text = header(name), let millis = Double(text), millis.isFinite, millis >= 0 {
                return .milliseconds(Int64(min(millis, 86_400_000)))
            }
        }
        guard let text = header("retry-after") else { return nil }
        return parse(text, now: now)
    }

    static func parse(_ text: String, now: Date) -> Duration? {
        if let seconds = Int64(text) {
            return seconds >= 0 ? .seconds(min(seconds, 86_400)) : nil
        }
        guard let date = httpDate(text) else { return nil }
        let interval = date.timeIntervalSince(now)
        return .milliseconds(Int64(max(0, min(interval, 86_400)) * 1000))
    }

    /// IMF-fixdate plus the two obsolete forms recipients must accept (RFC 9110 §5.6.7).
    static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text.replacingOccurrences(of: "  ", with: " ")) { return date }
        }
        return nil
    }
}
