import CoreMetrics
import Synchronization

/// Every metric the provider records, in one place: names, labels and how each is recorded, through
/// swift-metrics (the process bootstraps the Prometheus backend; without it, recording does nothing).
///
/// Every label is bounded: object types, gRPC methods and codes, identity modes, short error classes. No label
/// or value ever holds a secret, a token, an object value or an error text. `keyvault_request` and
/// `grpc_request` keep the Go provider's names, buckets and the labels dashboards group by.
public enum ProviderMetrics {
    public enum Name {
        /// Histogram, seconds: one Key Vault read sent (labels `object_type`, `error`, optionally `object_name`).
        public static let keyVaultRequest = "keyvault_request"
        /// Histogram, seconds: one gRPC call (labels `grpc_method`, `grpc_code`).
        public static let grpcRequest = "grpc_request"
        /// Counter: token requests to Entra ID, IMDS or NMI (labels `mode`, `result`).
        public static let tokenRequests = "azure_provider_token_requests_total"
        /// Counter: tokens served from the cache without a request (label `mode`).
        public static let tokenCacheHits = "azure_provider_token_cache_hits_total"
        /// Counter: Key Vault reads answered by another read instead of a request of their own (label `scope`:
        /// `mounts` when another mount's read was joined, `mount` when the same mount had read it already).
        public static let sharedReads = "azure_provider_keyvault_shared_reads_total"
        /// Counter: HTTP attempts retried (label `reason`: `throttled`, `server_error`, `timeout`, `network`).
        public static let retries = "azure_provider_http_retries_total"
        /// Counter: Key Vault answers by status class (label `status_class`: `2xx`, `4xx`, `5xx`).
        public static let keyVaultResponses = "azure_provider_keyvault_responses_total"
        /// Gauge: mounts being served now.
        public static let mountsInFlight = "azure_provider_mounts_in_flight"
        /// Counter: objects whose version changed since the driver's last mount (rotation).
        public static let rotationChanges = "azure_provider_rotation_changes_total"
        /// Counter: optional objects skipped because they do not exist.
        public static let optionalObjectsMissing = "azure_provider_optional_objects_missing_total"
    }

    /// On the Go provider's two histograms, for the dashboards written for it.
    public static let constantLabels = [("provider", "azure"), ("os_type", "linux")]
    /// The Go provider's buckets (seconds) for both histograms.
    public static let requestBuckets: [Double] = [0.1, 0.2, 0.3, 0.4, 0.5, 1, 1.5, 2, 2.5, 3, 5, 10, 15, 30]

    public static func keyVaultRequest(objectType: String, objectName: String?, error: String, duration: Duration) {
        var labels = [("object_type", objectType), ("error", error)] + constantLabels
        if let objectName { labels.append(("object_name", objectName)) }
        Timer(label: Name.keyVaultRequest, dimensions: labels).recordNanoseconds(nanoseconds(duration))
    }

    public static func grpcRequest(method: String, code: String, duration: Duration) {
        Timer(label: Name.grpcRequest, dimensions: [("grpc_method", method), ("grpc_code", code)] + constantLabels)
            .recordNanoseconds(nanoseconds(duration))
    }

    public static func tokenRequest(mode: String, result: String) {
        Counter(label: Name.tokenRequests, dimensions: [("mode", mode), ("result", result)]).increment()
    }

    public static func tokenCacheHit(mode: String) {
        Counter(label: Name.tokenCacheHits, dimensions: [("mode", mode)]).increment()
    }

    public static func sharedRead(scope: String) {
        Counter(label: Name.sharedReads, dimensions: [("scope", scope)]).increment()
    }

    public static func retry(reason: String) {
        Counter(label: Name.retries, dimensions: [("reason", reason)]).increment()
    }

    public static func keyVaultResponse(status: Int) {
        Counter(label: Name.keyVaultResponses, dimensions: [("status_class", "\(status / 100)xx")]).increment()
    }

    public static func rotationChanges(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: Name.rotationChanges).increment(by: count)
    }

    public static func optionalObjectMissing() {
        Counter(label: Name.optionalObjectsMissing).increment()
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private static let inFlight = Atomic<Int>(0)

    /// A mount began; pair with `mountEnded()`.
    public static func mountStarted() {
        Gauge(label: Name.mountsInFlight).record(inFlight.add(1, ordering: .relaxed).newValue)
    }

    public static func mountEnded() {
        Gauge(label: Name.mountsInFlight).record(inFlight.subtract(1, ordering: .relaxed).newValue)
    }
}
