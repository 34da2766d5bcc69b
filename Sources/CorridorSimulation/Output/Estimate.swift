import Foundation

/// The mean of an output over replications with its 95% confidence interval
/// (mean ± t(0.975, n − 1) · s / √n).
public struct Estimate: Sendable, Equatable {
    /// Replications the output was defined in (`costPerThirdCountryRemovalUSD` and
    /// `meanDaysToRemoval` are undefined in a run that removed nobody).
    public var count: Int
    /// nil when no replication defined the output.
    public var mean: Double?
    /// Sample standard deviation; nil with fewer than two values.
    public var standardDeviation: Double?
    /// The 95% confidence interval for the mean (Student's t over the replications), clipped to
    /// the values the output can take: a count, an amount or a duration cannot be negative, and
    /// with few replications of a skewed output (most runs 0, a few large) the symmetric
    /// interval would otherwise reach below zero. nil with fewer than two values.
    public var lower: Double?
    public var upper: Double?

    /// - Parameter minimum: the least value the output can take (0 for counts, dollars and
    ///   days); the interval's lower end is never below it.
    public init(_ values: [Double], minimum: Double? = nil) {
        count = values.count
        guard !values.isEmpty else { return }
        let mean = values.reduce(0, +) / Double(values.count)
        self.mean = mean
        guard values.count > 1 else { return }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        let deviation = variance.squareRoot()
        standardDeviation = deviation
        let half = Self.studentT975(degreesOfFreedom: values.count - 1) * deviation / Double(values.count).squareRoot()
        lower = minimum.map { Swift.max($0, mean - half) } ?? mean - half
        upper = mean + half
    }

    /// The 0.975 quantile of Student's t: exact to three decimals from a table up to 30
    /// degrees of freedom, then the Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5).
    static func studentT975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        if df >= 1, df <= table.count { return table[df - 1] }
        let z = 1.959963984540054, n = Double(df)
        let z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z
        return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n)
    }
}
