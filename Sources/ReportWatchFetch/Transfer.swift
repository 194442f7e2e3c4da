import CCurl

/// One transfer in flight: its easy handle, what it received and who awaits it.
///
/// While a transfer is in the multi handle only the engine's thread touches it; the awaiting
/// task reads it after the continuation resumes, so access never overlaps. Hence `@unchecked`:
/// a transfer is handed over, not shared; the engine's lock orders the hand-off in, the
/// continuation the hand-off out, and `isCancelled` is touched only inside that lock.
final class Transfer: @unchecked Sendable {
    enum Outcome: Sendable {
        case finished(CURLcode)
        case cancelled
    }

    let easy: CurlEasy
    let maxBodyBytes: Int
    private(set) var body: [UInt8] = []
    private(set) var headers: [(name: String, value: String)] = []
    /// Every header line as received, when asked for: SMTP's response lines ("250 OK: queued")
    /// arrive through the header callback and are not `name: value` pairs.
    private(set) var rawHeaderLines: [String] = []
    private let keepsRawHeaderLines: Bool
    /// Set when the write callback refused bytes past `maxBodyBytes`.
    private(set) var exceededSizeLimit = false
    private var upload: [UInt8]
    private var uploadOffset = 0
    var continuation: CheckedContinuation<Outcome, Never>?
    /// Read and written only inside the engine's `state` lock.
    var isCancelled = false

    /// Bytes past `maxBodyBytes` end the transfer, keeping those before them (robots.txt is read
    /// up to a limit, not refused over it).
    private let keepsPrefix: Bool
    private let addressPolicy: AddressPolicy?
    /// Why the address policy stopped the transfer before its request was sent.
    private(set) var addressRefusal: String?

    init(easy: CurlEasy, maxBodyBytes: Int, upload: [UInt8] = [], keepsRawHeaderLines: Bool = false,
         keepsPrefix: Bool = false, addressPolicy: AddressPolicy? = nil) throws {
        self.easy = easy
        self.maxBodyBytes = maxBodyBytes
        self.upload = upload
        self.keepsRawHeaderLines = keepsRawHeaderLines
        self.keepsPrefix = keepsPrefix
        self.addressPolicy = addressPolicy
        let me = Unmanaged.passUnretained(self).toOpaque()
        if addressPolicy != nil {
            try easy.set(prerequest: { userdata, primaryIP, _, _, _ in
                guard let userdata, let primaryIP else { return rw_prereq_abort() }
                let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.allowsConnection(to: String(cString: primaryIP)) ? rw_prereq_ok() : rw_prereq_abort()
            })
            try easy.set(CURLOPT_PREREQDATA, pointer: me)
        }
        try easy.set(CURLOPT_WRITEFUNCTION, callback: { buffer, size, count, userdata in
            guard let userdata, let buffer else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
            return transfer.receive(UnsafeRawBufferPointer(start: buffer, count: size * count))
        })
        try easy.set(CURLOPT_WRITEDATA, pointer: me)
        try easy.set(CURLOPT_HEADERFUNCTION, callback: { buffer, size, count, userdata in
            guard let userdata, let buffer else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
            transfer.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
            return size * count
        })
        try easy.set(CURLOPT_HEADERDATA, pointer: me)
        if !upload.isEmpty {
            try easy.set(CURLOPT_READFUNCTION, callback: { buffer, size, count, userdata in
                guard let userdata, let buffer else { return rw_read_abort() }
                let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.send(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
            })
            try easy.set(CURLOPT_READDATA, pointer: me)
        }
    }

    /// Decoded body bytes. Refusing them (returning less than offered) makes libcurl stop with
    /// `CURLE_WRITE_ERROR`: the size limit holds even when Content-Length lied or a small
    /// compressed body inflates into a huge one.
    private func receive(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard body.count + bytes.count <= maxBodyBytes else {
            exceededSizeLimit = true
            if keepsPrefix { body.append(contentsOf: bytes.prefix(maxBodyBytes - body.count)) }
            return rw_write_abort()
        }
        if body.isEmpty {
            // Pages are tens to hundreds of KB: start big rather than grow through many copies.
            body.reserveCapacity(min(maxBodyBytes, max(bytes.count, 256 * 1024)))
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// One header line as libcurl hands it over. Works on the bytes: a pass over 1,000 sources
    /// reads some 10,000 header lines, and Foundation's trimming costs more than the request.
    private func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        let line = Self.trimmed(bytes[...])
        if keepsRawHeaderLines { rawHeaderLines.append(String(decoding: line, as: UTF8.self)) }
        if line.starts(with: Self.httpPrefix) {
            // A new response (after a redirect or a 100 Continue): only the last one's headers count.
            headers.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = Self.trimmed(line[..<colon])
        let value = Self.trimmed(line[(colon + 1)...])
        headers.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
    }

    private static let httpPrefix = Array("HTTP/".utf8)

    /// The slice without leading or trailing spaces, tabs, CRs and LFs.
    static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }

    /// The address policy's verdict on the connection just made.
    private func allowsConnection(to address: String) -> Bool {
        guard let refusal = addressPolicy?.refusal(address: address) else { return true }
        addressRefusal = refusal
        return false
    }

    private func send(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, upload.count - uploadOffset)
        guard count > 0 else { return 0 }
        upload.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[uploadOffset..<(uploadOffset + count)]))
        }
        uploadOffset += count
        return count
    }

    func complete(_ outcome: Outcome) {
        continuation?.resume(returning: outcome)
        continuation = nil
    }
}

import Foundation
