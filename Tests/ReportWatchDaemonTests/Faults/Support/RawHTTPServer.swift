import Foundation
import Glibc

/// A bare HTTP/1.1 server on 127.0.0.1 for the faults `TestHTTPServer` cannot stage: a body
/// produced lazily while it is sent (a 1 GB answer is never built in memory), a drip paced by
/// the handler, and a listener that closes and reopens on the same port (connection refused,
/// then recovery). One request per connection (`Connection: close`); one thread per connection.
final class RawHTTPServer: @unchecked Sendable {
    /// Writes the answer to one request. `send` returns false once the client has gone or the
    /// server is stopping: the handler must then return.
    typealias Handler = @Sendable (_ path: String, _ send: (UnsafeRawBufferPointer) -> Bool) -> Void

    private let lock = NSCondition()
    private var listenFD: Int32 = -1
    private var connections: Set<Int32> = []
    private var threads = 0
    private var stopped = false
    private var handler: Handler
    private(set) var port: UInt16 = 0
    private(set) var requestCount = 0

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(handler: @escaping Handler) throws {
        self.handler = handler
        try listen()
    }

    deinit {
        stop()
    }

    func setHandler(_ handler: @escaping Handler) {
        lock.lock()
        self.handler = handler
        lock.unlock()
    }

    /// Closes the listener (new connections are refused) and every open connection.
    func stop() {
        lock.lock()
        stopped = true
        if listenFD >= 0 {
            shutdown(listenFD, Int32(SHUT_RDWR))
        }
        for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) }
        // Threads notice within their 100 ms poll; the bound only guards the test.
        let deadline = Date(timeIntervalSinceNow: 10)
        while threads > 0, lock.wait(until: deadline) {}
        if listenFD >= 0 {
            close(listenFD)
            listenFD = -1
        }
        lock.unlock()
    }

    /// Listens again on the same port.
    func restart() throws {
        stop()
        try listen()
    }

    // MARK: Sockets

    private func listen() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ChildProcessError("socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw ChildProcessError("bind/listen on 127.0.0.1:\(port): errno \(code)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        lock.lock()
        port = UInt16(bigEndian: actual.sin_port)
        listenFD = fd
        stopped = false
        threads += 1
        lock.unlock()
        let thread = Thread { [self] in
            acceptLoop(fd)
            ended()
        }
        thread.start()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func ended() {
        lock.lock()
        threads -= 1
        lock.broadcast()
        lock.unlock()
    }

    private func acceptLoop(_ listener: Int32) {
        while !isStopped {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            lock.lock()
            if stopped {
                lock.unlock()
                close(client)
                return
            }
            connections.insert(client)
            threads += 1
            requestCount += 1
            let handler = self.handler
            lock.unlock()
            let thread = Thread { [self] in
                serve(client, handler)
                lock.lock()
                connections.remove(client)
                lock.unlock()
                close(client)
                ended()
            }
            thread.start()
        }
    }

    private func serve(_ fd: Int32, _ handler: Handler) {
        // The request head only; these clients send no body.
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let end: [UInt8] = [13, 10, 13, 10]
        while !head.suffix(4).elementsEqual(end), head.count < 65_536 {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 100) <= 0 {
                if isStopped { return }
                continue
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return }
            head.append(contentsOf: chunk[0..<n])
        }
        let requestLine = String(decoding: head.prefix { $0 != 13 }, as: UTF8.self).split(separator: " ")
        let path = requestLine.count > 1 ? String(requestLine[1]) : "/"
        handler(path) { bytes in
            var offset = 0
            while offset < bytes.count {
                if isStopped { return false }
                let n = Glibc.send(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}

extension RawHTTPServer {
    /// Sends a whole small answer.
    static func answer(_ send: (UnsafeRawBufferPointer) -> Bool, status: String = "200 OK", headers: [String: String] = [:],
                       body: [UInt8]) {
        var head = "HTTP/1.1 \(status)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + body
        _ = bytes.withUnsafeBytes { send($0) }
    }

    static func send(_ text: String, _ send: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        Array(text.utf8).withUnsafeBytes { send($0) }
    }
}
