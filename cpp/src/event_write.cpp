// The canonical JSON form of an event: common fields first, then the type's
// fields in catalogue order; optional fields only when given.

#include <cstdint>
#include <cstring>

#include "pursuit/json.hpp"

namespace pursuit {

using nlohmann::ordered_json;

namespace {

// Two sinks for the one field order below: a JSON value (to_json), and text
// written directly (to_json_line, on the store's hot path), byte for byte what
// dumping the JSON value would give.
struct ValueSink {
    ordered_json& j;
    void text(const char* key, const std::string& v) { j[key] = v; }
    void term(const char* key, std::string_view id) { j[key] = id; }
    void number(const char* key, double v) { j[key] = v; }
    void number(const char* key, std::uint32_t v) { j[key] = v; }
    void boolean(const char* key, bool v) { j[key] = v; }
    void texts(const char* key, const std::vector<std::string>& v) { j[key] = v; }
    void map(const char* key, const std::map<std::string, std::string>& v) { j[key] = v; }
    template <class E>
    void terms(const char* key, const std::vector<E>& values) {
        auto out = ordered_json::array();
        for (E v : values) out.push_back(to_id(v));
        j[key] = std::move(out);
    }
};

struct TextSink {
    std::string& out;

    static bool plain(unsigned char u) { return u >= 0x20 && u != '"' && u != '\\'; }
    // Eight bytes at a time: true if any is a control character, '"' or '\\'.
    static bool any_special(std::uint64_t x) {
        constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
        auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
        const std::uint64_t below_space = (x - ones * 0x20) & ~x & highs;
        return below_space | has_zero(x ^ (ones * '"')) | has_zero(x ^ (ones * '\\'));
    }
    void quoted(std::string_view s) {
        static constexpr char hex[] = "0123456789abcdef";
        out += '"';
        std::size_t i = 0;
        while (i < s.size()) {
            // Runs of characters that need no escaping are appended whole.
            std::size_t j = i;
            for (std::uint64_t word; j + 8 <= s.size(); j += 8) {
                std::memcpy(&word, s.data() + j, 8);
                if (any_special(word)) break;
            }
            while (j < s.size() && plain(static_cast<unsigned char>(s[j]))) ++j;
            out.append(s.data() + i, j - i);
            if (j == s.size()) break;
            const char c = s[j];
            const auto u = static_cast<unsigned char>(c);
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default:
                    out += "\\u00";
                    out += hex[u >> 4];
                    out += hex[u & 15];
            }
            i = j + 1;
        }
        out += '"';
    }
    void key(const char* k) {
        out += out.size() > 1 ? ",\"" : "\"";
        out += k;
        out += "\":";
    }
    void text(const char* k, std::string_view v) {
        key(k);
        quoted(v);
    }
    void term(const char* k, std::string_view id) { text(k, id); }
    void number(const char* k, double v) {
        key(k);
        out += ordered_json(v).dump();  // nlohmann's shortest round-trip form, as dump() writes it
    }
    void number(const char* k, std::uint32_t v) {
        key(k);
        out += std::to_string(v);
    }
    void boolean(const char* k, bool v) {
        key(k);
        out += v ? "true" : "false";
    }
    void texts(const char* k, const std::vector<std::string>& v) {
        key(k);
        out += '[';
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i) out += ',';
            quoted(v[i]);
        }
        out += ']';
    }
    void map(const char* k, const std::map<std::string, std::string>& v) {
        key(k);
        out += '{';
        bool first = true;
        for (const auto& [name, value] : v) {
            if (!first) out += ',';
            first = false;
            quoted(name);
            out += ':';
            quoted(value);
        }
        out += '}';
    }
    template <class E>
    void terms(const char* k, const std::vector<E>& values) {
        key(k);
        out += '[';
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i) out += ',';
            quoted(to_id(values[i]));
        }
        out += ']';
    }
};

// The catalogue's field order, written once for both sinks.
template <class Sink>
struct BodyWriter {
    Sink& j;

    void opt(const char* key, const Text& v) const {
        if (v) j.text(key, *v);
    }
    template <class E>
    void opt_term(const char* key, const std::optional<E>& v) const {
        if (v) j.term(key, to_id(*v));
    }

    void operator()(const events::Open& b) const {
        j.text("account", b.account);
        j.text("name", b.name);
        if (b.amount) j.number("amount", *b.amount);
        opt("currency", b.currency);
        if (b.expected_close) j.text("expected_close", format_date(*b.expected_close));
        opt("owner", b.owner);
        if (!b.segments.empty()) j.map("segments", b.segments);
    }
    void operator()(const events::Signal& b) const {
        j.term("kind", to_id(b.kind));
        opt("contact", b.contact);
    }
    void operator()(const events::Qualify& b) const {
        j.term("criterion", to_id(b.criterion));
        j.term("answer", to_id(b.answer));
    }
    void operator()(const events::Contact& b) const {
        j.text("contact", b.contact);
        opt("name", b.name);
        opt("title", b.title);
        if (b.roles) j.terms("roles", *b.roles);
        opt_term("authority", b.authority);
        opt_term("stance", b.stance);
        if (b.access) j.boolean("access", *b.access);
        if (b.focus) j.texts("focus", *b.focus);
    }
    void operator()(const events::ContactLeft& b) const { j.text("contact", b.contact); }
    void operator()(const events::Insight& b) const {
        j.term("topic", to_id(b.topic));
        j.text("text", b.text);
    }
    void operator()(const events::Competitor& b) const {
        if (b.none) {
            j.boolean("none", true);
            return;
        }
        j.text("name", b.name);
        if (!b.strengths.empty()) j.texts("strengths", b.strengths);
        if (!b.weaknesses.empty()) j.texts("weaknesses", b.weaknesses);
        opt("strategy", b.strategy);
        if (!b.ties.empty()) j.texts("ties", b.ties);
    }
    void operator()(const events::Evidence& b) const {
        j.term("kind", to_id(b.kind));
        opt("contact", b.contact);
    }
    void operator()(const events::EvidenceRevoked& b) const {
        j.term("kind", to_id(b.kind));
        opt("contact", b.contact);
    }
    void operator()(const events::Interaction& b) const {
        j.term("channel", to_id(b.channel));
        j.term("direction", to_id(b.direction));
        if (b.volume != 1) j.number("volume", b.volume);
        opt("contact", b.contact);
    }
    void operator()(const events::BuyerStageChange& b) const {
        j.term("stage", to_id(b.stage));
        if (b.criteria_aligned) j.boolean("criteria_aligned", *b.criteria_aligned);
    }
    void operator()(const events::Lose& b) const {
        j.term("reason", to_id(b.reason));
        opt("competitor", b.competitor);
    }
    void operator()(const events::Disqualify& b) const { j.text("reason", b.reason); }
    // advance, win, reopen and note carry no fields of their own.
    template <class Empty>
    void operator()(const Empty&) const {}
};

template <class Sink>
void write(Sink& j, const Event& e) {
    BodyWriter<Sink> w{j};
    j.text("id", e.id);
    j.text("opportunity", e.opportunity);
    j.text("at", format_timestamp(e.at));
    j.term("type", to_id(e.type()));
    w.opt("actor", e.actor);
    std::visit(w, e.body);
    w.opt("note", e.note);
}

}  // namespace

ordered_json to_json(const Event& e) {
    ordered_json j;
    ValueSink sink{j};
    write(sink, e);
    return j;
}

std::string to_json_line(const Event& e) {
    std::string out;
    out.reserve(512);  // most events fit: one allocation
    out += '{';
    TextSink sink{out};
    write(sink, e);
    out += '}';
    return out;
}

}  // namespace pursuit
