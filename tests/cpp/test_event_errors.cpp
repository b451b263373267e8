// Malformed events: each case asserts the whole message, which must name the
// event (when its id is readable) and the field.
#include <catch2/catch.hpp>

#include "pursuit/json.hpp"

using namespace pursuit;

namespace {

struct Case {
    std::string input;
    std::string message;
};

// A valid prefix, so each case breaks exactly one thing.
std::string ev(const std::string& type, const std::string& rest = "") {
    return R"({"id":"e-1","opportunity":"OPP-1","at":"2026-03-02T10:00:00+08:00","type":")" + type + "\"" + rest + "}";
}

const std::string kLong(5000, 'x');

std::string many_strings(int n) {
    std::string out = "[";
    for (int i = 0; i < n; ++i) out += (i ? ",\"f" : "\"f") + std::to_string(i) + "\"";
    return out + "]";
}

}  // namespace

TEST_CASE("malformed events are refused with a message naming the event and the field", "[event][errors]") {
    const std::vector<Case> cases = {
        // The record itself.
        {R"({"id":"e-1",)", "event: malformed JSON at column 13: syntax error while parsing object key - unexpected end of input; expected string literal"},
        {"[1,2]", "event: expected a JSON object, got an array"},
        {"", "event: malformed JSON at column 1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal"},
        {ev("win") + " {}", "event: malformed JSON at column 82: syntax error while parsing value - unexpected '{'; expected end of input"},
        {R"({"id":"e-1","id":"e-2"})", "event, field 'id': appears twice in one object"},
        {R"({"a":)" + std::string(20, '[') + std::string(20, ']') + "}", "event: nesting deeper than 16 levels"},
        {"{\"id\":\"e-1\",\"note\":\"\xff\"}", "event: malformed JSON at column 21: syntax error while parsing value - invalid string: ill-formed UTF-8 byte"},
        // Common fields.
        {R"({"opportunity":"O","at":"2026-03-02T10:00:00Z","type":"win"})", "event, field 'id': is missing"},
        {R"({"id":"","opportunity":"O","at":"2026-03-02T10:00:00Z","type":"win"})", "event, field 'id': must not be empty"},
        {R"({"id":7,"opportunity":"O","at":"2026-03-02T10:00:00Z","type":"win"})", "event, field 'id': expected a string, got a number"},
        {R"({"id":null,"opportunity":"O","at":"2026-03-02T10:00:00Z","type":"win"})", "event, field 'id': must not be null"},
        {R"({"id":"e\n1","opportunity":"O","at":"2026-03-02T10:00:00Z","type":"win"})", "event, field 'id': must not contain control characters"},
        {R"({"id":")" + std::string(129, 'i') + R"(","opportunity":"O","at":"2026-03-02T10:00:00Z","type":"win"})", "event, field 'id': is 129 bytes, longer than the limit of 128"},
        {R"({"id":"e-1","at":"2026-03-02T10:00:00Z","type":"win"})", "event 'e-1', field 'opportunity': is missing"},
        {R"({"id":"e-1","opportunity":"O","type":"win"})", "event 'e-1', field 'at': is missing"},
        {R"({"id":"e-1","opportunity":"O","at":"2026-03-02T10:00:00","type":"win"})", "event 'e-1', field 'at': no UTC offset: add Z or an offset like +08:00"},
        {R"({"id":"e-1","opportunity":"O","at":"2026-02-30T10:00:00Z","type":"win"})", "event 'e-1', field 'at': day does not exist in that month"},
        {R"({"id":"e-1","opportunity":"O","at":1772445600,"type":"win"})", "event 'e-1', field 'at': expected a string, got a number"},
        {R"({"id":"e-1","opportunity":"O","at":"2026-03-02T10:00:00Z"})", "event 'e-1', field 'type': is missing"},
        {ev("promote"), "event 'e-1', field 'type': unknown event type 'promote'; expected one of open, signal, qualify, contact, contact_left, insight, competitor, evidence, evidence_revoked, interaction, buyer_stage, advance, win, lose, disqualify, reopen, note"},
        {ev("win", R"(,"actor":"")"), "event 'e-1', field 'actor': must not be empty"},
        {ev("win", R"(,"note":")" + kLong + "\""), "event 'e-1', field 'note': is 5000 bytes, longer than the limit of 4096"},
        {ev("note"), "event 'e-1', field 'note': is missing (a 'note' event carries its text here)"},
        {ev("win", R"(,"reason":"budget")"), "event 'e-1', field 'reason': is not a field of 'win' events"},
        // Per type.
        {ev("open", R"(,"name":"N")"), "event 'e-1', field 'account': is missing"},
        {ev("open", R"(,"account":"A","name":"N","amount":-5)"), "event 'e-1', field 'amount': must be between 0 and 1e15"},
        {ev("open", R"(,"account":"A","name":"N","amount":"5000")"), "event 'e-1', field 'amount': expected a number, got a string"},
        {ev("open", R"(,"account":"A","name":"N","currency":"rmb")"), "event 'e-1', field 'currency': expected a 3-letter ISO 4217 code like CNY or USD, got 'rmb'"},
        {ev("open", R"(,"account":"A","name":"N","expected_close":"2026-09-31")"), "event 'e-1', field 'expected_close': day does not exist in that month"},
        {ev("open", R"(,"account":"A","name":"N","expected_close":"next week")"), "event 'e-1', field 'expected_close': expected a date as YYYY-MM-DD"},
        {ev("signal", R"(,"kind":"rumour")"), "event 'e-1', field 'kind': unknown signal kind 'rumour'; expected one of people_change, role_change, criteria_change, intent_change, process_change, implicit_need"},
        {ev("qualify", R"(,"criterion":"funding","answer":"maybe")"), "event 'e-1', field 'answer': unknown answer 'maybe'; expected one of yes, no, unknown"},
        {ev("qualify", R"(,"criterion":"budget","answer":"yes")"), "event 'e-1', field 'criterion': unknown qualification criterion 'budget'; expected one of funding, timing, business_driver, unique_value, relationship, decision_process"},
        {ev("contact", R"(,"contact":"c-1","roles":["key_person","boss"])"), "event 'e-1', field 'roles[1]': unknown contact role 'boss'; expected one of key_person, key_opinion_leader, stakeholder, communicator, sales_guide, competitor_tie"},
        {ev("contact", R"(,"contact":"c-1","roles":["key_person","key_person"])"), "event 'e-1', field 'roles': lists a role twice"},
        {ev("contact", R"(,"contact":"c-1","roles":"key_person")"), "event 'e-1', field 'roles': expected an array, got a string"},
        {ev("contact", R"(,"contact":"c-1","access":"yes")"), "event 'e-1', field 'access': expected true or false, got a string"},
        {ev("contact", R"(,"contact":"c-1","authority":"HIGH")"), "event 'e-1', field 'authority': unknown authority 'HIGH'; expected one of low, medium, high"},
        {ev("contact", R"(,"contact":"c-1","focus":)" + many_strings(33)), "event 'e-1', field 'focus': has 33 items, more than the limit of 32"},
        {ev("contact"), "event 'e-1', field 'contact': is missing"},
        {ev("insight", R"(,"topic":"gossip","text":"t")"), "event 'e-1', field 'topic': unknown insight topic 'gossip'; expected one of industry, goals, problem, investment_reason, benefits, political_ecology"},
        {ev("insight", R"(,"topic":"goals","text":"")"), "event 'e-1', field 'text': must not be empty"},
        {ev("competitor", R"(,"none":false)"), "event 'e-1', field 'none': must be true (it records that no competitor was found)"},
        {ev("competitor", R"(,"none":true,"name":"K")"), "event 'e-1', field 'name': cannot be given with \"none\": true"},
        {ev("competitor", R"(,"name":"K","strengths":[1])"), "event 'e-1', field 'strengths[0]': expected a string, got a number"},
        {ev("evidence", R"(,"kind":"handshake")"), "event 'e-1', field 'kind': unknown evidence kind 'handshake'; expected one of key_person_access, time_commitment, resource_commitment, budget_commitment, trial, buyer_follows_plan"},
        {ev("interaction", R"(,"channel":"fax","direction":"inbound")"), "event 'e-1', field 'channel': unknown interaction channel 'fax'; expected one of email, call, meeting, visit, message, demo"},
        {ev("interaction", R"(,"channel":"call","direction":"sideways")"), "event 'e-1', field 'direction': unknown interaction direction 'sideways'; expected one of inbound, outbound, mutual"},
        {ev("interaction", R"(,"channel":"call","direction":"inbound","volume":0)"), "event 'e-1', field 'volume': must be between 1 and 1000000"},
        {ev("interaction", R"(,"channel":"call","direction":"inbound","volume":2.5)"), "event 'e-1', field 'volume': expected a whole number, got a number"},
        {ev("buyer_stage", R"(,"stage":"negotiation")"), "event 'e-1', field 'stage': unknown buyer stage 'negotiation'; expected one of need_awareness, need_definition, evaluation, final_approval, purchased"},
        {ev("buyer_stage", R"(,"stage":"evaluation","criteria_aligned":1)"), "event 'e-1', field 'criteria_aligned': expected true or false, got a number"},
        {ev("lose"), "event 'e-1', field 'reason': is missing"},
        {ev("lose", R"(,"reason":"price")"), "event 'e-1', field 'reason': unknown loss reason 'price'; expected one of competitor, no_decision, budget, timing, fit, other"},
        {ev("disqualify", R"(,"reason":")" + kLong + "\""), "event 'e-1', field 'reason': is 5000 bytes, longer than the limit of 1024"},
        {ev("advance", R"(,"st\u0001ep":"tracking")"), "event 'e-1', field 'st\\x01ep': is not a field of 'advance' events"},
        {ev("advance", R"(,"step":"tracking")"), "event 'e-1', field 'step': is not a field of 'advance' events"},
        {ev("evidence", R"(,"kind":"trial","contact":"c\u0000")"), "event 'e-1', field 'contact': must not contain control characters"},
        {ev("signal", R"(,"kind":")" + std::string(100, 'k') + "\""), "event 'e-1', field 'kind': unknown signal kind '" + std::string(64, 'k') + "...'; expected one of people_change, role_change, criteria_change, intent_change, process_change, implicit_need"},
    };
    REQUIRE(cases.size() >= 30);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        DYNAMIC_SECTION("case " << i) {
            INFO(c.input.substr(0, 200));
            try {
                parse_event(c.input);
                FAIL("accepted a malformed event");
            } catch (const EventError& err) {
                CHECK(std::string(err.what()) == c.message);
            }
        }
    }
}

TEST_CASE("an EventError exposes the event id, line, field and reason", "[event][errors]") {
    try {
        parse_event(ev("evidence", R"(,"kind":"nope")"), 12);
        FAIL("accepted");
    } catch (const EventError& err) {
        CHECK(err.event_id() == "e-1");
        CHECK(err.line() == 12);
        CHECK(err.field() == "kind");
        CHECK(err.reason().rfind("unknown evidence kind 'nope'", 0) == 0);
        CHECK(std::string(err.what()).rfind("event 'e-1' (line 12), field 'kind': ", 0) == 0);
    }
}

TEST_CASE("an oversized record is refused before parsing", "[event][errors]") {
    const std::string huge = ev("note", R"(,"note":")" + std::string(Limits::line, 'n') + "\"");
    try {
        parse_event(huge, 3);
        FAIL("accepted");
    } catch (const EventError& err) {
        CHECK(err.line() == 3);
        CHECK(err.field().empty());
        CHECK(std::string(err.what()).find("longer than the limit of 1048576") != std::string::npos);
    }
}
