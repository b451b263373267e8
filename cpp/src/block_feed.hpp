// What the store's streamed feeds share (a JSON Lines file, an Arrow
// stream): events arrive a block at a time, are given out in order, and a
// block is dropped once the batch after the one that took its last event has
// been given out, so memory holds a few blocks whatever the input's size.
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "pursuit/store.hpp"

namespace pursuit {

class BlockFeed : public EventFeed {
public:
    std::vector<const Event*> next(std::size_t max) final {
        ++calls_;
        while (!blocks_.empty() && blocks_.front()->handed == blocks_.front()->taken.size() &&
               blocks_.front()->handed_call + 1 < calls_)
            blocks_.pop_front();
        while (waiting_ < max && !ended_) read_block();
        std::vector<const Event*> out;
        out.reserve(std::min(max, waiting_));
        for (auto& block : blocks_) {
            const std::size_t before = block->handed;
            for (; block->handed < block->taken.size() && out.size() < max; ++block->handed)
                out.push_back(block->taken[block->handed]);
            if (block->handed > before && block->handed == block->taken.size()) block->handed_call = calls_;
        }
        waiting_ -= out.size();
        return out;
    }
    bool checked() final { return on_error_ == OnError::collect || ended_; }
    // Reads the rest for its errors; what it reads past is not kept.
    void check() final {
        while (!ended_) {
            read_block();
            if (!blocks_.empty()) {
                waiting_ -= blocks_.back()->taken.size() - blocks_.back()->handed;
                blocks_.back()->taken.resize(blocks_.back()->handed);
            }
        }
    }
    std::optional<std::size_t> total() final {
        if (ended_) return taken_;
        const auto bound = upper_bound();
        return bound ? std::optional<std::size_t>(std::max(*bound, taken_)) : std::nullopt;
    }
    std::vector<EventError> errors() final { return errors_; }

protected:
    explicit BlockFeed(OnError on_error) : on_error_(on_error) {}

    // A block: what it holds is the subclass's; `taken` points into it.
    struct Block {
        virtual ~Block() = default;
        std::vector<const Event*> taken;
        std::size_t handed = 0;       // events of `taken` given out
        std::size_t handed_call = 0;  // the call of next() that gave out the last of them
    };
    // Reads the next block and add()s it, or sets `ended_` (both, for the last).
    virtual void read_block() = 0;
    // The input's size in events before it is all read, if the feed knows a bound.
    virtual std::optional<std::size_t> upper_bound() { return std::nullopt; }

    void add(std::unique_ptr<Block> block) {
        waiting_ += block->taken.size();
        taken_ += block->taken.size();
        blocks_.push_back(std::move(block));
    }
    void report(EventError err) {
        if (on_error_ == OnError::raise) throw err;
        errors_.push_back(std::move(err));
    }

    const OnError on_error_;
    bool ended_ = false;  // the last block is read

private:
    std::deque<std::unique_ptr<Block>> blocks_;
    std::size_t waiting_ = 0;  // taken, not yet given out
    std::size_t taken_ = 0, calls_ = 0;
    std::vector<EventError> errors_;
};

}  // namespace pursuit
