// The opportunity lifecycle as a Boost.MSM state machine (functor front-end).
// Two orthogonal regions: our steps with their outcomes, and the buyer's
// stages. The transition table below is the method's table; the guards ask
// the playbook (through GateOracle) whether a gate's evidence exists.
//
// BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS and the MPL size limits are set for
// this file by CMake: the table has more than 20 rows.
#include "lifecycle.hpp"

#include <boost/mpl/for_each.hpp>
#include <boost/mpl/vector.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/back/tools.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <new>
#include <sstream>
#include <string_view>
#include <type_traits>
#include <vector>

namespace pursuit {
namespace {

namespace mpl = boost::mpl;
namespace msmf = boost::msm::front;

// --- Events the machine understands -------------------------------------
struct AdvanceEvt { static constexpr const char* name = "advance"; };
struct WinEvt { static constexpr const char* name = "win"; };
struct LoseEvt { static constexpr const char* name = "lose"; };
struct DisqualifyEvt { static constexpr const char* name = "disqualify"; };
struct ReopenEvt { static constexpr const char* name = "reopen"; };
// A fact weakened the evidence: re-check the current step's gates.
struct RecheckEvt { static constexpr const char* name = "recheck"; };
// The buyer was observed at `stage`: the region moves one stage toward it.
struct BuyerEvt {
    static constexpr const char* name = "buyer_stage";
    BuyerStage stage;
};

// --- States ------------------------------------------------------------
// `region` and `in` serve the reasons read off the table (not_applicable).
template <Step S>
struct StepState : msmf::state<> {
    static constexpr int region = 0;
    static constexpr const char* in = "in ";
    static constexpr Step step = S;
    static constexpr std::string_view name = Vocabulary<Step>::terms[static_cast<std::size_t>(S)].id;
};
template <Outcome O>
struct OutcomeState : msmf::state<> {
    static constexpr int region = 0;
    static constexpr const char* in = "";
    static constexpr Outcome outcome = O;
    static constexpr std::string_view name = Vocabulary<Outcome>::terms[static_cast<std::size_t>(O)].id;
};
template <BuyerStage B>
struct BuyerState : msmf::state<> {
    static constexpr int region = 1;
    static constexpr const char* in = "in ";
    static constexpr BuyerStage stage = B;
    static constexpr std::string_view name = Vocabulary<BuyerStage>::terms[static_cast<std::size_t>(B)].id;
};

using Identification = StepState<Step::identification>;
using Qualification = StepState<Step::qualification>;
using Tracking = StepState<Step::tracking>;
using Monitoring = StepState<Step::monitoring>;
using Verification = StepState<Step::verification>;
using Won = OutcomeState<Outcome::won>;
using Lost = OutcomeState<Outcome::lost>;
using Disqualified = OutcomeState<Outcome::disqualified>;

using NeedAwareness = BuyerState<BuyerStage::need_awareness>;
using NeedDefinition = BuyerState<BuyerStage::need_definition>;
using Evaluation = BuyerState<BuyerStage::evaluation>;
using FinalApproval = BuyerState<BuyerStage::final_approval>;
using Purchased = BuyerState<BuyerStage::purchased>;

// --- Guards and actions -------------------------------------------------
// The gate into the target holds (the playbook's requirements are met).
template <Gate G>
struct GateOpen {
    static constexpr Gate gate = G;
    static std::string label() { return "gate " + std::string(to_id(G)); }
    template <class Evt, class Fsm, class Src, class Tgt>
    bool operator()(const Evt&, Fsm& fsm, Src&, Tgt&) const {
        return fsm.forcing || fsm.oracle->gate_open(G);
    }
};
// The gates through the source step no longer all hold.
struct GatesBroken {
    static std::string label() { return "gates broken"; }
    template <class Evt, class Fsm, class Src, class Tgt>
    bool operator()(const Evt&, Fsm& fsm, Src&, Tgt&) const {
        return !fsm.oracle->holds_through(Src::step);
    }
};
// The closed opportunity was closed from step S.
template <Step S>
struct ClosedFrom {
    static std::string label() { return "closed from " + std::string(to_id(S)); }
    template <class Evt, class Fsm, class Src, class Tgt>
    bool operator()(const Evt&, Fsm& fsm, Src&, Tgt&) const {
        return fsm.closed_from == S;
    }
};
// The observed buyer stage lies beyond / before the current one.
struct BuyerAhead {
    static std::string label() { return "observed later"; }
    template <class Fsm, class Src, class Tgt>
    bool operator()(const BuyerEvt& e, Fsm&, Src&, Tgt&) const {
        return e.stage > Src::stage;
    }
};
struct BuyerBehind {
    static std::string label() { return "observed earlier"; }
    template <class Fsm, class Src, class Tgt>
    bool operator()(const BuyerEvt& e, Fsm&, Src&, Tgt&) const {
        return e.stage < Src::stage;
    }
};
// Remember the step an outcome closed, so that reopen can return to it.
struct Close {
    template <class Evt, class Fsm, class Src, class Tgt>
    void operator()(const Evt&, Fsm& fsm, Src&, Tgt&) const {
        fsm.closed_from = Src::step;
    }
};

using msmf::none;
using msmf::Row;

// --- The machine --------------------------------------------------------
struct LifecycleDef : msmf::state_machine_def<LifecycleDef> {
    // One opportunity per machine, driven synchronously: no event queue, and
    // exceptions (from custom checks) reach the caller instead of being swallowed.
    using no_message_queue = int;
    using no_exception_thrown = int;

    GateOracle* oracle = nullptr;
    Step closed_from = Step::identification;
    bool forcing = false;  // restoring a saved position: gates are not asked

    using initial_state = mpl::vector<Identification, NeedAwareness>;

    // clang-format off
    struct transition_table : mpl::vector<
        //  Source          Event          Target          Action  Guard
        // Region 1: our steps. Advancing needs the next gate's evidence.
        Row<Identification, AdvanceEvt,    Qualification,  none,   GateOpen<Gate::qualification>>,
        Row<Qualification,  AdvanceEvt,    Tracking,       none,   GateOpen<Gate::tracking>>,
        Row<Tracking,       AdvanceEvt,    Monitoring,     none,   GateOpen<Gate::monitoring>>,
        Row<Monitoring,     AdvanceEvt,    Verification,   none,   GateOpen<Gate::verification>>,
        Row<Verification,   WinEvt,        Won,            Close,  GateOpen<Gate::won>>,
        // Any active step can be lost; disqualified up to monitoring.
        Row<Identification, LoseEvt,       Lost,           Close,  GateOpen<Gate::lost>>,
        Row<Qualification,  LoseEvt,       Lost,           Close,  GateOpen<Gate::lost>>,
        Row<Tracking,       LoseEvt,       Lost,           Close,  GateOpen<Gate::lost>>,
        Row<Monitoring,     LoseEvt,       Lost,           Close,  GateOpen<Gate::lost>>,
        Row<Verification,   LoseEvt,       Lost,           Close,  GateOpen<Gate::lost>>,
        Row<Identification, DisqualifyEvt, Disqualified,   Close,  GateOpen<Gate::disqualified>>,
        Row<Qualification,  DisqualifyEvt, Disqualified,   Close,  GateOpen<Gate::disqualified>>,
        Row<Tracking,       DisqualifyEvt, Disqualified,   Close,  GateOpen<Gate::disqualified>>,
        Row<Monitoring,     DisqualifyEvt, Disqualified,   Close,  GateOpen<Gate::disqualified>>,
        // Evidence revoked: fall back one step at a time while the gates are broken.
        Row<Qualification,  RecheckEvt,    Identification, none,   GatesBroken>,
        Row<Tracking,       RecheckEvt,    Qualification,  none,   GatesBroken>,
        Row<Monitoring,     RecheckEvt,    Tracking,       none,   GatesBroken>,
        Row<Verification,   RecheckEvt,    Monitoring,     none,   GatesBroken>,
        // Reopen returns a closed opportunity to the step it was closed from.
        Row<Won,            ReopenEvt,     Verification,   none,   none>,
        Row<Lost,           ReopenEvt,     Identification, none,   ClosedFrom<Step::identification>>,
        Row<Lost,           ReopenEvt,     Qualification,  none,   ClosedFrom<Step::qualification>>,
        Row<Lost,           ReopenEvt,     Tracking,       none,   ClosedFrom<Step::tracking>>,
        Row<Lost,           ReopenEvt,     Monitoring,     none,   ClosedFrom<Step::monitoring>>,
        Row<Lost,           ReopenEvt,     Verification,   none,   ClosedFrom<Step::verification>>,
        Row<Disqualified,   ReopenEvt,     Identification, none,   ClosedFrom<Step::identification>>,
        Row<Disqualified,   ReopenEvt,     Qualification,  none,   ClosedFrom<Step::qualification>>,
        Row<Disqualified,   ReopenEvt,     Tracking,       none,   ClosedFrom<Step::tracking>>,
        Row<Disqualified,   ReopenEvt,     Monitoring,     none,   ClosedFrom<Step::monitoring>>,
        // Region 2: the buyer's stages move on observation, one stage at a time
        // toward what was observed, forward or back; purchased is final.
        Row<NeedAwareness,  BuyerEvt,      NeedDefinition, none,   BuyerAhead>,
        Row<NeedDefinition, BuyerEvt,      Evaluation,     none,   BuyerAhead>,
        Row<Evaluation,     BuyerEvt,      FinalApproval,  none,   BuyerAhead>,
        Row<FinalApproval,  BuyerEvt,      Purchased,      none,   BuyerAhead>,
        Row<NeedDefinition, BuyerEvt,      NeedAwareness,  none,   BuyerBehind>,
        Row<Evaluation,     BuyerEvt,      NeedDefinition, none,   BuyerBehind>,
        Row<FinalApproval,  BuyerEvt,      Evaluation,     none,   BuyerBehind>
    > {};
    // clang-format on

    // An event with no row from the current state is "not applicable": the
    // facade reports it; the default would assert.
    template <class Fsm, class Evt>
    void no_transition(const Evt&, Fsm&, int) {}
    template <class Fsm, class Evt>
    void exception_caught(const Evt&, Fsm&, std::exception&) {}
};

using MsmMachine = boost::msm::back::state_machine<LifecycleDef>;
using Table = LifecycleDef::transition_table;

template <class State>
constexpr int id_of() {
    return boost::msm::back::get_state_id<MsmMachine::stt, State>::value;
}

Move to_move(boost::msm::back::HandledEnum handled) {
    if (handled & boost::msm::back::HANDLED_TRUE) return Move::moved;
    if (handled & boost::msm::back::HANDLED_GUARD_REJECT) return Move::refused;
    return Move::not_applicable;
}

// --- The diagram, walked from the transition table itself ----------------
template <class T>
std::string guard_label() {
    if constexpr (std::is_same_v<T, none>) return "";
    else return T::label();
}

struct RowWriter {
    std::ostringstream& out;
    DiagramFormat format;

    template <class R>
    void operator()(R) const {
        using Src = typename R::Source;
        using Tgt = typename R::Target;
        std::string label = R::Evt::name;
        const std::string guard = guard_label<typename R::Guard>();
        if (!guard.empty()) label += " [" + guard + "]";
        if (format == DiagramFormat::dot)
            out << "  " << Src::name << " -> " << Tgt::name << " [label=\"" << label << "\"];\n";
        else
            out << "  " << Src::name << " --> " << Tgt::name << " : " << label << "\n";
    }
};

// --- Where each event applies, read off the same table -------------------
struct Applies {
    int region;
    std::string_view source, event;
};

struct RowCollector {
    std::vector<Applies>& rows;

    template <class R>
    void operator()(R) const {
        using Src = typename R::Source;
        using Evt = typename R::Evt;
        // The table states the method's order as playbook.hpp's kGateOnFrom does.
        if constexpr (std::is_same_v<Evt, AdvanceEvt> || std::is_same_v<Evt, WinEvt>)
            static_assert(R::Guard::gate == gate_on_from(Src::step), "advance and win rows follow kGateOnFrom");
        if constexpr (std::is_same_v<Evt, RecheckEvt>) {
            static_assert(static_cast<int>(R::Target::step) + 1 == static_cast<int>(Src::step), "fall back one step");
            return;  // pursuit's own event, never a user's
        }
        const Applies a{Src::region, Src::name, Evt::name};
        for (const Applies& b : rows)
            if (b.source == a.source && b.event == a.event) return;  // lost --reopen--> each step: one place
        rows.push_back(a);
    }
};

const std::vector<Applies>& applies() {
    static const std::vector<Applies> rows = [] {
        std::vector<Applies> out;
        mpl::for_each<Table>(RowCollector{out});
        return out;
    }();
    return rows;
}

// "a", "a or b", "a, b or c".
std::string any_of(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i)
        out.append(i == 0 ? "" : i + 1 == items.size() ? " or " : ", ").append(items[i]);
    return out;
}

}  // namespace

struct Lifecycle::Machine : MsmMachine {};

Lifecycle::Machine& Lifecycle::machine() { return *std::launder(reinterpret_cast<Machine*>(storage_)); }
const Lifecycle::Machine& Lifecycle::machine() const {
    return *std::launder(reinterpret_cast<const Machine*>(storage_));
}

Lifecycle::Lifecycle(GateOracle& oracle) {
    static_assert(sizeof(Machine) <= kMachineSize && alignof(Machine) <= 16,
                  "the machine no longer fits in Lifecycle::storage_: enlarge kMachineSize");
    new (storage_) Machine();
    machine().oracle = &oracle;
    machine().start();
    sync();
}

Lifecycle::Lifecycle(const Lifecycle& other, GateOracle& oracle) : position_(other.position_), buyer_(other.buyer_) {
    new (storage_) Machine(other.machine());
    machine().oracle = &oracle;
}

Lifecycle::~Lifecycle() { machine().~Machine(); }

void Lifecycle::restore(const Lifecycle& saved) {
    GateOracle* oracle = machine().oracle;
    static_cast<MsmMachine&>(machine()) = saved.machine();
    machine().oracle = oracle;
    sync();
}

void Lifecycle::force(Position position, BuyerStage buyer) {
    machine().forcing = true;
    while (position_.step < position.step && advance() == Move::moved) {
    }
    if (position.outcome == Outcome::won) win();
    if (position.outcome == Outcome::lost) lose();
    if (position.outcome == Outcome::disqualified) disqualify();
    while (buyer_ != buyer && buyer_toward(buyer) == Move::moved) {
    }
    machine().forcing = false;
}

Move Lifecycle::advance() { return sync(to_move(machine().process_event(AdvanceEvt{}))); }
Move Lifecycle::win() { return sync(to_move(machine().process_event(WinEvt{}))); }
Move Lifecycle::lose() { return sync(to_move(machine().process_event(LoseEvt{}))); }
Move Lifecycle::disqualify() { return sync(to_move(machine().process_event(DisqualifyEvt{}))); }
Move Lifecycle::reopen() { return sync(to_move(machine().process_event(ReopenEvt{}))); }
bool Lifecycle::fall_back() { return sync(to_move(machine().process_event(RecheckEvt{}))) == Move::moved; }
Move Lifecycle::buyer_toward(BuyerStage target) { return sync(to_move(machine().process_event(BuyerEvt{target}))); }

Move Lifecycle::sync(Move move) {
    const Machine& m = machine();
    const int s = m.current_state()[0];
    if (s == id_of<Won>()) position_ = {Step::verification, Outcome::won};
    else if (s == id_of<Lost>()) position_ = {m.closed_from, Outcome::lost};
    else if (s == id_of<Disqualified>()) position_ = {m.closed_from, Outcome::disqualified};
    else if (s == id_of<Qualification>()) position_ = {Step::qualification, std::nullopt};
    else if (s == id_of<Tracking>()) position_ = {Step::tracking, std::nullopt};
    else if (s == id_of<Monitoring>()) position_ = {Step::monitoring, std::nullopt};
    else if (s == id_of<Verification>()) position_ = {Step::verification, std::nullopt};
    else position_ = {Step::identification, std::nullopt};

    const int b = m.current_state()[1];
    if (b == id_of<NeedDefinition>()) buyer_ = BuyerStage::need_definition;
    else if (b == id_of<Evaluation>()) buyer_ = BuyerStage::evaluation;
    else if (b == id_of<FinalApproval>()) buyer_ = BuyerStage::final_approval;
    else if (b == id_of<Purchased>()) buyer_ = BuyerStage::purchased;
    else buyer_ = BuyerStage::need_awareness;
    return move;
}

std::string Lifecycle::not_applicable(std::string_view event) const {
    std::vector<std::string> from, here;
    int region = 0;
    for (const Applies& a : applies())
        if (a.event == event) {
            region = a.region;
            from.push_back(std::string(a.source));
        }
    const std::string_view now = region == 1      ? to_id(buyer_)
                                 : position_.outcome ? to_id(*position_.outcome)
                                                    : to_id(position_.step);
    for (const Applies& a : applies())
        if (a.region == region && a.source == now) here.push_back("'" + std::string(a.event) + "'");
    std::string out = "'" + std::string(event) + "' applies from " + any_of(from) + "; ";
    out += region == 1 ? "the buyer is in " : position_.outcome ? "the opportunity is " : "the opportunity is in ";
    out.append(now).append(", where ");
    if (here.empty()) return out + "no event applies";
    if (here.size() == 1) return out + "only " + here.front() + " applies";
    return out + any_of(here) + " apply";
}

std::string Lifecycle::diagram(DiagramFormat format) {
    std::ostringstream out;
    if (format == DiagramFormat::dot)
        out << "digraph opportunity {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n";
    else
        out << "stateDiagram-v2\n  [*] --> identification\n  [*] --> need_awareness\n";
    mpl::for_each<Table>(RowWriter{out, format});  // rows are empty structs
    if (format == DiagramFormat::dot) out << "}\n";
    return out.str();
}

}  // namespace pursuit
