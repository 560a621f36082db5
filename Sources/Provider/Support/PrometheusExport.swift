import CoreMetrics
import Prometheus
import ProviderMetrics

/// The Prometheus backend of the provider's metrics: swift-metrics records into a registry, which `/metrics`
/// renders with the process's own figures refreshed first.
struct PrometheusExport: Sendable {
    let registry = PrometheusCollectorRegistry()
    let process: ProcessMetrics

    /// Installs the backend for the whole process. Call once, before anything records.
    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        let buckets = ProviderMetrics.requestBuckets.map { Duration.milliseconds(Int64($0 * 1000)) }
        factory.durationHistogramBuckets = [
            ProviderMetrics.Name.keyVaultRequest: buckets, ProviderMetrics.Name.grpcRequest: buckets,
        ]
        MetricsSystem.bootstrap(factory)
        process = ProcessMetrics(registry: registry)
    }

    /// The text exposition, as `/metrics` serves it.
    func render() -> [UInt8] {
        process.refresh()
        return registry.emitToBuffer()
    }
}
