import CorridorDomain

/// `notice`: for a third country, written notice naming it, served long enough before (policy),
/// to counsel too where the policy says; waived only where the policy accepts the
/// arrangement's assurances.
public enum NoticeGate: Gate {
    public static let id = GateID.notice

    public static func evaluate(_ c: GateContext) -> GateFinding {
        guard c.isThirdCountry else {
            return c.notApplicable(id, "\(c.countryName) is a country of nationality", citation: "8 U.S.C. 1231(b)(2)(D)")
        }
        let v = c.values
        if v.noticeWaivedByAssurances != .none,
            let waiving = c.destination.candidates.first(where: {
                $0.isActive && v.noticeWaivedByAssurances.isMet(by: $0.arrangement.terms.assurances)
            })
        {
            return c.finding(
                id, .pass,
                "waived: \(waiving.arrangement.id.rawValue) carries \(v.noticeWaivedByAssurances.rawValue) non-return assurances, which \(c.destination.policy.id) accepts",
                citation: c.reference("notice.waivedByAssurances"))
        }
        let notices = c.facts.notices(for: c.country, at: c.instant)
        guard !notices.isEmpty else {
            return c.finding(
                id, .pending, "no written notice naming \(c.countryName) has been served", citation: c.reference("notice.minimumHours"),
                wouldClear: "written notice naming \(c.countryName), then \(hours(v.noticeMinimumHours))")
        }
        // Any notice that meets every requirement counts; a later re-service cancels nothing.
        var earliestReady: (instant: Instant, notice: NoticeRecord, period: Double, parameter: String)?
        var defect: GateFinding?
        for notice in notices {
            if v.noticeLanguageRequired, notice.language == nil {
                defect =
                    defect
                    ?? c.finding(
                        id, .pending, "notice served \(notice.servedOn) does not record a language the person understands",
                        citation: c.reference("notice.languageRequired"), wouldClear: "a notice recording its language")
                continue
            }
            if v.noticeCounselRequired, c.facts.person.counsel != nil, notice.counselNotified != true {
                defect =
                    defect
                    ?? c.finding(
                        id, .pending, "notice served \(notice.servedOn) was not given to counsel (\(c.facts.person.counsel!))",
                        citation: c.reference("notice.counselRequired"), wouldClear: "notice to counsel, then the full period again")
                continue
            }
            var period = v.noticeMinimumHours
            var parameter = "notice.minimumHours"
            if notice.exigent == true, let exigent = v.noticeExigentMinimumHours {
                period = exigent
                parameter = "notice.exigentMinimumHours"
            }
            let ready = notice.servedOn.adding(hours: period)
            if ready <= c.instant {
                return c.finding(
                    id, .pass,
                    "notice naming \(c.countryName) served \(notice.servedOn)\(notice.language.map { " in \($0)" } ?? ""), at least \(hours(period)) before",
                    citation: c.reference(parameter))
            }
            if earliestReady == nil || ready < earliestReady!.instant { earliestReady = (ready, notice, period, parameter) }
        }
        if let (ready, notice, period, parameter) = earliestReady {
            return c.finding(
                id, .pending, "notice naming \(c.countryName) served \(notice.servedOn); \(hours(period)) must pass (until \(ready))",
                citation: c.reference(parameter), clears: ready, wouldClear: "waiting until \(ready)")
        }
        return defect!
    }

    static func hours(_ value: Double) -> String {
        if value >= 48, value.truncatingRemainder(dividingBy: 24) == 0 { return "\(Int(value / 24)) days" }
        return value == value.rounded() ? "\(Int(value)) hours" : "\(value) hours"
    }
}
