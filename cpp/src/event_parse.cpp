// Events from JSON text: simdjson reads the text, the strict parser explains
// what simdjson refuses, and event_reader.hpp judges the fields of both.
#include <algorithm>
#include <new>
#include <string>

#include <simdjson.h>

#include "event_reader.hpp"
#include "pursuit/json.hpp"
#include "strict_json.hpp"
#include "text.hpp"

namespace pursuit {

using nlohmann::json;

EventError::EventError(std::string event_id, std::size_t line, std::string field, std::string reason)
    : std::runtime_error([&] {
          std::string where = event_id.empty() ? "event" : "event " + quote(event_id);
          if (line != 0) where += " (line " + std::to_string(line) + ")";
          if (!field.empty()) where += ", field " + quote(field);
          return where + ": " + reason;
      }()),
      event_id_(std::move(event_id)),
      line_(line),
      field_(std::move(field)),
      reason_(std::move(reason)) {}

namespace {

// nlohmann's DOM as a source for the reader (event_reader.hpp).
class JsonSource {
public:
    explicit JsonSource(const json& v) : v_(&v) {}
    JsonKind kind() const {
        switch (v_->type()) {
            case json::value_t::null: return JsonKind::null;
            case json::value_t::boolean: return JsonKind::boolean;
            case json::value_t::string: return JsonKind::string;
            case json::value_t::array: return JsonKind::array;
            case json::value_t::object: return JsonKind::object;
            case json::value_t::number_integer:
            case json::value_t::number_unsigned:
            case json::value_t::number_float: return JsonKind::number;
            default: return JsonKind::null;  // binary and discarded never come from parsing text
        }
    }
    bool boolean() const { return v_->get<bool>(); }
    double number() const { return v_->get<double>(); }
    bool is_integer() const { return v_->is_number_integer(); }
    std::int64_t integer() const {
        if (v_->is_number_unsigned() && v_->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return INT64_MAX;
        return v_->get<std::int64_t>();
    }
    std::string_view string() const { return v_->get_ref<const std::string&>(); }
    std::string reason() const { return {}; }
    std::size_t size() const { return v_->size(); }
    std::optional<JsonSource> find(std::string_view key) const {
        const auto it = v_->find(key);
        if (it == v_->end()) return std::nullopt;
        return JsonSource(*it);
    }
    template <class F>
    void each(F f) const {
        for (const auto& e : *v_) f(JsonSource(e));
    }
    template <class F>
    void items(F f) const {
        for (const auto& item : v_->items()) f(std::string_view(item.key()), JsonSource(item.value()));
    }
    std::optional<Timestamp> instant() const { return std::nullopt; }  // times are text
    template <class F>
    void keys(F f) const {
        for (const auto& item : v_->items()) f(std::string_view(item.key()));
    }

private:
    const json* v_;
};

// simdjson's DOM as a source. What it accepts, the strict parser accepts too
// (see parse_event), and it reads the same values.
class SimdSource {
public:
    explicit SimdSource(simdjson::dom::element e) : e_(e) {}
    JsonKind kind() const {
        switch (e_.type()) {
            case simdjson::dom::element_type::NULL_VALUE: return JsonKind::null;
            case simdjson::dom::element_type::BOOL: return JsonKind::boolean;
            case simdjson::dom::element_type::STRING: return JsonKind::string;
            case simdjson::dom::element_type::ARRAY: return JsonKind::array;
            case simdjson::dom::element_type::OBJECT: return JsonKind::object;
            default: return JsonKind::number;
        }
    }
    bool boolean() const {
        bool b = false;
        return e_.get_bool().get(b) == simdjson::SUCCESS && b;
    }
    double number() const {
        switch (e_.type()) {
            case simdjson::dom::element_type::INT64: return static_cast<double>(e_.get_int64().value_unsafe());
            case simdjson::dom::element_type::UINT64: return static_cast<double>(e_.get_uint64().value_unsafe());
            default: return e_.get_double().value_unsafe();
        }
    }
    bool is_integer() const {
        return e_.type() == simdjson::dom::element_type::INT64 || e_.type() == simdjson::dom::element_type::UINT64;
    }
    std::int64_t integer() const {
        if (e_.type() == simdjson::dom::element_type::UINT64) {
            const std::uint64_t u = e_.get_uint64().value_unsafe();
            return u > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(u);
        }
        return e_.get_int64().value_unsafe();
    }
    std::string_view string() const { return e_.get_string().value_unsafe(); }
    std::string reason() const { return {}; }
    std::size_t size() const {
        return e_.type() == simdjson::dom::element_type::ARRAY ? array().size() : object().size();
    }
    std::optional<SimdSource> find(std::string_view key) const {
        simdjson::dom::element v;
        if (object().at_key(key).get(v) != simdjson::SUCCESS) return std::nullopt;
        return SimdSource(v);
    }
    template <class F>
    void each(F f) const {
        for (simdjson::dom::element e : array()) f(SimdSource(e));
    }
    template <class F>
    void items(F f) const {
        for (simdjson::dom::key_value_pair kv : object()) f(kv.key, SimdSource(kv.value));
    }
    std::optional<Timestamp> instant() const { return std::nullopt; }  // times are text
    template <class F>
    void keys(F f) const {
        for (simdjson::dom::key_value_pair kv : object()) f(kv.key);
    }

private:
    simdjson::dom::array array() const {
        simdjson::dom::array a;
        if (e_.get_array().get(a) != simdjson::SUCCESS) return {};
        return a;
    }
    simdjson::dom::object object() const {
        simdjson::dom::object o;
        if (e_.get_object().get(o) != simdjson::SUCCESS) return {};
        return o;
    }

    simdjson::dom::element e_;
};

// True when an object anywhere in the value repeats a key: simdjson keeps
// both, the strict parser refuses the text.
bool repeats_a_key(simdjson::dom::element e) {
    simdjson::dom::array array;
    if (e.get_array().get(array) == simdjson::SUCCESS) {
        for (simdjson::dom::element item : array)
            if (repeats_a_key(item)) return true;
        return false;
    }
    simdjson::dom::object object;
    if (e.get_object().get(object) != simdjson::SUCCESS) return false;
    std::vector<std::string_view> keys;
    for (simdjson::dom::key_value_pair kv : object) {
        if (repeats_a_key(kv.value)) return true;
        keys.push_back(kv.key);
    }
    std::sort(keys.begin(), keys.end());
    return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

simdjson::dom::parser& thread_parser() {
    // The strict parser allows Limits::depth levels below the outermost value.
    thread_local simdjson::dom::parser parser = [] {
        simdjson::dom::parser p;
        if (p.allocate(1 << 16, Limits::depth + 1) != simdjson::SUCCESS) throw std::bad_alloc();
        return p;
    }();
    return parser;
}

Event parse_strictly(std::string_view text, std::size_t line) {
    json value;
    try {
        value = parse_strict_json(text, Limits::depth);
    } catch (const StrictJsonError& err) {
        throw EventError(err.id, line, err.field(), err.reason);
    }
    return read_event(JsonSource(value), line);
}

}  // namespace

Event event_from_json(const json& value, std::size_t line) { return read_event(JsonSource(value), line); }

bool valid_utf8(std::string_view s) noexcept { return simdjson::validate_utf8(s.data(), s.size()); }

Event parse_event(std::string_view text, std::size_t line, bool padded) {
    if (text.size() > Limits::line)
        throw EventError("", line, "", "record is " + std::to_string(text.size()) +
                                           " bytes, longer than the limit of " + std::to_string(Limits::line));
    // simdjson first; whatever it refuses, or a repeated key it lets through,
    // goes to the strict parser, which says exactly what is wrong.
    static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING, "the padding simdjson reads past a text");
    simdjson::dom::element root;
    if (thread_parser().parse(text.data(), text.size(), !padded).get(root) != simdjson::SUCCESS || repeats_a_key(root))
        return parse_strictly(text, line);
    return read_event(SimdSource(root), line);
}

}  // namespace pursuit
