import CorridorDomain
import Foundation

extension SplitMix64 {
    /// Exp(mean): an exponential draw with the given mean (0 when the mean is 0).
    @inline(__always)
    mutating func exponential(mean: Double) -> Double {
        let unit = nextUnit()
        return mean == 0 ? 0 : -mean * log1p(-unit)
    }
}
