// Private helpers for text: comparing and copying ids quickly, and showing user text
// inside messages safely.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace pursuit {

// Whether two ids are equal, without a call into the C library: ids are
// short, so a few word-sized (overlapping) loads decide.
inline bool same_id(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    if (n != b.size()) return false;
    const char *p = a.data(), *q = b.data();
    if (n >= 8) {
        for (std::size_t i = 0; i + 8 < n; i += 8)
            if (std::memcmp(p + i, q + i, 8) != 0) return false;
        return std::memcmp(p + n - 8, q + n - 8, 8) == 0;
    }
    if (n >= 4) return std::memcmp(p, q, 4) == 0 && std::memcmp(p + n - 4, q + n - 4, 4) == 0;
    for (std::size_t i = 0; i < n; ++i)
        if (p[i] != q[i]) return false;
    return true;
}

// Copies one id over another. Successive event ids are usually of one length:
// then, as in same_id, a few fixed-size (overlapping) copies replace the
// library's call, and no byte past the id is touched.
inline void copy_id(std::string& to, const std::string& from) {
    const std::size_t n = from.size();
    if (n != to.size() || n > 16) {
        to = from;
        return;
    }
    char* p = to.data();
    const char* q = from.data();
    if (n >= 8) {
        std::memcpy(p, q, 8);
        std::memcpy(p + n - 8, q + n - 8, 8);
    } else if (n >= 4) {
        std::memcpy(p, q, 4);
        std::memcpy(p + n - 4, q + n - 4, 4);
    } else {
        for (std::size_t i = 0; i < n; ++i) p[i] = q[i];
    }
}

inline bool has_control(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

// Whether `s` is valid UTF-8 (simdjson's validator; defined in event_parse.cpp).
bool valid_utf8(std::string_view s) noexcept;

// Length in characters (Unicode code points) of valid UTF-8: what limits
// count, as JSON Schema's maxLength does.
inline std::size_t characters(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

// 'value' for an error message: control characters escaped, and long values
// cut (at a UTF-8 boundary) so a hostile string cannot flood a log.
inline std::string quote(std::string_view s, std::size_t max = 64) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "'";
    std::size_t shown = 0;
    for (std::size_t i = 0; i < s.size(); ++i, ++shown) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (shown >= max && (c & 0xC0) != 0x80) {
            out += "...";
            break;
        }
        if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "'";
}

}  // namespace pursuit
