/// The daily series averaged over replications, with the share of replications (weighted by
/// the fraction of the day) in which an injunction was in force.
public struct MeanDailySeries: Sendable, Equatable {
    public var backlog: [Double]
    public var removedHome: [Double]
    public var removedThirdCountry: [Double]
    public var created: [Double]
    /// In [0, 1]: for a single replication, the fraction of each day under an injunction.
    public var injunctionShare: [Double]

    public init(_ runs: [RunResult]) {
        let days = runs.first?.series.count ?? 0
        var backlog = [Double](repeating: 0, count: days)
        var home = backlog, third = backlog, created = backlog, share = backlog
        for run in runs {
            let coverage = run.injunctionPeriods.dailyCoverage(days: days)
            for day in 0..<days {
                backlog[day] += Double(run.series.backlog[day])
                home[day] += Double(run.series.removedHome[day])
                third[day] += Double(run.series.removedThirdCountry[day])
                created[day] += Double(run.series.created[day])
                share[day] += coverage[day]
            }
        }
        let scale = runs.isEmpty ? 0 : 1 / Double(runs.count)
        self.backlog = backlog.map { $0 * scale }
        removedHome = home.map { $0 * scale }
        removedThirdCountry = third.map { $0 * scale }
        self.created = created.map { $0 * scale }
        injunctionShare = share.map { $0 * scale }
    }

    public var count: Int { backlog.count }
}
