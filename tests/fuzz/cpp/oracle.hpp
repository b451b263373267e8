// The fuzz harnesses' oracle. Bad input has documented answers (EventError,
// PlaybookError); any other exception, a broken invariant, or a sanitizer
// report is a finding. A finding aborts, so libFuzzer keeps the input as a
// crash file and the replay (replay_main.cpp) fails on it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

namespace pursuit::fuzz {

[[noreturn]] inline void finding(const char* where, const std::string& what) {
    std::fprintf(stderr, "FUZZ FINDING in %s: %s\n", where, what.c_str());
    std::fflush(stderr);
    std::abort();
}

inline void check(bool ok, const char* where, const char* what) {
    if (!ok) finding(where, what);
}

// Runs `f`: true when it returned, false when it threw one of `Allowed`; any
// other exception is a finding.
template <class... Allowed, class F>
bool expect_only(const char* where, F&& f) {
    try {
        f();
        return true;
    } catch (const std::exception& e) {
        if ((... || (dynamic_cast<const Allowed*>(&e) != nullptr))) return false;
        finding(where, std::string("unexpected exception ") + typeid(e).name() + ": " + e.what());
    } catch (...) {
        finding(where, "an exception not derived from std::exception");
    }
}

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
inline bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 4;
        if (n == 4 || i + n >= s.size()) return false;  // not a lead byte, or cut short
        std::uint32_t cp = n == 0 ? c : c & (0x3Fu >> n);
        for (std::size_t k = 1; k <= n; ++k) {
            const auto d = static_cast<unsigned char>(s[i + k]);
            if ((d >> 6) != 2) return false;
            cp = (cp << 6) | (d & 0x3Fu);
        }
        static constexpr std::uint32_t least[] = {0, 0x80, 0x800, 0x10000};
        if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n + 1;
    }
    return true;
}

// Fuzzed bytes read as choices, for the structured harness: past the end
// every read is 0, so any input is a valid program. (libFuzzer's
// FuzzedDataProvider would do, but it ships with clang and the replay builds
// with g++ too.)
class Bytes {
public:
    Bytes(const unsigned char* data, std::size_t size) : data_(data), size_(size) {}
    bool empty() const { return pos_ >= size_; }
    unsigned byte() { return pos_ < size_ ? data_[pos_++] : 0u; }
    // A value in [0, n).
    unsigned below(unsigned n) { return n == 0 ? 0 : byte() % n; }
    bool chance(unsigned in) { return below(in) == 0; }

private:
    const unsigned char* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

}  // namespace pursuit::fuzz
