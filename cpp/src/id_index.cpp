// The flat id index: hashing, probing and growing.
#include "pursuit/id_index.hpp"

#include <cstring>
#include <stdexcept>

#include "text.hpp"

namespace pursuit {

std::uint32_t IdIndex::hash(std::string_view id) {
    // 8 bytes at a time, multiplied and mixed; the last 1-7 bytes in
    // fixed-size (overlapping) loads, so that no call copies a short tail.
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ id.size();
    std::size_t i = 0;
    for (; i + 8 <= id.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, id.data() + i, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    const std::size_t rest = id.size() - i;
    const char* p = id.data() + i;
    std::uint64_t tail = 0;
    if (rest >= 4) {
        std::uint32_t lo, hi;
        std::memcpy(&lo, p, 4);
        std::memcpy(&hi, p + rest - 4, 4);
        tail = static_cast<std::uint64_t>(hi) << 32 | lo;
    } else {
        for (std::size_t k = 0; k < rest; ++k) tail = tail << 8 | static_cast<unsigned char>(p[k]);
    }
    h = (h ^ tail) * 0x94D049BB133111EBull;
    h ^= h >> 29;
    return static_cast<std::uint32_t>(h ^ (h >> 32));
}

bool IdIndex::holds(const Slot& s, std::string_view id) const {
    if (s.size != kLong) return s.size == id.size() && same_id({s.text, s.size}, id);
    std::uint32_t where[2];
    std::memcpy(where, s.text, sizeof where);
    return same_id(std::string_view(long_).substr(where[0], where[1]), id);
}

std::uint32_t IdIndex::find(std::string_view id) const {
    if (slots_.empty()) return kNone;
    const std::uint32_t h = hash(id);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        const Slot& s = slots_[i];
        if (s.place == kNone) return kNone;
        if (s.hash == h && holds(s, id)) return s.place;
    }
}

void IdIndex::put(const Slot& s) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = s.hash & mask;
    while (slots_[i].place != kNone) i = (i + 1) & mask;
    slots_[i] = s;
}

void IdIndex::insert(std::string_view id, std::uint32_t place) {
    if (place == kNone) throw std::length_error("an id index holds at most 4,294,967,294 places");
    if (2 * (count_ + 1) > slots_.size()) {  // grow first: nothing is half-added if this throws
        std::vector<Slot> old(slots_.empty() ? 16 : 2 * slots_.size());
        old.swap(slots_);
        for (const Slot& s : old)
            if (s.place != kNone) put(s);
    }
    Slot s;
    s.hash = hash(id);
    s.place = place;
    if (id.size() < kLong && id.size() <= sizeof s.text) {
        s.size = static_cast<std::uint8_t>(id.size());
        std::memcpy(s.text, id.data(), id.size());
    } else {
        if (long_.size() + id.size() > UINT32_MAX) throw std::length_error("an id index holds at most 4 GiB of long ids");
        const std::uint32_t where[2] = {static_cast<std::uint32_t>(long_.size()), static_cast<std::uint32_t>(id.size())};
        s.size = kLong;
        std::memcpy(s.text, where, sizeof where);
        long_.append(id);
    }
    put(s);
    ++count_;
}

}  // namespace pursuit
