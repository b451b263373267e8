// The one judge of an event's fields, over any source that can be read as a
// JSON value: nlohmann's DOM, simdjson's DOM, a Python dict, a DataFrame or
// Arrow row. Every input path builds its events here, so they are refused for
// the same reasons in the same words, and none takes a JSON round trip.
//
// A source value `V` offers:
//   JsonKind kind();  bool boolean();  double number();
//   bool is_integer();            // a number with no fraction or exponent
//   std::int64_t integer();       // when is_integer(); beyond int64 it saturates
//   std::string_view string();
//   std::optional<Timestamp> instant();  // a native time (an Arrow timestamp), else nullopt
//   std::optional<V> find(std::string_view key);   // objects; nullopt when absent
//   void each(F f);               // arrays: f(V) per element, in order
//   void items(F f);              // objects: f(std::string_view key, V)
//   void keys(F f);               // objects: f(std::string_view key), the keys items() gives
//   std::size_t size();           // arrays and objects
//   std::string reason();         // kind() == invalid: why the value has no JSON form
// Sources built from JSON text are never invalid; a Python value can be (an
// object of another type, text that is not Unicode).
#pragma once

#include <algorithm>
#include <map>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "pursuit/json.hpp"
#include "text.hpp"

namespace pursuit {

enum class JsonKind { null, boolean, number, string, array, object, invalid };

inline const char* kind_name(JsonKind k) {
    switch (k) {
        case JsonKind::null: return "null";
        case JsonKind::boolean: return "a boolean";
        case JsonKind::number: return "a number";
        case JsonKind::string: return "a string";
        case JsonKind::array: return "an array";
        case JsonKind::object: return "an object";
        case JsonKind::invalid: return "a value with no JSON form";
    }
    return "nothing";
}

namespace reader {

// Reads the fields of one event object, remembering which were consumed so
// that anything left over is reported as an unexpected field.
template <class V>
class Reader {
public:
    Reader(const V& object, std::size_t line) : object_(object), line_(line) {}

    [[noreturn]] void fail(std::string_view field, std::string reason) const {
        throw EventError(id_, line_, std::string(field), std::move(reason));
    }
    void set_id(std::string id) { id_ = std::move(id); }

    // nullopt when absent or null: null stands for "not given" on optional fields.
    std::optional<V> optional(std::string_view key) {
        consumed_.push_back(key);
        std::optional<V> v = object_.find(key);
        if (v && v->kind() == JsonKind::null) return std::nullopt;
        if (v) valid(key, *v);
        return v;
    }
    const V& valid(std::string_view field, const V& v) const {
        if (v.kind() == JsonKind::invalid) fail(field, v.reason());
        return v;
    }
    V required(std::string_view key) {
        std::optional<V> v = optional(key);
        if (!v) fail(key, object_.find(key) ? "must not be null" : "is missing");
        return *v;
    }

    std::string text(std::string_view key, const V& v, std::size_t max) const {
        if (v.kind() != JsonKind::string) fail(key, std::string("expected a string, got ") + kind_name(v.kind()));
        const std::string_view s = v.string();
        if (s.empty()) fail(key, "must not be empty");
        // Text parsed here is valid already; a value built in code or an Arrow buffer may not be.
        if (!valid_utf8(s)) fail(key, "is not valid UTF-8");
        if (const std::size_t n = characters(s); n > max)
            fail(key, "is " + std::to_string(n) + " characters, longer than the limit of " + std::to_string(max));
        return std::string(s);
    }
    std::string text(std::string_view key, std::size_t max) { return text(key, required(key), max); }
    Text opt_text(std::string_view key, std::size_t max) {
        const auto v = optional(key);
        return v ? Text(text(key, *v, max)) : std::nullopt;
    }

    // A native time is taken as it is where its text would parse back to it
    // (UTC years 1900..9999); anything else is judged as its text.
    Timestamp instant(std::string_view key) {
        const V v = required(key);
        if (const auto t = v.instant(); t && *t >= kFirstInstant && *t < kEndInstant) return *t;
        std::string why;
        const auto at = parse_timestamp(text(key, v, 40), &why);
        if (!at) fail(key, why);
        return *at;
    }

    // Ids (of events, opportunities, contacts) are shown in reports and used as
    // keys: no control characters.
    std::string ident(std::string_view key, const V& v) const {
        std::string s = text(key, v, Limits::id);
        if (has_control(s)) fail(key, "must not contain control characters");
        return s;
    }
    std::string ident(std::string_view key) { return ident(key, required(key)); }
    Text opt_ident(std::string_view key) {
        const auto v = optional(key);
        return v ? Text(ident(key, *v)) : std::nullopt;
    }

    template <class E>
    E term(std::string_view key, const V& v) const {
        if (v.kind() != JsonKind::string) fail(key, std::string("expected a string, got ") + kind_name(v.kind()));
        const std::string_view s = v.string();
        if (const auto parsed = parse_id<E>(s)) return *parsed;
        fail(key, "unknown " + std::string(Vocabulary<E>::kind) + " " + quote(s) + "; expected one of " +
                      expected_ids<E>());
    }
    template <class E>
    E term(std::string_view key) { return term<E>(key, required(key)); }
    template <class E>
    std::optional<E> opt_term(std::string_view key) {
        const auto v = optional(key);
        return v ? std::optional<E>(term<E>(key, *v)) : std::nullopt;
    }

    std::optional<bool> opt_bool(std::string_view key) {
        const auto v = optional(key);
        if (!v) return std::nullopt;
        if (v->kind() != JsonKind::boolean) fail(key, std::string("expected true or false, got ") + kind_name(v->kind()));
        return v->boolean();
    }

    // An array, each element read by `item(field, element)`.
    template <class Item>
    auto list(std::string_view key, const V& v, Item item) const {
        if (v.kind() != JsonKind::array) fail(key, std::string("expected an array, got ") + kind_name(v.kind()));
        if (v.size() > Limits::list)
            fail(key, "has " + std::to_string(v.size()) + " items, more than the limit of " +
                          std::to_string(Limits::list));
        std::vector<decltype(item(key, v))> out;
        out.reserve(v.size());
        std::size_t i = 0;
        v.each([&](const V& e) {
            const std::string field = std::string(key) + "[" + std::to_string(i++) + "]";
            out.push_back(item(field, valid(field, e)));
        });
        return out;
    }
    std::vector<std::string> texts(std::string_view key, std::size_t max) {
        const auto v = optional(key);
        if (!v) return {};
        return list(key, *v, [&](std::string_view f, const V& e) { return text(f, e, max); });
    }

    // {"sector": "retail", ...}: lower-case id keys, non-empty text values.
    // Keys are judged in sorted order, so that every source names the same one first.
    std::map<std::string, std::string> segments(const V& v) const {
        if (v.kind() != JsonKind::object) fail("segments", std::string("expected an object, got ") + kind_name(v.kind()));
        if (v.size() > Limits::list)
            fail("segments", "has " + std::to_string(v.size()) + " keys, more than the limit of " + std::to_string(Limits::list));
        std::vector<std::pair<std::string_view, V>> items;
        v.items([&](std::string_view key, const V& value) { items.emplace_back(key, value); });
        std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::map<std::string, std::string> out;
        for (const auto& [key, value] : items) {
            const std::string field = "segments." + std::string(key);
            if (key.empty() || key.size() > 32 ||
                !std::all_of(key.begin(), key.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }))
                fail(field.size() > 64 ? "segments" : field, "a segment key is 1 to 32 lower-case letters, digits or _");
            out.emplace(key, text(field, valid(field, value), Limits::name));
        }
        return out;
    }

    // The first unexpected field in sorted order (as above).
    void no_other_fields(EventType type) const {
        std::optional<std::string_view> first;
        object_.keys([&](std::string_view key) {
            if (std::find(consumed_.begin(), consumed_.end(), key) == consumed_.end() && (!first || key < *first))
                first = key;
        });
        if (first) fail(*first, "is not a field of '" + std::string(to_id(type)) + "' events");
    }

private:
    static constexpr Timestamp kFirstInstant = -2'208'988'800 * kMicrosPerSecond;      // 1900-01-01T00:00:00Z
    static constexpr Timestamp kEndInstant = 253'402'300'800 * kMicrosPerSecond;       // 10000-01-01T00:00:00Z
    const V& object_;
    std::size_t line_;
    std::string id_;
    // Keys read so far (string literals): an event reads at most ~20, kept inline.
    boost::container::small_vector<std::string_view, 24> consumed_;
};

template <class V>
events::Body read_body(EventType type, Reader<V>& r) {
    using namespace events;
    switch (type) {
        case EventType::open: {
            Open b;
            b.account = r.text("account", Limits::name);
            b.name = r.text("name", Limits::name);
            if (const auto v = r.optional("amount")) {
                if (v->kind() != JsonKind::number) r.fail("amount", std::string("expected a number, got ") + kind_name(v->kind()));
                const double amount = v->number();
                if (!(amount >= 0) || amount > 1e15) r.fail("amount", "must be between 0 and 1e15");
                b.amount = amount;
            }
            b.currency = r.opt_text("currency", 3);
            if (b.currency && (b.currency->size() != 3 ||
                               !std::all_of(b.currency->begin(), b.currency->end(),
                                            [](char c) { return c >= 'A' && c <= 'Z'; })))
                r.fail("currency", "expected a 3-letter ISO 4217 code like CNY or USD, got " + quote(*b.currency));
            if (const auto v = r.optional("expected_close")) {
                std::string why;
                const auto date = parse_date(r.text("expected_close", *v, 10 + 1), &why);
                if (!date) r.fail("expected_close", why);
                b.expected_close = date;
            }
            b.owner = r.opt_text("owner", Limits::name);
            if (const auto v = r.optional("segments")) b.segments = r.segments(*v);
            return b;
        }
        case EventType::signal: return Signal{r.template term<SignalKind>("kind"), r.opt_ident("contact")};
        case EventType::qualify: {
            Qualify b;
            b.criterion = r.template term<Criterion>("criterion");
            b.answer = r.template term<Answer>("answer");
            return b;
        }
        case EventType::contact: {
            Contact b;
            b.contact = r.ident("contact");
            b.name = r.opt_text("name", Limits::name);
            b.title = r.opt_text("title", Limits::name);
            if (const auto v = r.optional("roles")) {
                b.roles = r.list("roles", *v, [&](std::string_view f, const V& e) { return r.template term<Role>(f, e); });
                auto sorted = *b.roles;
                std::sort(sorted.begin(), sorted.end());
                if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
                    r.fail("roles", "lists a role twice");
            }
            b.authority = r.template opt_term<Authority>("authority");
            b.stance = r.template opt_term<Stance>("stance");
            b.access = r.opt_bool("access");
            if (const auto v = r.optional("focus"))
                b.focus = r.list("focus", *v, [&](std::string_view f, const V& e) { return r.text(f, e, Limits::name); });
            return b;
        }
        case EventType::contact_left: return ContactLeft{r.ident("contact")};
        case EventType::insight: {
            Insight b;
            b.topic = r.template term<InsightTopic>("topic");
            b.text = r.text("text", Limits::text);
            return b;
        }
        case EventType::competitor: {
            Competitor b;
            if (const auto none = r.optional("none")) {
                if (none->kind() != JsonKind::boolean || !none->boolean())
                    r.fail("none", "must be true (it records that no competitor was found)");
                for (const char* key : {"name", "strengths", "weaknesses", "strategy", "ties"})
                    if (r.optional(key)) r.fail(key, "cannot be given with \"none\": true");
                b.none = true;
                return b;
            }
            b.name = r.text("name", Limits::name);
            b.strengths = r.texts("strengths", Limits::name);
            b.weaknesses = r.texts("weaknesses", Limits::name);
            b.strategy = r.opt_text("strategy", Limits::reason);
            if (const auto v = r.optional("ties"))
                b.ties = r.list("ties", *v, [&](std::string_view f, const V& e) { return r.ident(f, e); });
            return b;
        }
        case EventType::evidence: return Evidence{r.template term<EvidenceKind>("kind"), r.opt_ident("contact")};
        case EventType::evidence_revoked:
            return EvidenceRevoked{r.template term<EvidenceKind>("kind"), r.opt_ident("contact")};
        case EventType::interaction: {
            Interaction b;
            b.channel = r.template term<Channel>("channel");
            b.direction = r.template term<Direction>("direction");
            if (const auto v = r.optional("volume")) {
                if (v->kind() != JsonKind::number || !v->is_integer())
                    r.fail("volume", std::string("expected a whole number, got ") + kind_name(v->kind()));
                const std::int64_t volume = v->integer();
                if (volume < 1 || volume > Limits::volume)
                    r.fail("volume", "must be between 1 and " + std::to_string(Limits::volume));
                b.volume = static_cast<std::uint32_t>(volume);
            }
            b.contact = r.opt_ident("contact");
            return b;
        }
        case EventType::buyer_stage: {
            BuyerStageChange b;
            b.stage = r.template term<BuyerStage>("stage");
            b.criteria_aligned = r.opt_bool("criteria_aligned");
            return b;
        }
        case EventType::advance: return Advance{};
        case EventType::win: return Win{};
        case EventType::lose: {
            Lose b;
            b.reason = r.template term<LossReason>("reason");
            b.competitor = r.opt_text("competitor", Limits::name);
            return b;
        }
        case EventType::disqualify: return Disqualify{r.text("reason", Limits::reason)};
        case EventType::reopen: return Reopen{};
        case EventType::note: return Note{};
    }
    r.fail("type", "unhandled event type");
}

}  // namespace reader

// An event from any source value; throws EventError naming the line (0: none),
// the event id once read, and the field.
template <class V>
Event read_event(const V& value, std::size_t line) {
    if (value.kind() == JsonKind::invalid) throw EventError("", line, "", value.reason());
    if (value.kind() != JsonKind::object)
        throw EventError("", line, "", std::string("expected a JSON object, got ") + kind_name(value.kind()));
    reader::Reader<V> r(value, line);
    Event e;
    e.id = r.ident("id");
    r.set_id(e.id);
    e.opportunity = r.ident("opportunity");
    e.at = r.instant("at");
    const auto type = r.template term<EventType>("type");
    e.actor = r.opt_text("actor", Limits::name);
    e.note = r.opt_text("note", Limits::text);
    if (type == EventType::note && !e.note) r.fail("note", "is missing (a 'note' event carries its text here)");
    e.body = reader::read_body(type, r);
    r.no_other_fields(type);
    return e;
}

}  // namespace pursuit
