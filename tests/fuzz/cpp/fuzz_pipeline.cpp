// The machine and its gates, driven by valid-ish events. The input is read as
// choices (oracle.hpp's Bytes): each event's type, opportunity, time and fields
// are picked from the vocabularies (now and then a value that is not), made
// JSON and read by the strict parser; the events that read are applied in
// batches. Oracle: applying valid events throws nothing; one thread and two
// give the same verdicts and states; every opportunity's state writes back
// and reads as itself; assessing it throws nothing.
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "oracle.hpp"
#include "pursuit/assessment.hpp"
#include "pursuit/json.hpp"
#include "pursuit/pipeline.hpp"

using namespace pursuit;
using nlohmann::json;
using pursuit::fuzz::Bytes;
using pursuit::fuzz::check;
using pursuit::fuzz::expect_only;

namespace {

constexpr Timestamp kStart = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z

// A vocabulary id, now and then one that is not in it.
template <class E>
std::string pick(Bytes& in) {
    const auto& terms = Vocabulary<E>::terms;
    const unsigned k = in.below(static_cast<unsigned>(terms.size()) + 1);
    return k < terms.size() ? std::string(terms[k].id) : "bogus";
}

template <class E>
json picks(Bytes& in) {
    json out = json::array();
    for (unsigned n = in.below(4); n > 0; --n) out.push_back(pick<E>(in));
    return out;
}

std::string contact(Bytes& in) { return "c-" + std::to_string(in.below(4)); }

// Free text, always UTF-8: event_from_json trusts a JSON value's strings to be
// (fuzz_event_value.cpp covers the ones that are not).
std::string note(Bytes& in) {
    static const char* const texts[] = {"n", "机会 / deal", "\x1b[31m", "\u202e", "\xf0\x9f\x98\x80", "a\tb\nc", ""};
    return texts[in.below(std::size(texts))];
}

json make_event(Bytes& in, std::size_t n, Timestamp& clock) {
    // Mostly forward in time, sometimes the same instant or back (order is judged per batch).
    const unsigned step = in.byte();
    clock += step < 200 ? static_cast<Timestamp>(step) * 3'600'000'000 : -static_cast<Timestamp>(step - 200) * kMicrosPerDay;
    const auto type = static_cast<EventType>(in.below(size<EventType>()));
    json e = {{"id", in.chance(16) ? "e-" + std::to_string(in.below(8)) : "e-" + std::to_string(n)},
              {"opportunity", "O" + std::to_string(in.below(3))},
              {"at", format_timestamp(clock)},
              {"type", std::string(to_id(type))}};
    if (in.chance(8)) e["note"] = note(in);
    auto maybe = [&](const char* key, auto make) {
        if (in.chance(2)) e[key] = make();
    };
    switch (type) {
        case EventType::open:
            e["account"] = "A";
            e["name"] = "N";
            maybe("amount", [&] { return in.byte() * 1000.0; });
            maybe("expected_close", [&] { return format_date(static_cast<Date>(20'454 + in.below(400))); });
            maybe("segments", [&] { return json{{"sector", "s" + std::to_string(in.below(3))}}; });
            break;
        case EventType::signal:
            e["kind"] = pick<SignalKind>(in);
            maybe("contact", [&] { return contact(in); });
            break;
        case EventType::qualify:
            e["criterion"] = pick<Criterion>(in);
            e["answer"] = pick<Answer>(in);
            break;
        case EventType::contact:
            e["contact"] = contact(in);
            maybe("roles", [&] { return picks<Role>(in); });
            maybe("authority", [&] { return pick<Authority>(in); });
            maybe("stance", [&] { return pick<Stance>(in); });
            maybe("access", [&] { return in.chance(2); });
            break;
        case EventType::contact_left: e["contact"] = contact(in); break;
        case EventType::insight:
            e["topic"] = pick<InsightTopic>(in);
            e["text"] = "t";
            break;
        case EventType::competitor:
            if (in.chance(3)) {
                e["none"] = true;
            } else {
                e["name"] = "K" + std::to_string(in.below(2));
                maybe("ties", [&] { return json::array({contact(in)}); });
            }
            break;
        case EventType::evidence:
        case EventType::evidence_revoked:
            e["kind"] = pick<EvidenceKind>(in);
            maybe("contact", [&] { return contact(in); });
            break;
        case EventType::interaction:
            e["channel"] = pick<Channel>(in);
            e["direction"] = pick<Direction>(in);
            maybe("volume", [&] { return 1 + in.byte(); });
            maybe("contact", [&] { return contact(in); });
            break;
        case EventType::buyer_stage:
            e["stage"] = pick<BuyerStage>(in);
            maybe("criteria_aligned", [&] { return in.chance(2); });
            break;
        case EventType::lose: e["reason"] = pick<LossReason>(in); break;
        case EventType::disqualify: e["reason"] = "r"; break;
        case EventType::note: e["note"] = "n"; break;
        case EventType::advance:
        case EventType::win:
        case EventType::reopen: break;
    }
    return e;
}

std::string state(const Opportunity& opp) { return opp.to_json().dump(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    Bytes in(data, size);
    // The default gates, or none (as an imported CRM store replays).
    static const auto no_gates = std::make_shared<const Playbook>(Playbook::parse(
        R"({"name":"no-gates","gates":{"qualification":[],"tracking":[],"monitoring":[],"verification":[],)"
        R"("won":[],"lost":[],"disqualified":[]}})"));
    const auto playbook = in.chance(4) ? no_gates : Playbook::default_playbook();
    Pipeline one(playbook), two(playbook);
    Timestamp clock = kStart;
    std::size_t n = 0;
    while (!in.empty()) {
        std::vector<Event> batch;
        for (unsigned k = 1 + in.below(16); k > 0 && !in.empty(); --k) {
            const json e = make_event(in, ++n, clock);
            expect_only<EventError>("event_from_json", [&] { batch.push_back(event_from_json(e)); });
        }
        std::vector<BatchRecord> a, b;
        expect_only<>("Pipeline::apply", [&] {
            a = one.apply(batch, 1);
            b = two.apply(batch, 2);
        });
        check(a.size() == batch.size() && b.size() == batch.size(), "Pipeline::apply", "not one record per event");
        for (std::size_t i = 0; i < a.size(); ++i)
            check(one.verdict(a[i]) == two.verdict(b[i]), "Pipeline::apply", "one thread and two disagree on a verdict");
    }
    check(one.size() == two.size(), "Pipeline::apply", "one thread and two hold different opportunities");
    for (std::size_t i = 0; i < one.size(); ++i) {
        const Opportunity& opp = one.at(i);
        const auto other = two.find(opp.id());
        check(other && state(two.at(*other)) == state(opp), "Pipeline::apply", "one thread and two disagree on a state");
        expect_only<>("Opportunity::from_json(to_json())", [&] {
            check(state(Opportunity::from_json(opp.to_json(), playbook)) == state(opp), "Opportunity state",
                  "the written state reads as another state");
        });
        expect_only<>("assess", [&] {
            const Assessment a = assess(opp, opp.last_at() + 30 * kMicrosPerDay);
            win_features(opp, a, false);
        });
    }
    return 0;
}
