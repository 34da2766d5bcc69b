import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// Prometheus metrics for the process: request counts and latencies per route (Hummingbird's
/// MetricsMiddleware) and decisions per gate outcome. Bootstrapped once per process.
enum Observability {
    static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped = Mutex(false)

    static func bootstrap() {
        bootstrapped.withLock { done in
            guard !done else { return }
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            done = true
        }
    }
}
