// Private helpers for showing user text inside messages safely.
#pragma once

#include <string>
#include <string_view>

namespace pursuit {

inline bool has_control(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
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
