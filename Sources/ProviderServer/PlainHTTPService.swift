import ServiceLifecycle

/// A `PlainHTTPServer` as a lifecycle service: it stops accepting on SIGTERM.
struct PlainHTTPService: Service {
    let server: PlainHTTPServer

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.run()
        } onGracefulShutdown: {
            server.close()
        }
    }
}
