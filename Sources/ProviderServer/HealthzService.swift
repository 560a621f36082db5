import ServiceLifecycle

/// `/healthz` as a lifecycle service.
struct HealthzService: Service {
    let server: HealthzServer

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.run()
        } onGracefulShutdown: {
            server.close()
        }
    }
}
