import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where an IP address sits: only `.public` is reachable from the internet at large.
public enum IPAddressScope: Sendable, Hashable {
    case `public`
    case loopback
    case linkLocal
    /// RFC 1918, IPv6 unique local, carrier-grade NAT.
    case `private`
    case multicast
    /// Unspecified, documentation, benchmarking, reserved and broadcast ranges.
    case reserved

    /// The scope of an IPv4 or IPv6 address in text form; nil when it is neither.
    public init?(_ address: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            self = Self.scope(ipv4: UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        let bare = address.split(separator: "%", maxSplits: 1).first.map(String.init) ?? address
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        self = Self.scope(ipv6: bytes)
    }

    static func scope(ipv4 a: UInt32) -> IPAddressScope {
        func within(_ base: UInt32, _ bits: UInt32) -> Bool {
            let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
            return a & mask == base
        }
        if within(0x7F00_0000, 8) { return .loopback }                     // 127/8
        if within(0x0A00_0000, 8) || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16)
            || within(0x6440_0000, 10) { return .private }                 // 10/8, 172.16/12, 192.168/16, 100.64/10
        if within(0xA9FE_0000, 16) { return .linkLocal }                   // 169.254/16
        if within(0xE000_0000, 4) { return .multicast }                    // 224/4
        if within(0x0000_0000, 8) || within(0xF000_0000, 4) || within(0xC000_0000, 24) || within(0xC000_0200, 24)
            || within(0xC633_6400, 24) || within(0xCB00_7100, 24) || within(0xC612_0000, 15) {
            return .reserved                                               // 0/8, 240/4, 192.0.0/24, TEST-NETs, 198.18/15
        }
        return .public
    }

    static func scope(ipv6 b: [UInt8]) -> IPAddressScope {
        let prefix96 = b[0..<12]
        let v4 = UInt32(b[12]) << 24 | UInt32(b[13]) << 16 | UInt32(b[14]) << 8 | UInt32(b[15])
        if prefix96.allSatisfy({ $0 == 0 }) {
            if v4 == 1 { return .loopback }                                // ::1
            if v4 == 0 { return .reserved }                                // ::
            return scope(ipv4: v4)                                         // IPv4-compatible (deprecated)
        }
        if Array(prefix96) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] { return scope(ipv4: v4) }   // ::ffff:a.b.c.d
        if Array(prefix96) == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return scope(ipv4: v4) } // 64:ff9b::/96 NAT64
        if b[0] == 0xFF { return .multicast }                              // ff00::/8
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return .linkLocal }       // fe80::/10
        if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return .private }         // fec0::/10 (site-local, deprecated)
        if b[0] & 0xFE == 0xFC { return .private }                         // fc00::/7
        if b[0] == 0x20 && b[1] == 0x02 {                                  // 2002::/16 6to4: the IPv4 inside
            return scope(ipv4: UInt32(b[2]) << 24 | UInt32(b[3]) << 16 | UInt32(b[4]) << 8 | UInt32(b[5]))
        }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return .reserved }  // 2001:db8::/32
        return .public
    }
}

/// Which addresses a request may connect to, judged on the address each connection actually
/// reached (after DNS, for every redirect libcurl follows and on reused connections), so a name
/// that resolves to an internal address, or is rebound to one, gets no further than the address.
public enum AddressPolicy: Sendable, Hashable {
    /// Public addresses only: for a host a page named (a redirect's target, a link), which must
    /// not lead the fetcher into the loopback, private, link-local or multicast ranges.
    case publicOnly

    /// nil when a connection to `address` is allowed; otherwise why not.
    public func refusal(address: String) -> String? {
        guard let scope = IPAddressScope(address), scope != .public else { return nil }
        return "connecting to \(address) (\(scope)) is not allowed: only the source's own host may be at a "
            + "loopback, private, link-local or multicast address"
    }
}
