// Strict JSON parsing for what users hand us (events, playbooks): nlohmann's
// DOM builder plus what it does not check — a key repeated in one object (a
// JSON object would silently keep the last), nesting depth, and numbers beyond
// a double's range (nlohmann reports those as out_of_range, not parse_error).
// Every problem comes out as one StrictJsonError that says where it is.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace pursuit {

class StrictJsonError : public std::runtime_error {
public:
    StrictJsonError(std::vector<std::string> path, std::string id, std::string reason)
        : std::runtime_error(reason), path(std::move(path)), id(std::move(id)), reason(std::move(reason)) {}
    std::vector<std::string> path;  // keys and array indices down to the problem; empty for the whole text
    std::string id;                 // the top-level "id" string when it was read before the problem
    std::string reason;

    // The first key ("amount"), or "" when the problem is the whole text.
    std::string field() const { return path.empty() ? std::string() : path.front(); }
    // A JSON Pointer ("/gates/tracking/0/min"), "" for the whole text.
    std::string pointer() const {
        std::string out;
        for (const auto& p : path) out.append("/").append(p);
        return out;
    }
};

namespace detail {

class StrictSax {
public:
    using json = nlohmann::json;
    StrictSax(json& root, std::size_t max_depth) : dom_(root), max_depth_(max_depth) {}

    bool null() { return value() && dom_.null(); }
    bool boolean(bool v) { return value() && dom_.boolean(v); }
    bool number_integer(json::number_integer_t v) { return value() && dom_.number_integer(v); }
    bool number_unsigned(json::number_unsigned_t v) { return value() && dom_.number_unsigned(v); }
    bool number_float(json::number_float_t v, const std::string& text) { return value() && dom_.number_float(v, text); }
    bool string(std::string& v) {
        if (frames_.size() == 1 && frames_[0].key == "id" && frames_[0].object) id_ = v.substr(0, 128);
        return value() && dom_.string(v);
    }
    bool binary(json::binary_t& v) { return value() && dom_.binary(v); }
    bool start_object(std::size_t n) {
        enter(true);
        return dom_.start_object(n);
    }
    bool key(std::string& k) {
        Frame& f = frames_.back();
        const auto first = keys_.begin() + static_cast<std::ptrdiff_t>(f.keys_start);
        f.key = k;
        if (std::find(first, keys_.end(), k) != keys_.end()) fail("appears twice in one object");
        keys_.push_back(k);
        return dom_.key(k);
    }
    bool end_object() {
        keys_.resize(frames_.back().keys_start);
        frames_.pop_back();
        value();
        return dom_.end_object();
    }
    bool start_array(std::size_t n) {
        enter(false);
        return dom_.start_array(n);
    }
    bool end_array() {
        frames_.pop_back();
        value();
        return dom_.end_array();
    }
    template <class Exception>
    bool parse_error(std::size_t position, const std::string& token, const Exception& ex) {
        if constexpr (std::is_same_v<Exception, json::out_of_range>) {
            // The token is user text: shown shortened, it cannot flood a terminal.
            const std::string shown = token.size() > 24 ? token.substr(0, 24) + "…" : token;
            fail("the number " + shown + " is out of range (a number must be finite and within ±1.7e308)");
        } else if constexpr (std::is_same_v<Exception, json::parse_error>) {
            // nlohmann says "[json.exception.parse_error.101] parse error at line 1,
            // column 13: syntax error ..."; keep the explanation without the echo of
            // raw input ("; last read: '...'", possibly invalid UTF-8).
            std::string detail = ex.what();
            const auto cut = detail.find(": ");
            if (cut != std::string::npos) detail.erase(0, cut + 2);
            const auto echo = detail.find("; last read:");
            if (echo != std::string::npos) detail.erase(echo);
            frames_.clear();  // a syntax error is about the text, not a field
            fail("malformed JSON at column " + std::to_string(position) + ": " + detail);
        } else {
            fail(ex.what());
        }
        return false;
    }

private:
    struct Frame {
        bool object = false;
        std::size_t keys_start = 0;
        std::size_t index = 0;  // arrays: the element being read
        std::string key;        // objects: the key being read
    };

    [[noreturn]] void fail(std::string reason) const {
        std::vector<std::string> path;
        for (const auto& f : frames_) path.push_back(f.object ? f.key : std::to_string(f.index));
        throw StrictJsonError(std::move(path), id_, std::move(reason));
    }
    // A value (scalar, or a container just closed) read in the innermost
    // container: an array counts it, so its index names the element being read.
    bool value() {
        if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
        return true;
    }
    void enter(bool object) {
        if (frames_.size() > max_depth_) fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
        Frame f;
        f.object = object;
        f.keys_start = keys_.size();
        frames_.push_back(std::move(f));
    }

    nlohmann::detail::json_sax_dom_parser<json> dom_;
    std::size_t max_depth_;
    std::vector<Frame> frames_;       // the open containers, outermost first
    std::vector<std::string> keys_;  // the keys of every open object, outermost first
    std::string id_;
};

}  // namespace detail

// Parses one JSON text strictly (the outermost value at level 0, at most
// `max_depth` levels below it); throws StrictJsonError.
inline nlohmann::json parse_strict_json(std::string_view text, std::size_t max_depth) {
    nlohmann::json value;
    detail::StrictSax sax(value, max_depth);
    nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
    return value;
}

}  // namespace pursuit
