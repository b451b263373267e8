// Strict parsing of events: every field checked for presence, type, vocabulary
// and size, and every unknown field refused, so that what enters the engine is
// exactly what the catalogue allows.
#include <algorithm>
#include <string>

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

const char* type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::string: return "a string";
        case json::value_t::array: return "an array";
        case json::value_t::object: return "an object";
        case json::value_t::binary: return "binary data";
        case json::value_t::discarded: return "nothing";
        default: return "a number";
    }
}

// Reads the fields of one event object, remembering which were consumed so
// that anything left over is reported as an unexpected field.
class Reader {
public:
    Reader(const json& object, std::size_t line) : object_(object), line_(line) {}

    [[noreturn]] void fail(std::string_view field, std::string reason) const {
        throw EventError(id_, line_, std::string(field), std::move(reason));
    }
    void set_id(std::string id) { id_ = std::move(id); }

    // nullptr when absent or null: null stands for "not given" on optional fields.
    const json* optional(std::string_view key) {
        consumed_.emplace_back(key);
        const auto it = object_.find(key);
        if (it == object_.end()) return nullptr;
        return it->is_null() ? nullptr : &*it;
    }
    const json& required(std::string_view key) {
        const json* v = optional(key);
        if (!v) fail(key, object_.contains(key) ? "must not be null" : "is missing");
        return *v;
    }

    std::string text(std::string_view key, const json& v, std::size_t max) const {
        if (!v.is_string()) fail(key, std::string("expected a string, got ") + type_name(v));
        const auto& s = v.get_ref<const std::string&>();
        if (s.empty()) fail(key, "must not be empty");
        if (const std::size_t n = characters(s); n > max)
            fail(key, "is " + std::to_string(n) + " characters, longer than the limit of " + std::to_string(max));
        return s;
    }
    std::string text(std::string_view key, std::size_t max) { return text(key, required(key), max); }
    Text opt_text(std::string_view key, std::size_t max) {
        const json* v = optional(key);
        return v ? Text(text(key, *v, max)) : std::nullopt;
    }

    // Ids (of events, opportunities, contacts) are shown in reports and used as
    // keys: no control characters.
    std::string ident(std::string_view key, const json& v) const {
        std::string s = text(key, v, Limits::id);
        if (has_control(s)) fail(key, "must not contain control characters");
        return s;
    }
    std::string ident(std::string_view key) { return ident(key, required(key)); }
    Text opt_ident(std::string_view key) {
        const json* v = optional(key);
        return v ? Text(ident(key, *v)) : std::nullopt;
    }

    template <class E>
    E term(std::string_view key, const json& v) const {
        if (!v.is_string()) fail(key, std::string("expected a string, got ") + type_name(v));
        const auto& s = v.get_ref<const std::string&>();
        if (const auto parsed = parse_id<E>(s)) return *parsed;
        fail(key, "unknown " + std::string(Vocabulary<E>::kind) + " " + quote(s) + "; expected one of " +
                      expected_ids<E>());
    }
    template <class E>
    E term(std::string_view key) { return term<E>(key, required(key)); }
    template <class E>
    std::optional<E> opt_term(std::string_view key) {
        const json* v = optional(key);
        return v ? std::optional<E>(term<E>(key, *v)) : std::nullopt;
    }

    std::optional<bool> opt_bool(std::string_view key) {
        const json* v = optional(key);
        if (!v) return std::nullopt;
        if (!v->is_boolean()) fail(key, std::string("expected true or false, got ") + type_name(*v));
        return v->get<bool>();
    }

    // A JSON array, each element read by `item(field, element)`.
    template <class Item>
    auto list(std::string_view key, const json& v, Item item) const {
        if (!v.is_array()) fail(key, std::string("expected an array, got ") + type_name(v));
        if (v.size() > Limits::list)
            fail(key, "has " + std::to_string(v.size()) + " items, more than the limit of " +
                          std::to_string(Limits::list));
        std::vector<decltype(item(key, v))> out;
        for (std::size_t i = 0; i < v.size(); ++i)
            out.push_back(item(std::string(key) + "[" + std::to_string(i) + "]", v[i]));
        return out;
    }
    std::vector<std::string> texts(std::string_view key, std::size_t max) {
        const json* v = optional(key);
        if (!v) return {};
        return list(key, *v, [&](std::string_view f, const json& e) { return text(f, e, max); });
    }

    // {"sector": "retail", ...}: lower-case id keys, non-empty text values.
    std::map<std::string, std::string> segments(const json& v) const {
        if (!v.is_object()) fail("segments", std::string("expected an object, got ") + type_name(v));
        if (v.size() > Limits::list)
            fail("segments", "has " + std::to_string(v.size()) + " keys, more than the limit of " + std::to_string(Limits::list));
        std::map<std::string, std::string> out;
        for (const auto& item : v.items()) {
            const std::string& key = item.key();
            const std::string field = "segments." + key;
            if (key.empty() || key.size() > 32 ||
                !std::all_of(key.begin(), key.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }))
                fail(field.size() > 64 ? "segments" : field, "a segment key is 1 to 32 lower-case letters, digits or _");
            out.emplace(key, text(field, item.value(), Limits::name));
        }
        return out;
    }

    void no_other_fields(EventType type) const {
        for (const auto& item : object_.items())
            if (std::find(consumed_.begin(), consumed_.end(), item.key()) == consumed_.end())
                fail(item.key(), "is not a field of '" + std::string(to_id(type)) + "' events");
    }

private:
    const json& object_;
    std::size_t line_;
    std::string id_;
    std::vector<std::string_view> consumed_;  // keys read so far (string literals)
};

events::Body read_body(EventType type, Reader& r) {
    using namespace events;
    switch (type) {
        case EventType::open: {
            Open b;
            b.account = r.text("account", Limits::name);
            b.name = r.text("name", Limits::name);
            if (const json* v = r.optional("amount")) {
                if (!v->is_number()) r.fail("amount", std::string("expected a number, got ") + type_name(*v));
                const double amount = v->get<double>();
                if (!(amount >= 0) || amount > 1e15) r.fail("amount", "must be between 0 and 1e15");
                b.amount = amount;
            }
            b.currency = r.opt_text("currency", 3);
            if (b.currency && (b.currency->size() != 3 ||
                               !std::all_of(b.currency->begin(), b.currency->end(),
                                            [](char c) { return c >= 'A' && c <= 'Z'; })))
                r.fail("currency", "expected a 3-letter ISO 4217 code like CNY or USD, got " + quote(*b.currency));
            if (const json* v = r.optional("expected_close")) {
                std::string why;
                const auto date = parse_date(r.text("expected_close", *v, 10 + 1), &why);
                if (!date) r.fail("expected_close", why);
                b.expected_close = date;
            }
            b.owner = r.opt_text("owner", Limits::name);
            if (const json* v = r.optional("segments")) b.segments = r.segments(*v);
            return b;
        }
        case EventType::signal: return Signal{r.term<SignalKind>("kind"), r.opt_ident("contact")};
        case EventType::qualify: {
            Qualify b;
            b.criterion = r.term<Criterion>("criterion");
            b.answer = r.term<Answer>("answer");
            return b;
        }
        case EventType::contact: {
            Contact b;
            b.contact = r.ident("contact");
            b.name = r.opt_text("name", Limits::name);
            b.title = r.opt_text("title", Limits::name);
            if (const json* v = r.optional("roles")) {
                b.roles = r.list("roles", *v, [&](std::string_view f, const json& e) { return r.term<Role>(f, e); });
                auto sorted = *b.roles;
                std::sort(sorted.begin(), sorted.end());
                if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
                    r.fail("roles", "lists a role twice");
            }
            b.authority = r.opt_term<Authority>("authority");
            b.stance = r.opt_term<Stance>("stance");
            b.access = r.opt_bool("access");
            if (const json* v = r.optional("focus"))
                b.focus = r.list("focus", *v, [&](std::string_view f, const json& e) { return r.text(f, e, Limits::name); });
            return b;
        }
        case EventType::contact_left: return ContactLeft{r.ident("contact")};
        case EventType::insight: {
            Insight b;
            b.topic = r.term<InsightTopic>("topic");
            b.text = r.text("text", Limits::text);
            return b;
        }
        case EventType::competitor: {
            Competitor b;
            if (const json* none = r.optional("none")) {
                if (*none != true) r.fail("none", "must be true (it records that no competitor was found)");
                for (const char* key : {"name", "strengths", "weaknesses", "strategy", "ties"})
                    if (r.optional(key)) r.fail(key, "cannot be given with \"none\": true");
                b.none = true;
                return b;
            }
            b.name = r.text("name", Limits::name);
            b.strengths = r.texts("strengths", Limits::name);
            b.weaknesses = r.texts("weaknesses", Limits::name);
            b.strategy = r.opt_text("strategy", Limits::reason);
            if (const json* v = r.optional("ties"))
                b.ties = r.list("ties", *v, [&](std::string_view f, const json& e) { return r.ident(f, e); });
            return b;
        }
        case EventType::evidence: return Evidence{r.term<EvidenceKind>("kind"), r.opt_ident("contact")};
        case EventType::evidence_revoked:
            return EvidenceRevoked{r.term<EvidenceKind>("kind"), r.opt_ident("contact")};
        case EventType::interaction: {
            Interaction b;
            b.channel = r.term<Channel>("channel");
            b.direction = r.term<Direction>("direction");
            if (const json* v = r.optional("volume")) {
                if (!v->is_number_integer())
                    r.fail("volume", std::string("expected a whole number, got ") + type_name(*v));
                const auto volume = v->get<std::int64_t>();
                if (volume < 1 || volume > Limits::volume)
                    r.fail("volume", "must be between 1 and " + std::to_string(Limits::volume));
                b.volume = static_cast<std::uint32_t>(volume);
            }
            b.contact = r.opt_ident("contact");
            return b;
        }
        case EventType::buyer_stage: {
            BuyerStageChange b;
            b.stage = r.term<BuyerStage>("stage");
            b.criteria_aligned = r.opt_bool("criteria_aligned");
            return b;
        }
        case EventType::advance: return Advance{};
        case EventType::win: return Win{};
        case EventType::lose: {
            Lose b;
            b.reason = r.term<LossReason>("reason");
            b.competitor = r.opt_text("competitor", Limits::name);
            return b;
        }
        case EventType::disqualify: return Disqualify{r.text("reason", Limits::reason)};
        case EventType::reopen: return Reopen{};
        case EventType::note: return Note{};
    }
    r.fail("type", "unhandled event type");
}

}  // namespace

Event event_from_json(const json& value, std::size_t line) {
    if (!value.is_object())
        throw EventError("", line, "", std::string("expected a JSON object, got ") + type_name(value));
    Reader r(value, line);
    Event e;
    e.id = r.ident("id");
    r.set_id(e.id);
    e.opportunity = r.ident("opportunity");
    std::string why;
    const auto at = parse_timestamp(r.text("at", 40), &why);
    if (!at) r.fail("at", why);
    e.at = *at;
    const auto type = r.term<EventType>("type");
    e.actor = r.opt_text("actor", Limits::name);
    e.note = r.opt_text("note", Limits::text);
    if (type == EventType::note && !e.note) r.fail("note", "is missing (a 'note' event carries its text here)");
    e.body = read_body(type, r);
    r.no_other_fields(type);
    return e;
}

Event parse_event(std::string_view text, std::size_t line) {
    if (text.size() > Limits::line)
        throw EventError("", line, "", "record is " + std::to_string(text.size()) +
                                           " bytes, longer than the limit of " + std::to_string(Limits::line));
    json value;
    try {
        value = parse_strict_json(text, Limits::depth);
    } catch (const StrictJsonError& err) {
        throw EventError(err.id, line, err.field(), err.reason);
    }
    return event_from_json(value, line);
}

}  // namespace pursuit
