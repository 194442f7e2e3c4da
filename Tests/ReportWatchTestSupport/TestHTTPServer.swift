import Foundation
import Glibc
import Synchronization

// A small HTTP/1.1 server on loopback for tests: real sockets, one thread per connection,
// keep-alive, recorded requests, and faults: a delay, and answers written byte by byte (a drip,
// an empty reply, a reset, a truncated or endless body, a listener that goes away and comes back).

/// One request as the server parsed it.
public struct TestHTTPRequest: Sendable {
    public let method: String
    /// The request target as sent, query included (`/a/b?x=1`).
    public let path: String
    /// Header names are lowercased; repeated headers are joined with ", ".
    public let headers: [String: String]
    public let body: [UInt8]
    public let receivedAt: Date
    /// Requests sent on the same connection share this number.
    public let connectionID: Int

    public init(
        method: String, path: String, headers: [String: String], body: [UInt8],
        receivedAt: Date = Date(), connectionID: Int = 0
    ) {
        self.method = method
        self.path = path
        self.headers = Dictionary(
            headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.body = body
        self.receivedAt = receivedAt
        self.connectionID = connectionID
    }

    /// The path without its query.
    public var pathWithoutQuery: String {
        path.firstIndex(of: "?").map { String(path[..<$0]) } ?? path
    }

    /// The query after `?`, if any.
    public var query: String? {
        path.firstIndex(of: "?").map { String(path[path.index(after: $0)...]) }
    }

    /// Case-insensitive header lookup.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    public var bodyString: String {
        String(decoding: body, as: UTF8.self)
    }
}

/// What the server answers, including the fault to inject.
public struct TestHTTPResponse: Sendable {
    public var status: Int
    /// Sent as given; `Content-Length` is always computed from `body` and a given one is ignored.
    public var headers: [String: String]
    public var body: [UInt8]
    /// Wait this long before answering (interrupted by `stop()`).
    public var delay: Duration?
    /// Writes the whole answer in place of the server (see ``raw(_:)``); the fields above but
    /// `delay` are then not used.
    public var writer: (@Sendable (TestHTTPConnection) -> Void)?

    public init(status: Int = 200, headers: [String: String] = [:], body: [UInt8] = [], delay: Duration? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
    }

    public init(status: Int = 200, headers: [String: String] = [:], body: String) {
        self.init(status: status, headers: headers, body: Array(body.utf8))
    }

    /// An answer the test writes byte by byte itself, status line included, for what a sound
    /// server never sends: framing cut short, a body made while it is sent, a pace of its own.
    /// The connection closes when `write` returns.
    public static func raw(_ write: @escaping @Sendable (TestHTTPConnection) -> Void) -> TestHTTPResponse {
        TestHTTPResponse().written(by: write)
    }

    public static func ok(
        _ body: String, contentType: String = "text/html; charset=utf-8",
        headers: [String: String] = [:]
    ) -> TestHTTPResponse {
        ok(bytes: Array(body.utf8), contentType: contentType, headers: headers)
    }

    public static func ok(
        bytes: [UInt8], contentType: String, headers: [String: String] = [:]
    ) -> TestHTTPResponse {
        var all = headers
        all["Content-Type"] = contentType
        return TestHTTPResponse(status: 200, headers: all, body: bytes)
    }

    /// A response with this status and a short plain-text body (none for 204 and 304).
    public static func status(_ status: Int, headers: [String: String] = [:]) -> TestHTTPResponse {
        guard hasBody(status) else { return TestHTTPResponse(status: status, headers: headers) }
        var all = headers
        if !all.keys.contains(where: { $0.lowercased() == "content-type" }) {
            all["Content-Type"] = "text/plain; charset=utf-8"
        }
        let text = "\(status) \(TestHTTPServer.reasonPhrase(status))\n"
        return TestHTTPResponse(status: status, headers: all, body: Array(text.utf8))
    }

    public static func notModified(headers: [String: String] = [:]) -> TestHTTPResponse {
        TestHTTPResponse(status: 304, headers: headers)
    }

    /// A redirect with a `Location` header.
    public static func redirect(to location: String, status: Int = 302) -> TestHTTPResponse {
        TestHTTPResponse(status: status, headers: ["Location": location])
    }

    /// The connection closes right after the request is read: the client sees an empty reply.
    public static var emptyReply: TestHTTPResponse {
        .raw { _ in }
    }

    /// Like `emptyReply`, but the client sees a connection reset.
    public static var connectionReset: TestHTTPResponse {
        .raw { $0.resetOnClose() }
    }

    public func delayed(by delay: Duration) -> TestHTTPResponse {
        var copy = self
        copy.delay = delay
        return copy
    }

    /// Sends this response's headers at once, then its body at about this rate, then closes.
    public func dripped(bytesPerSecond rate: Int) -> TestHTTPResponse {
        let head = head(keepAlive: false)
        let body = body
        // Even pieces, at most 20 a second.
        let piece = max(1, rate / 20)
        let interval = Duration.seconds(Double(piece) / Double(max(1, rate)))
        return written { connection in
            guard connection.send(head) else { return }
            var offset = 0
            while offset < body.count {
                let end = min(offset + piece, body.count)
                guard connection.send(body[offset..<end]) else { return }
                offset = end
                if offset < body.count, !connection.pause(for: interval) { return }
            }
        }
    }

    /// Declares this response's full `Content-Length`, sends only `count` bytes of its body, then
    /// closes.
    public func truncated(at count: Int) -> TestHTTPResponse {
        let head = head(keepAlive: false)
        let part = body.prefix(max(0, count))
        return written { _ = $0.send(head) && $0.send(part) }
    }

    /// This response with its body gzipped and `Content-Encoding: gzip` set.
    public func gzipEncoded() throws -> TestHTTPResponse {
        var copy = self
        copy.body = try TestHTTPServer.gzipped(body)
        copy.headers["Content-Encoding"] = "gzip"
        return copy
    }

    private func written(by writer: @escaping @Sendable (TestHTTPConnection) -> Void) -> TestHTTPResponse {
        var copy = self
        copy.writer = writer
        return copy
    }

    static func hasBody(_ status: Int) -> Bool {
        !(status == 204 || status == 304 || (100..<200).contains(status))
    }

    /// The status line and headers as sent: `Date` unless given, `Content-Length` from `body`
    /// (none for a status without a body) and `Connection`.
    func head(keepAlive: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(TestHTTPServer.reasonPhrase(status))\r\n"
        let given = headers.filter { !["content-length", "connection"].contains($0.key.lowercased()) }
        if !given.keys.contains(where: { $0.lowercased() == "date" }) {
            head += "Date: \(TestHTTPServer.httpDate(Date()))\r\n"
        }
        for (name, value) in given.sorted(by: { $0.key < $1.key }) {
            head += "\(name): \(value)\r\n"
        }
        if Self.hasBody(status) {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return Array(head.utf8)
    }

    /// Whether the handler asked to close the connection after this response.
    var closes: Bool {
        headers.contains { $0.key.lowercased() == "connection" && $0.value.lowercased().contains("close") }
    }
}

/// Where a ``TestHTTPResponse/raw(_:)`` answer is written. The server closes it when the writer
/// returns.
public struct TestHTTPConnection: Sendable {
    fileprivate let fd: Int32
    fileprivate let core: TestHTTPServerCore

    /// Sends all of `bytes`; false once the client has gone or the server is stopping, when the
    /// writer should return.
    @discardableResult
    public func send(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.withContiguousStorageIfAvailable { sendAll(fd, UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { sendAll(fd, $0) }
    }

    @discardableResult
    public func send(_ text: String) -> Bool {
        send(Array(text.utf8))
    }

    /// Waits, to pace what is sent; false if the server stopped meanwhile.
    public func pause(for duration: Duration) -> Bool {
        core.sleepUnlessStopped(duration)
    }

    /// Makes the close that ends the answer a reset (SO_LINGER 0): the client sees ECONNRESET
    /// rather than the end of the stream.
    public func resetOnClose() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }
}

public enum TestHTTPServerError: Error, CustomStringConvertible {
    case socket(call: String, errno: Int32)
    case invalidHost(String)
    case gzipFailed(status: Int32)

    public var description: String {
        switch self {
        case .socket(let call, let code):
            return "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .invalidHost(let host):
            return "not an IPv4 address: \(host)"
        case .gzipFailed(let status):
            return "/bin/gzip exited with status \(status)"
        }
    }
}

/// A real HTTP/1.1 server on loopback for tests. Routes and recorded requests are thread-safe;
/// `stop()` (or deinit) closes every socket and waits for the server's threads.
public final class TestHTTPServer: Sendable {
    public typealias Handler = @Sendable (TestHTTPRequest) -> TestHTTPResponse

    // The threads hold the core, not this object, so a server a test forgets to stop is still
    // stopped by deinit.
    private let core: TestHTTPServerCore

    public var host: String { core.host }
    public var port: Int { core.port }
    /// `http://127.0.0.1:PORT`
    public var baseURL: String { "http://\(core.host):\(core.port)" }

    /// Binds to an ephemeral port on `host` (an IPv4 address) and listens; `start()` accepts.
    public init(host: String = "127.0.0.1") throws {
        core = try TestHTTPServerCore(host: host)
    }

    deinit {
        core.stop()
    }

    public func start() {
        core.start()
    }

    /// Closes the listening socket and every open connection, interrupts delays and drips, then
    /// waits for the threads to end (at most 5 s for a handler that itself blocks). Safe to call
    /// more than once.
    public func stop() {
        core.stop()
    }

    /// Closes the listening socket, so new connections are refused, until ``resumeListening()``;
    /// open connections are left alone.
    public func stopListening() {
        core.stopListening()
    }

    /// Listens again on the same port after ``stopListening()``.
    public func resumeListening() throws {
        try core.resumeListening()
    }

    /// `baseURL + path`.
    public func url(_ path: String) -> String {
        baseURL + path
    }

    // MARK: Routes

    /// Serves `path` with `handler`, replacing any earlier route. A route with a query
    /// (`/search?q=a`) matches that exact target and wins; a route without one matches the path
    /// whatever the query. Anything else is answered 404.
    public func route(_ path: String, _ handler: @escaping Handler) {
        core.setRoute(path, handler)
    }

    /// Replaces what `path` serves with a fixed body (`Content-Type` defaults to HTML).
    public func set(
        _ path: String, body: String, status: Int = 200, headers: [String: String] = [:]
    ) {
        var all = headers
        if !all.keys.contains(where: { $0.lowercased() == "content-type" }) {
            all["Content-Type"] = "text/html; charset=utf-8"
        }
        set(path, response: TestHTTPResponse(status: status, headers: all, body: Array(body.utf8)))
    }

    /// Replaces what `path` serves with a fixed response.
    public func set(_ path: String, response: TestHTTPResponse) {
        route(path) { _ in response }
    }

    /// Serves the responses in turn, repeating the last once they run out.
    public func sequence(_ path: String, _ responses: [TestHTTPResponse]) {
        precondition(!responses.isEmpty, "sequence needs at least one response")
        let served = Counter()
        route(path) { _ in responses[min(served.next(), responses.count - 1)] }
    }

    // MARK: Recorded requests

    /// Every request received so far, in arrival order (a snapshot).
    public var requests: [TestHTTPRequest] {
        core.recordedRequests
    }

    /// Requests whose path without its query is `path`; or exactly `path` when it has a query.
    public func requests(forPath path: String) -> [TestHTTPRequest] {
        let all = requests
        if path.contains("?") { return all.filter { $0.path == path } }
        return all.filter { $0.pathWithoutQuery == path }
    }

    public func resetRequests() {
        core.resetRequests()
    }
}

// MARK: - Response helpers

extension TestHTTPServer {
    /// `Sun, 06 Nov 1994 08:49:37 GMT`
    public static func httpDate(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// 304 when `If-None-Match` matches `etag` (weak comparison, `*` matches), or, when there is
    /// no `If-None-Match`, when `If-Modified-Since` equals `lastModified`; otherwise 200 with the
    /// body. Both carry `ETag` and `Last-Modified`. An unquoted `etag` is quoted.
    public static func conditional(
        _ request: TestHTTPRequest, etag: String, lastModified: String?, body: String,
        contentType: String = "text/html; charset=utf-8"
    ) -> TestHTTPResponse {
        let tag = etag.hasPrefix("\"") || etag.hasPrefix("W/") ? etag : "\"\(etag)\""
        var validators = ["ETag": tag]
        if let lastModified { validators["Last-Modified"] = lastModified }

        func opaque(_ text: some StringProtocol) -> String {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed
        }
        if let ifNoneMatch = request.header("If-None-Match") {
            let candidates = ifNoneMatch.split(separator: ",").map { opaque($0) }
            if candidates.contains("*") || candidates.contains(opaque(tag)) {
                return .notModified(headers: validators)
            }
        } else if let since = request.header("If-Modified-Since"), let lastModified,
            since.trimmingCharacters(in: .whitespaces) == lastModified
        {
            return .notModified(headers: validators)
        }
        return .ok(body, contentType: contentType, headers: validators)
    }

    /// `bytes` compressed by `/bin/gzip -c -n`.
    public static func gzipped(_ bytes: [UInt8]) throws -> [UInt8] {
        try runGzip { write in
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + 65_536, bytes.count)
                guard bytes[offset..<end].withUnsafeBytes({ write($0) }) else { return }
                offset = end
            }
        }
    }

    /// The gzip of `decompressedSize` zero bytes, made without holding them in memory
    /// (1 GiB compresses to about 1 MiB).
    public static func gzipBomb(decompressedSize: Int) throws -> [UInt8] {
        try runGzip { write in
            let zeros = [UInt8](repeating: 0, count: 65_536)
            var remaining = decompressedSize
            while remaining > 0 {
                let n = min(remaining, zeros.count)
                guard zeros[0..<n].withUnsafeBytes({ write($0) }) else { return }
                remaining -= n
            }
        }
    }

    /// Feeds gzip's stdin from another thread while this one drains its stdout, so neither
    /// pipe can fill up and deadlock.
    private static func runGzip(
        _ produce: @escaping @Sendable (_ write: (UnsafeRawBufferPointer) -> Bool) -> Void
    ) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()

        let writeFD = input.fileHandleForWriting.fileDescriptor
        let writerDone = DispatchSemaphore(value: 0)
        let writer = Thread {
            // Should gzip die early, write() must fail with EPIPE rather than kill the test
            // process: block SIGPIPE on this thread only (its pending signal dies with it).
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            produce { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = write(writeFD, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    offset += n
                }
                return true
            }
            try? input.fileHandleForWriting.close()
            writerDone.signal()
        }
        writer.start()

        let data = output.fileHandleForReading.readDataToEndOfFile()
        writerDone.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestHTTPServerError.gzipFailed(status: process.terminationStatus)
        }
        return [UInt8](data)
    }

    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 410: "Gone"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }
}

// MARK: - Sockets and threads

// An NSCondition rather than a Mutex: `stop()` waits on it for the threads to end.
private final class TestHTTPServerCore: @unchecked Sendable {
    /// How long `stop()` waits for threads stuck inside a handler.
    static let stopTimeout: TimeInterval = 5

    let host: String
    let port: Int
    private let address: in_addr

    // All of the below is guarded by `lock`, whose condition is signalled when a thread ends.
    private let lock = NSCondition()
    /// -1 while not listening.
    private var listenFD: Int32
    private var started = false
    private var stopped = false
    private var accepting = false
    private var activeThreads = 0
    private var openConnections: Set<Int32> = []
    private var nextConnectionID = 1
    private var routes: [String: TestHTTPServer.Handler] = [:]
    private var recorded: [TestHTTPRequest] = []

    init(host: String) throws {
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1 else {
            throw TestHTTPServerError.invalidHost(host)
        }
        let (fd, port) = try Self.listeningSocket(address, port: 0)
        self.host = host
        self.address = address
        self.port = port
        listenFD = fd
    }

    /// A socket listening on `address`:`port` (0: any free port), and its port.
    private static func listeningSocket(_ address: in_addr, port: Int) throws -> (fd: Int32, port: Int) {
        // CLOEXEC: a child process (gzip) must not inherit the server's sockets.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestHTTPServerError.socket(call: "socket", errno: errno) }
        do {
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = UInt16(port).bigEndian
            addr.sin_addr = address
            let bound = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { throw TestHTTPServerError.socket(call: "bind", errno: errno) }
            guard listen(fd, 512) == 0 else {
                throw TestHTTPServerError.socket(call: "listen", errno: errno)
            }
            var actual = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &actual) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    getsockname(fd, $0, &length)
                }
            }
            guard named == 0 else {
                throw TestHTTPServerError.socket(call: "getsockname", errno: errno)
            }
            return (fd, Int(UInt16(bigEndian: actual.sin_port)))
        } catch {
            close(fd)
            throw error
        }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: Lifecycle

    func start() {
        locked {
            guard !started, !stopped else { return }
            started = true
            startAccepting()
        }
    }

    /// With the lock held.
    private func startAccepting() {
        guard listenFD >= 0 else { return }
        let listener = listenFD
        accepting = true
        activeThreads += 1
        let thread = Thread { [self] in
            acceptLoop(listener)
            locked {
                accepting = false
                activeThreads -= 1
                lock.broadcast()
            }
        }
        thread.name = "TestHTTPServer.accept:\(port)"
        thread.start()
    }

    func stop() {
        lock.lock()
        if !stopped {
            stopped = true
            // shutdown() wakes a thread blocked in poll/accept/recv on Linux; close() alone does
            // not, and would let the descriptor number be reused under it.
            if listenFD >= 0 { shutdown(listenFD, Int32(SHUT_RDWR)) }
            for fd in openConnections {
                shutdown(fd, Int32(SHUT_RDWR))
            }
        }
        let deadline = Date(timeIntervalSinceNow: Self.stopTimeout)
        while activeThreads > 0, lock.wait(until: deadline) {}
        if listenFD >= 0 {
            close(listenFD)
            listenFD = -1
        }
        lock.unlock()
    }

    func stopListening() {
        lock.lock()
        defer { lock.unlock() }
        guard listenFD >= 0 else { return }
        let listener = listenFD
        listenFD = -1
        shutdown(listener, Int32(SHUT_RDWR))
        let deadline = Date(timeIntervalSinceNow: Self.stopTimeout)
        while accepting, lock.wait(until: deadline) {}
        close(listener)
    }

    func resumeListening() throws {
        try locked {
            guard listenFD < 0, !stopped else { return }
            listenFD = try Self.listeningSocket(address, port: port).fd
            if started { startAccepting() }
        }
    }

    private var isStopped: Bool {
        locked { stopped }
    }

    // MARK: Routes and records

    func setRoute(_ path: String, _ handler: @escaping TestHTTPServer.Handler) {
        locked { routes[path] = handler }
    }

    private func handler(for request: TestHTTPRequest) -> TestHTTPServer.Handler? {
        locked { routes[request.path] ?? routes[request.pathWithoutQuery] }
    }

    var recordedRequests: [TestHTTPRequest] {
        locked { recorded }
    }

    func resetRequests() {
        locked { recorded.removeAll() }
    }

    private func record(_ request: TestHTTPRequest) {
        locked { recorded.append(request) }
    }

    // MARK: Accepting

    private func acceptLoop(_ listener: Int32) {
        while locked({ !stopped && listenFD == listener }) {
            var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 200) <= 0 { continue }
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == EAGAIN || errno == ECONNABORTED { continue }
                usleep(10_000)  // e.g. EMFILE: back off rather than spin (or the listener is closing)
                continue
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)  // Glibc does not export accept4
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))

            lock.lock()
            if stopped {
                lock.unlock()
                close(client)
                return
            }
            let id = nextConnectionID
            nextConnectionID += 1
            openConnections.insert(client)
            activeThreads += 1
            lock.unlock()

            let thread = Thread { [self] in
                serve(fd: client, connectionID: id)
                // Forgotten before it is closed, so stop() never shuts down a reused number.
                locked {
                    openConnections.remove(client)
                    close(client)
                    activeThreads -= 1
                    lock.broadcast()
                }
            }
            thread.name = "TestHTTPServer.connection:\(id)"
            thread.start()
        }
    }

    // MARK: One connection

    private func serve(fd: Int32, connectionID: Int) {
        var reader = RequestReader(fd: fd)
        while !isStopped {
            let parsed: RequestReader.Parsed
            do {
                guard let next = try reader.next(sendInterim: { sendAll(fd, $0) }) else { return }
                parsed = next
            } catch RequestReader.Failure.closedMidRequest {
                return
            } catch {
                let answer = TestHTTPResponse.status((error as? RequestReader.Failure) == .headersTooLarge ? 431 : 400)
                _ = sendAll(fd, answer.head(keepAlive: false) + answer.body)
                return
            }
            let request = TestHTTPRequest(
                method: parsed.method, path: parsed.target, headers: parsed.headers,
                body: parsed.body, receivedAt: Date(), connectionID: connectionID)
            record(request)

            let response = handler(for: request)?(request) ?? .status(404)
            if let delay = response.delay, !sleepUnlessStopped(delay) { return }
            if let writer = response.writer {
                writer(TestHTTPConnection(fd: fd, core: self))
                return
            }
            let keepAlive = parsed.keepAlive && !response.closes
            let sendsBody = TestHTTPResponse.hasBody(response.status) && request.method != "HEAD"
            guard sendAll(fd, response.head(keepAlive: keepAlive) + (sendsBody ? response.body : [])), keepAlive else { return }
        }
    }

    /// Sleeps in small steps; false if the server stopped meanwhile.
    fileprivate func sleepUnlessStopped(_ duration: Duration) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: duration)
        while true {
            if isStopped { return false }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return true }
            let (seconds, attoseconds) = min(remaining, .milliseconds(20)).components
            usleep(useconds_t(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
        }
    }
}

/// Sends all of `bytes`; false once the peer is gone. MSG_NOSIGNAL: a client that hangs up
/// mid-response must not raise SIGPIPE and kill the test process.
private func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
        if n < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += n
    }
    return true
}

private func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { sendAll(fd, $0) }
}

private final class Counter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}

// MARK: - Parsing

/// Reads requests off one connection, keeping bytes that arrive early (pipelining) for the next.
private struct RequestReader {
    enum Failure: Error, Equatable {
        case malformed
        case headersTooLarge
        case closedMidRequest
    }

    struct Parsed {
        var method: String
        var target: String
        var headers: [String: String]
        var body: [UInt8]
        var keepAlive: Bool
    }

    static let maxHeaderBytes = 1 << 20

    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) {
        self.fd = fd
    }

    /// The next request; nil when the client closed the connection between requests.
    mutating func next(sendInterim: ([UInt8]) -> Bool) throws -> Parsed? {
        var scanFrom = 0
        var headerEnd = Self.find([13, 10, 13, 10], in: buffer, from: 0)
        while headerEnd == nil {
            if buffer.count > Self.maxHeaderBytes { throw Failure.headersTooLarge }
            scanFrom = max(0, buffer.count - 3)
            guard fill() else {
                if buffer.isEmpty { return nil }
                throw Failure.closedMidRequest
            }
            headerEnd = Self.find([13, 10, 13, 10], in: buffer, from: scanFrom)
        }
        let end = headerEnd!
        let headText = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)

        var lines = headText.components(separatedBy: "\r\n")[...]
        // Tolerate blank lines before a request line (RFC 9112 section 2.2).
        while lines.first?.isEmpty == true { lines = lines.dropFirst() }
        guard let requestLine = lines.popFirst() else { throw Failure.malformed }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { throw Failure.malformed }
        let method = String(parts[0])
        var target = String(parts[1])
        let version = String(parts[2])
        // Absolute form, as sent to a proxy: keep the path and query.
        if let scheme = target.range(of: "://") {
            let rest = target[scheme.upperBound...]
            target = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
        }

        var headers: [String: String] = [:]
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw Failure.malformed }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }

        let connection = headers["connection"]?.lowercased() ?? ""
        let keepAlive = version == "HTTP/1.0"
            ? connection.contains("keep-alive") : !connection.contains("close")

        let chunked = headers["transfer-encoding"]?.lowercased().contains("chunked") ?? false
        var length = 0
        if !chunked, let text = headers["content-length"] {
            guard let n = Int(text), n >= 0 else { throw Failure.malformed }
            length = n
        }

        // curl waits up to a second for this before sending a large body.
        if headers["expect"]?.lowercased() == "100-continue", chunked || length > buffer.count {
            _ = sendInterim(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }

        let body: [UInt8]
        if chunked {
            body = try readChunkedBody()
        } else {
            while buffer.count < length {
                guard fill() else { throw Failure.closedMidRequest }
            }
            body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        }
        return Parsed(method: method, target: target, headers: headers, body: body, keepAlive: keepAlive)
    }

    private mutating func readChunkedBody() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try readLine()
            let sizeText = line.split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0
            else { throw Failure.malformed }
            if size == 0 {
                while try !readLine().isEmpty {}  // trailers
                return body
            }
            while buffer.count < size + 2 {
                guard fill() else { throw Failure.closedMidRequest }
            }
            body.append(contentsOf: buffer[0..<size])
            buffer.removeFirst(size + 2)
        }
    }

    private mutating func readLine() throws -> String {
        var scanFrom = 0
        while true {
            if let end = Self.find([13, 10], in: buffer, from: scanFrom) {
                let line = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 2)
                return line
            }
            if buffer.count > Self.maxHeaderBytes { throw Failure.headersTooLarge }
            scanFrom = max(0, buffer.count - 1)
            guard fill() else { throw Failure.closedMidRequest }
        }
    }

    /// Reads more bytes; false at end of stream, on error, or once stop() shut the socket down.
    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return true
            }
            if n < 0, errno == EINTR { continue }
            return false
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        outer: for i in start...(haystack.count - needle.count) {
            for j in 0..<needle.count where haystack[i + j] != needle[j] {
                continue outer
            }
            return i
        }
        return nil
    }
}
