import Foundation
import Prometheus
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The standard `process_*` metrics of a Prometheus client (resident and virtual memory, CPU seconds, open and
/// maximum file descriptors, start time, threads), read from `/proc/self` whenever `/metrics` is scraped.
final class ProcessMetrics: Sendable {
    private let residentMemory: Gauge
    private let virtualMemory: Gauge
    private let openFDs: Gauge
    private let maxFDs: Gauge
    private let startTime: Gauge
    private let threads: Gauge
    private let cpuSeconds: Counter
    /// CPU seconds already added to the counter (a counter only goes up by increments).
    private let countedCPU = Mutex(0.0)

    init(registry: PrometheusCollectorRegistry) {
        func gauge(_ name: String, _ unit: String, _ help: String) -> Gauge {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "process", metricName: name, unitName: unit, helpText: help)
            )
        }
        residentMemory = gauge("resident_memory", "bytes", "Resident memory size in bytes.")
        virtualMemory = gauge("virtual_memory", "bytes", "Virtual memory size in bytes.")
        openFDs = gauge("open", "fds", "Number of open file descriptors.")
        maxFDs = gauge("max", "fds", "Maximum number of open file descriptors.")
        startTime = gauge("start_time", "seconds", "Start time of the process since the Unix epoch in seconds.")
        threads = gauge("threads", "", "Number of OS threads in the process.")
        cpuSeconds = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "process", metricName: "cpu_seconds", unitName: "total",
                helpText: "Total user and system CPU time spent in seconds."))
    }

    func refresh() {
        if let stat = Self.stat() {
            residentMemory.set(to: stat.residentBytes)
            virtualMemory.set(to: stat.virtualBytes)
            threads.set(to: stat.threads)
            startTime.set(to: stat.startTime)
            let delta = countedCPU.withLock { counted in
                defer { counted = max(counted, stat.cpuSeconds) }
                return max(0, stat.cpuSeconds - counted)
            }
            if delta > 0 { cpuSeconds.increment(by: delta) }
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openFDs.set(to: Double(entries.count))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maxFDs.set(to: Double(limit.rlim_cur)) }
    }

    struct Stat {
        var residentBytes: Double
        var virtualBytes: Double
        var cpuSeconds: Double
        var threads: Double
        var startTime: Double
    }

    /// `/proc/self/stat`: fields after the command name (which may hold spaces) are counted from its `)`.
    static func stat() -> Stat? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After the `)`: field 3 of proc(5) (the state letter), then fields 4, 5, ...: field N is at N - 3.
        let fields = text[text.index(after: close)...].split(separator: " ").map { Double($0) ?? 0 }
        func field(_ number: Int) -> Double { number - 3 < fields.count ? fields[number - 3] : 0 }
        guard fields.count > 21 else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        // 14 utime, 15 stime (ticks), 20 num_threads, 22 starttime (ticks since boot), 23 vsize, 24 rss (pages).
        return Stat(
            residentBytes: field(24) * pageSize, virtualBytes: field(23), cpuSeconds: (field(14) + field(15)) / ticks,
            threads: field(20), startTime: bootTime() + field(22) / ticks)
    }

    /// Seconds since the epoch at boot (`btime` in `/proc/stat`), for the start time, which proc(5) counts in
    /// ticks since boot.
    static func bootTime() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("btime ") })
        else { return 0 }
        return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? 0
    }
}
