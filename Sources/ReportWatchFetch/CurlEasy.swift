import CCurl

/// The one owner of a `CURL*` easy handle and of the C memory its options point at.
/// Options are set through typed setters; a failed setter throws with libcurl's message.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    /// libcurl writes a detailed message here when a transfer fails.
    let errorBuffer: UnsafeMutablePointer<CChar>
    private let url: String

    init(url: String) throws {
        CurlGlobal.initialise()
        guard let handle = curl_easy_init() else {
            throw FetchError(kind: .other, message: "curl_easy_init failed", url: url)
        }
        self.handle = handle
        self.url = url
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_URL, url)
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) throws {
        try check(rw_easy_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws {
        try set(option, value ? 1 : 0)
    }

    func set(_ option: CURLoption, offset value: Int64) throws {
        try check(rw_easy_setopt_off_t(handle, option, curl_off_t(value)), option)
    }

    /// libcurl copies string options (since 7.17), so the Swift string need not outlive the call.
    func set(_ option: CURLoption, _ value: String) throws {
        try check(rw_easy_setopt_string(handle, option, value), option)
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws {
        try check(rw_easy_setopt_pointer(handle, option, value), option)
    }

    func set(_ option: CURLoption, callback: rw_data_callback) throws {
        try check(rw_easy_setopt_data_callback(handle, option, callback), option)
    }

    func set(prerequest callback: rw_prereq_callback) throws {
        try check(rw_easy_setopt_prereq_callback(handle, callback), CURLOPT_PREREQFUNCTION)
    }

    /// Sets a list option; the list lives as long as this handle.
    func set(_ option: CURLoption, list values: [String]) throws {
        guard !values.isEmpty else { return }
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values {
            guard let appended = curl_slist_append(list, value) else {
                if let list { curl_slist_free_all(list) }
                throw FetchError(kind: .other, message: "curl_slist_append failed", url: url)
            }
            list = appended
        }
        guard let list else { return }
        lists.append(list)
        try check(rw_easy_setopt_slist(handle, option, list), option)
    }

    func info(_ info: CURLINFO) -> Int {
        var value = 0
        _ = rw_easy_getinfo_long(handle, info, &value)
        return value
    }

    func info(offset info: CURLINFO) -> Int64 {
        var value: curl_off_t = 0
        _ = rw_easy_getinfo_off_t(handle, info, &value)
        return Int64(value)
    }

    func info(string info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard rw_easy_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws {
        guard code != CURLE_OK else { return }
        throw FetchError(
            kind: .invalidRequest,
            code: Int32(bitPattern: code.rawValue),
            message: "setting libcurl option \(option.rawValue) failed: \(String(cString: curl_easy_strerror(code)))",
            url: url
        )
    }

    /// The error for a finished transfer's result code, with libcurl's detailed message when
    /// it wrote one.
    func error(for code: CURLcode) -> FetchError {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        return FetchError(kind: Self.kind(of: code), code: Int32(bitPattern: code.rawValue), message: message, url: url)
    }

    static func kind(of code: CURLcode) -> FetchError.Kind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .dns
        case CURLE_COULDNT_CONNECT: .connect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_INITFAILED:
            .tls
        case CURLE_FILESIZE_EXCEEDED: .tooLarge
        case CURLE_TOO_MANY_REDIRECTS: .redirect
        case CURLE_UNSUPPORTED_PROTOCOL: .protocolNotAllowed
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE: .connectionDropped
        case CURLE_URL_MALFORMAT: .invalidRequest
        default: .other
        }
    }
}

/// `curl_global_init` must run once, before any other libcurl call.
enum CurlGlobal {
    private static let done: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
        return true
    }()

    static func initialise() {
        _ = done
    }
}
