// An opportunity: its facts, its lifecycle (a Boost.MSM machine with two
// orthogonal regions, our steps and the buyer's stages) and its history.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pursuit/event.hpp"
#include "pursuit/facts.hpp"
#include "pursuit/history.hpp"
#include "pursuit/playbook.hpp"

namespace pursuit {

struct RequirementStatus {
    RequirementRef ref;
    bool met = false;
    std::uint32_t have = 0, need = 0;  // e.g. 1 of 2 contacts; for yes/no requirements 0 or 1 of 1
};

struct GateReport {
    Gate gate{};
    std::vector<RequirementStatus> items;
    bool open() const {
        for (const auto& i : items)
            if (!i.met) return false;
        return true;
    }
};

enum class DiagramFormat { dot, mermaid };

class Opportunity {
public:
    explicit Opportunity(std::string id, std::shared_ptr<const Playbook> playbook = Playbook::default_playbook());
    Opportunity(const Opportunity& other);
    Opportunity& operator=(const Opportunity& other);
    Opportunity(Opportunity&&) noexcept;
    Opportunity& operator=(Opportunity&&) noexcept;
    ~Opportunity();

    // Applies one event and says what it did (the record stays valid until the
    // next apply). Never half-applies: a rejected event, or an exception from a
    // custom check, leaves the opportunity as it was.
    const Record& apply(const Event& event);
    // The same, writing what it did into `record` (its buffers are reused from
    // call to call), for loops over many events whose ids the caller has
    // judged: the one above refuses an id already in the history by reading
    // it, a Pipeline judges a batch's ids against all its opportunities.
    Verdict apply(const Event& event, Record& record);
    // Room in the history for this many more events; spare room given back
    // (after a large input that grew it piece by piece).
    void reserve(std::size_t events);
    void shrink_to_fit();

    const std::string& id() const;
    const Playbook& playbook() const;
    std::shared_ptr<const Playbook> playbook_ptr() const;
    bool opened() const;
    Position position() const;
    Step step() const { return position().step; }
    std::optional<Outcome> outcome() const { return position().outcome; }
    BuyerStage buyer_stage() const;
    const Facts& facts() const;
    const History& history() const;
    Timestamp last_at() const;  // time of the latest applied event
    // The id of the event being applied right now (for custom checks' errors); empty between events.
    const std::string& applying() const;

    // Side-effect-free queries. The next gate: into the next step, or to won
    // from verification; none once closed.
    std::optional<Gate> next_gate() const;
    GateReport requirements(Gate gate) const;
    std::optional<GateReport> requirements() const;
    bool can_advance() const;
    const Requirement& requirement(RequirementRef ref) const;

    // The whole state (facts, history, position) as a versioned document, and
    // back: for pickling and inspection. from_json throws std::invalid_argument.
    nlohmann::json to_json() const;
    static Opportunity from_json(const nlohmann::json& state,
                                 std::shared_ptr<const Playbook> playbook = Playbook::default_playbook());

    // The machine's structure, generated from the MSM transition table.
    static std::string diagram(DiagramFormat format = DiagramFormat::dot);

private:
    static Opportunity restored(std::string id, std::shared_ptr<const Playbook> playbook, Facts facts,
                                History history, Position position, BuyerStage buyer);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pursuit
