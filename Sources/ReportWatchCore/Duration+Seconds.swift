extension Duration {
    /// The duration as a floating-point number of seconds.
    public var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }

    public init(secondsDouble value: Double) {
        self = .nanoseconds(Int64((value * 1e9).rounded()))
    }
}
