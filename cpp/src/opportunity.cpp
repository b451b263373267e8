// The opportunity facade: validates an event, records its facts, drives the
// lifecycle machine, re-checks gates when evidence weakens, and appends what
// happened to the history.
#include "pursuit/opportunity.hpp"

#include <algorithm>

#include "lifecycle.hpp"
#include "rules.hpp"
#include "text.hpp"

namespace pursuit {

struct Opportunity::Impl final : GateOracle {
    // What every apply reads comes first, so that an opportunity touched for
    // the first time in a while costs few cache misses: the first line holds
    // the times, the playbook and the position; then the id and the history.
    Timestamp last_at = INT64_MIN;
    Timestamp now = 0;                      // the time gates are judged at
    const std::string* applying = nullptr;  // id of the event being applied
    std::shared_ptr<const Playbook> playbook;
    bool opened = false;
    Lifecycle machine{*this};
    std::string id;
    History history;
    // Filled by gate checks while an event is applied: a list of the caller's,
    // so that an opportunity at rest keeps none.
    std::vector<RequirementRef>* unmet = nullptr;
    std::unique_ptr<Record> last;  // what the latest one-argument apply() did
    const Opportunity* owner;
    Facts facts;

    Impl(const Opportunity* o, std::string i, std::shared_ptr<const Playbook> p)
        : playbook(std::move(p)), id(std::move(i)), owner(o) {}
    Impl(const Opportunity* o, const Impl& other)
        : last_at(other.last_at),
          now(other.now),
          playbook(other.playbook),
          opened(other.opened),
          machine(other.machine, *this),
          id(other.id),
          history(other.history),
          owner(o),
          facts(other.facts) {}

    // --- GateOracle ---
    bool check(Gate g) {
        const auto& reqs = playbook->gate(g);
        for (std::size_t i = 0; i < reqs.size(); ++i) {
            const RequirementRef ref{g, static_cast<std::uint16_t>(i)};
            if (!evaluate(reqs[i], ref, *owner, now).met) unmet->push_back(ref);
        }
        return unmet->empty();
    }
    bool gate_open(Gate g) override {
        unmet->clear();
        return check(g);
    }
    bool holds_through(Step step) override {
        unmet->clear();
        for (Gate g : gates_through(step)) check(g);
        return unmet->empty();
    }

    // --- applying events ---
    // The common case: this opportunity's next event in time order. Then
    // only the references to contacts and evidence remain to be checked.
    bool plainly_next(const Event& e) const {
        return e.at > last_at && opened == (e.type() != EventType::open) && same_id(e.opportunity, id);
    }

    std::string invalid(const Event& e, ContactIndex* named) const {
        if (e.opportunity != id) return "the event is for opportunity " + quote(e.opportunity) + ", not " + quote(id);
        if (!opened && e.type() != EventType::open)
            return "unknown opportunity " + quote(id) + ": its first event must be 'open'";
        if (opened && e.type() == EventType::open)
            return "the opportunity is already open (since " + format_timestamp(facts.header.opened_at) + ")";
        if (e.at <= last_at) {
            for (std::size_t i = history.size(); i > 0 && history.at(i - 1) >= e.at; --i)
                if (history.event_id(i - 1) == e.id) return already_applied(e.id, history.at(i - 1));
            if (e.at < last_at)
                return "out of order: at " + format_timestamp(e.at) + ", before the latest applied event (" +
                       format_timestamp(last_at) + "); apply events in time order";
        }
        return invalid_reference(facts, e, named);
    }

    // Whether recording this fact can break a gate that held: changes to what
    // was known, not additions. (Checked before the fact is recorded.)
    bool weakens_evidence(const Event& e) const {
        if (!machine.position().active() || machine.position().step == Step::identification) return false;
        if (playbook->has_custom()) return true;  // a Python check may read any fact
        switch (e.type()) {
            case EventType::contact_left:
            case EventType::evidence_revoked: return true;
            case EventType::qualify: {
                const auto& q = std::get<events::Qualify>(e.body);
                const auto before = facts.answer(q.criterion);
                return before && *before != q.answer;
            }
            case EventType::contact: {
                const auto& c = std::get<events::Contact>(e.body);
                const ContactFact* known = facts.contact(c.contact);
                return known && known->active &&
                       ((c.roles && RoleSet(*c.roles) != known->roles) || (c.authority && c.authority != known->authority) ||
                        (c.stance && c.stance != known->stance) || (c.access && *c.access != known->access));
            }
            default: return false;
        }
    }

    // Falls back while the current step's gates are broken.
    void recheck(Record& r) {
        if (!machine.position().active() || machine.position().step == Step::identification) return;
        const Step from = machine.position().step;
        if (!machine.fall_back()) return;
        r.unmet = *unmet;  // what broke at the step we were in
        while (machine.fall_back()) {
        }
        r.verdict = Verdict::fell_back;
        r.reason.append("fell back from ").append(to_id(from)).append(" to ").append(to_id(machine.position().step));
        append_codes(r.reason.append(": no longer met: "), r.unmet);
    }

    // Written into the record's reason in place: its buffer is reused from event to event.
    void append_codes(std::string& out, const std::vector<RequirementRef>& refs) const {
        for (std::size_t i = 0; i < refs.size(); ++i)
            out.append(i ? ", " : "").append(playbook->gate(refs[i].gate)[refs[i].index].code);
    }

    void lifecycle(Move move, const Event& e, Record& r) {
        if (move == Move::moved) {
            record_fact(facts, e);  // closing facts, once the move is made
        } else if (move == Move::refused) {
            r.verdict = Verdict::refused;
            r.unmet = *unmet;
            append_codes(r.reason.append("the gate to ").append(to_id(r.unmet.front().gate)).append(" is not met: "), r.unmet);
        } else {
            r.verdict = Verdict::not_applicable;
            r.reason = machine.not_applicable(to_id(e.type()));
        }
    }

    void buyer(const events::BuyerStageChange& b, const Event& e, Record& r) {
        const BuyerStage from = machine.buyer();
        if (from == BuyerStage::purchased && b.stage != from) {
            r.verdict = Verdict::not_applicable;
            r.reason = machine.not_applicable(to_id(e.type()));
            return;
        }
        record_fact(facts, e);
        int moves = 0;
        while (machine.buyer() != b.stage && machine.buyer_toward(b.stage) == Move::moved) ++moves;
        r.late_entry = b.stage > from && moves > 1;
        r.buyer_backward = b.stage < from;
        if (r.buyer_backward || playbook->has_custom()) recheck(r);  // forward never breaks a built-in gate
    }

    void dispatch(const Event& e, Record& r, ContactIndex named) {
        switch (e.type()) {
            case EventType::advance: return lifecycle(machine.advance(), e, r);
            case EventType::win: return lifecycle(machine.win(), e, r);
            case EventType::lose: return lifecycle(machine.lose(), e, r);
            case EventType::disqualify: return lifecycle(machine.disqualify(), e, r);
            case EventType::reopen: return lifecycle(machine.reopen(), e, r);
            case EventType::buyer_stage: return buyer(std::get<events::BuyerStageChange>(e.body), e, r);
            default: {
                const bool weakens = weakens_evidence(e);
                record_fact(facts, e, &named);
                if (weakens) recheck(r);
            }
        }
    }

    // The record is built in `r`, but for its event id (the caller's to
    // copy); an applied event's is then appended to the history.
    Verdict apply(const Event& e, Record& r) {
        start(r, e);
        ContactIndex named = kNoContact;  // the contact the event names, found while checking it
        std::string why;
        if (!plainly_next(e)) why = invalid(e, &named);
        else if (names_references(e.type())) why = invalid_reference(facts, e, &named);
        if (!why.empty()) {
            r.verdict = Verdict::rejected;
            r.reason = std::move(why);
            return r.verdict;
        }
        now = e.at;
        std::vector<RequirementRef> unmet_here;  // allocates only when a gate fails
        const Lend lend(unmet, unmet_here);
        if (playbook->has_custom()) {
            dispatch_guarded(e, r, named);
        } else {
            const Lend<const std::string> guard(applying, e.id);
            dispatch(e, r, named);
        }
        r.after = machine.position();
        r.buyer_after = machine.buyer();
        history.push_back(r, e.id);
        opened = true;
        last_at = e.at;
        return r.verdict;
    }

    // `slot` points at `to` while an event is applied, exceptions or not
    // (`applying` names the event, `unmet` collects what gates lack).
    template <class T>
    struct Lend {
        T*& slot;
        Lend(T*& s, T& to) : slot(s) { slot = &to; }
        ~Lend() { slot = nullptr; }
    };

    // Custom checks may throw: keep what to restore. Built-in checks never
    // do, so the common path pays for no copy.
    void dispatch_guarded(const Event& e, Record& r, ContactIndex named) {
        Facts saved_facts = facts;
        const Lifecycle saved_machine(machine, *this);
        try {
            const Lend<const std::string> guard(applying, e.id);
            dispatch(e, r, named);
        } catch (...) {
            facts = std::move(saved_facts);
            machine.restore(saved_machine);
            now = last_at;
            throw;
        }
    }

    // The event id is copied last (the history takes it from the event).
    void start(Record& r, const Event& e) const {
        r.at = e.at;
        r.type = e.type();
        r.verdict = Verdict::accepted;
        r.before = r.after = machine.position();
        r.buyer_before = r.buyer_after = machine.buyer();
        r.unmet.clear();
        r.late_entry = r.buyer_backward = false;
        r.reason.clear();
    }

    GateReport report(Gate g) const {
        GateReport out{g, {}};
        const auto& reqs = playbook->gate(g);
        for (std::size_t i = 0; i < reqs.size(); ++i)
            out.items.push_back(evaluate(reqs[i], {g, static_cast<std::uint16_t>(i)}, *owner, opened ? last_at : 0));
        return out;
    }
};

Opportunity::Opportunity(std::string id, std::shared_ptr<const Playbook> playbook)
    : impl_(std::make_unique<Impl>(this, std::move(id), playbook ? std::move(playbook) : Playbook::default_playbook())) {}
Opportunity::Opportunity(const Opportunity& other) : impl_(std::make_unique<Impl>(this, *other.impl_)) {}
Opportunity& Opportunity::operator=(const Opportunity& other) {
    if (this != &other) impl_ = std::make_unique<Impl>(this, *other.impl_);
    return *this;
}
Opportunity::Opportunity(Opportunity&& other) noexcept : impl_(std::move(other.impl_)) { impl_->owner = this; }
Opportunity& Opportunity::operator=(Opportunity&& other) noexcept {
    impl_ = std::move(other.impl_);
    impl_->owner = this;
    return *this;
}
Opportunity::~Opportunity() = default;

const Record& Opportunity::apply(const Event& event) {
    if (!impl_->last) impl_->last = std::make_unique<Record>();
    Record& r = *impl_->last;
    // One at a time, an id already in the history is refused whatever its
    // time (a pipeline checks its batches against all its opportunities).
    const History& h = impl_->history;
    for (std::size_t i = 0; i < h.size(); ++i)
        if (h.event_id(i) == event.id && event.opportunity == impl_->id) {
            impl_->start(r, event);
            r.verdict = Verdict::rejected;
            r.reason = already_applied(event.id, h.at(i));
            r.event_id = event.id;
            return r;
        }
    apply(event, r);
    return r;
}
Verdict Opportunity::apply(const Event& event, Record& record) {
    const Verdict v = impl_->apply(event, record);
    copy_id(record.event_id, event.id);
    return v;
}
void Opportunity::reserve(std::size_t events) {
    History& h = impl_->history;
    if (h.size() + events > h.capacity()) h.reserve(std::max(h.size() + events, 2 * h.capacity()));
}
void Opportunity::shrink_to_fit() {
    impl_->history.shrink_to_fit();
    impl_->facts.shrink_to_fit();
}
const std::string& Opportunity::id() const { return impl_->id; }
const Playbook& Opportunity::playbook() const { return *impl_->playbook; }
std::shared_ptr<const Playbook> Opportunity::playbook_ptr() const { return impl_->playbook; }
bool Opportunity::opened() const { return impl_->opened; }
Position Opportunity::position() const { return impl_->machine.position(); }
BuyerStage Opportunity::buyer_stage() const { return impl_->machine.buyer(); }
const Facts& Opportunity::facts() const { return impl_->facts; }
const History& Opportunity::history() const { return impl_->history; }
Timestamp Opportunity::last_at() const { return impl_->last_at; }
const std::string& Opportunity::applying() const {
    static const std::string none;
    return impl_->applying ? *impl_->applying : none;
}

std::optional<Gate> Opportunity::next_gate() const {
    const Position p = position();
    if (!p.active()) return std::nullopt;
    return gate_on_from(p.step);
}

GateReport Opportunity::requirements(Gate gate) const { return impl_->report(gate); }

std::optional<GateReport> Opportunity::requirements() const {
    const auto gate = next_gate();
    if (!gate) return std::nullopt;
    return requirements(*gate);
}

bool Opportunity::can_advance() const {
    const auto report = requirements();
    return report && report->open();
}

const Requirement& Opportunity::requirement(RequirementRef ref) const {
    return impl_->playbook->gate(ref.gate).at(ref.index);
}

std::string Opportunity::diagram(DiagramFormat format) { return Lifecycle::diagram(format); }

Opportunity Opportunity::restored(std::string id, std::shared_ptr<const Playbook> playbook, Facts facts,
                                  History history, Position position, BuyerStage buyer) {
    Opportunity opp(std::move(id), std::move(playbook));
    Impl& impl = *opp.impl_;
    impl.facts = std::move(facts);
    impl.history = std::move(history);
    impl.opened = !impl.history.empty();
    impl.last_at = impl.opened ? impl.history.at(impl.history.size() - 1) : INT64_MIN;
    impl.now = impl.opened ? impl.last_at : 0;
    impl.machine.force(position, buyer);
    return opp;
}

}  // namespace pursuit
