import Foundation
import Testing

@testable import Provider

/// The `process_*` figures come from `/proc/self`, read the way proc(5) lays the fields out.
@Suite struct ProcessMetricsTests {
    @Test func theTestProcessReadsAsItself() throws {
        let stat = try #require(ProcessMetrics.stat())
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        // statm's second field is the resident size in pages, as stat's 24th: equal up to what ran in between.
        let resident = try #require(Double(statm[1])) * pageSize
        #expect(abs(stat.residentBytes - resident) < 64 * 1024 * 1024)
        #expect(stat.residentBytes > 1024 * 1024)
        #expect(stat.virtualBytes >= stat.residentBytes)
        #expect(stat.threads >= 1)
        let now = Date().timeIntervalSince1970
        #expect(stat.startTime > now - 3600 && stat.startTime <= now + 1)
        #expect(stat.cpuSeconds > 0)
    }
}
