/// The version reportwatch reports in its User-Agent and `--version`.
public enum ReportWatchVersion {
    public static let current = "0.1.0"
}
