// Private: the Boost.MSM machine behind a pimpl, so that only lifecycle.cpp
// pays MSM's compile cost or sees its types.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "pursuit/opportunity.hpp"

namespace pursuit {

// The machine's guards ask this (the opportunity) whether gates hold.
class GateOracle {
public:
    virtual bool gate_open(Gate gate) = 0;
    // True when every gate up to and including the one into `step` holds.
    virtual bool holds_through(Step step) = 0;

protected:
    ~GateOracle() = default;
};

enum class Move { moved, refused, not_applicable };

class Lifecycle {
public:
    explicit Lifecycle(GateOracle& oracle);
    Lifecycle(const Lifecycle& other, GateOracle& oracle);
    ~Lifecycle();
    Lifecycle(const Lifecycle&) = delete;
    Lifecycle& operator=(const Lifecycle&) = delete;

    // Returns to a state saved with the copy constructor (the oracle stays).
    void restore(const Lifecycle& saved);
    // Puts a fresh machine where a saved opportunity was, bypassing the gates
    // (they held when it got there).
    void force(Position position, BuyerStage buyer);

    Move advance();
    Move win();
    Move lose();
    Move disqualify();
    Move reopen();
    // One step back when the current step's gates no longer hold.
    bool fall_back();
    // One buyer stage toward `target`.
    Move buyer_toward(BuyerStage target);

    // Cached after every move, so that reading where the opportunity stands
    // does not touch the machine (a separate, often cache-cold block).
    Position position() const { return position_; }
    BuyerStage buyer() const { return buyer_; }

    // Why `event` (a machine event's id: advance, win, …, buyer_stage) has no
    // row from where the machine is: where it applies and what applies here,
    // both read off the transition table.
    std::string not_applicable(std::string_view event) const;

    static std::string diagram(DiagramFormat format);

private:
    // Reads the machine's state into the cache; returns `m`.
    Move sync(Move m = Move::not_applicable);

    Position position_;
    BuyerStage buyer_ = BuyerStage::need_awareness;
    // The MSM machine lives inside the Lifecycle (and so inside the
    // opportunity) rather than in a heap block of its own: one allocation and
    // one cache miss fewer. Its type stays in lifecycle.cpp, which checks
    // that it fits.
    struct Machine;
    Machine& machine();
    const Machine& machine() const;
    static constexpr std::size_t kMachineSize = 64;
    alignas(16) unsigned char storage_[kMachineSize];
};

}  // namespace pursuit
