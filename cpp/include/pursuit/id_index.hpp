// A map from ids to places (an opportunity's index in its pipeline), kept
// flat: open addressing over one array, with ids of up to 23 bytes inside
// their slot. A lookup then usually reads one cache line, where a node-based
// map reads a bucket, a node and the key's text, each a likely miss when a
// batch names opportunities in no particular order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pursuit {

class IdIndex {
public:
    static constexpr std::uint32_t kNone = UINT32_MAX;

    // A quick, well-mixed 32-bit hash of an id; equal ids hash equal (the
    // pipeline also uses it to bring repeated event ids together).
    static std::uint32_t hash(std::string_view id);

    std::size_t size() const { return count_; }
    // The place of `id`, or kNone.
    std::uint32_t find(std::string_view id) const;
    // Adds `id` at `place`; the id must not be in the index yet.
    void insert(std::string_view id, std::uint32_t place);

private:
    static constexpr std::uint8_t kLong = 0xFF;  // the id is in long_: offset and size in text
    struct Slot {
        std::uint32_t hash = 0;
        std::uint32_t place = kNone;  // kNone: an empty slot
        std::uint8_t size = 0;
        char text[23] = {};
    };
    static_assert(sizeof(Slot) == 32, "two slots to a cache line");

    bool holds(const Slot& s, std::string_view id) const;
    void put(const Slot& s);  // into a free slot; there is room

    std::vector<Slot> slots_;  // a power of two in size, at most half full
    std::string long_;         // ids of over 23 bytes, one after another
    std::size_t count_ = 0;
};

}  // namespace pursuit
