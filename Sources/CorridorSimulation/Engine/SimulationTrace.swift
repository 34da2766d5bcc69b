/// Hooks into a replication for tests and diagnostics. The engine is specialised for the
/// trace it is given, so the no-op ``NoTrace`` costs nothing.
protocol SimulationTrace {
    mutating func arrangementStarts(_ arrangement: Int, at time: Double)
    mutating func arrangementEnds(_ arrangement: Int, at time: Double)
    mutating func injunctionArrives(at time: Double)
    mutating func injunctionLifts(at time: Double)
    /// A third-country flight left (possibly empty: it flies even when it may carry nobody).
    mutating func flight(to arrangement: Int, at time: Double, carried: Int)
    mutating func homeFlight(at time: Double, carried: Int)
}

extension SimulationTrace {
    mutating func arrangementStarts(_ arrangement: Int, at time: Double) {}
    mutating func arrangementEnds(_ arrangement: Int, at time: Double) {}
    mutating func injunctionArrives(at time: Double) {}
    mutating func injunctionLifts(at time: Double) {}
    mutating func flight(to arrangement: Int, at time: Double, carried: Int) {}
    mutating func homeFlight(at time: Double, carried: Int) {}
}

struct NoTrace: SimulationTrace {}
