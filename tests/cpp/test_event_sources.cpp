// Every source reads an event as the strict parser does: the simdjson fast
// path (parse_event) against nlohmann's DOM (event_from_json over the strict
// parser), on valid files and on texts chosen where two JSON parsers tend to
// disagree.
#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "pursuit/json.hpp"
#include "../../cpp/src/strict_json.hpp"

using namespace pursuit;

namespace {

// The outcome of a reading: the event's canonical line, or the error's text.
std::string outcome(std::string_view text, bool fast) {
    try {
        if (fast) return to_json_line(parse_event(text, 7));
        nlohmann::json value;
        try {
            value = parse_strict_json(text, Limits::depth);
        } catch (const StrictJsonError& err) {
            throw EventError(err.id, 7, err.field(), err.reason);
        }
        return to_json_line(event_from_json(value, 7));
    } catch (const EventError& err) {
        return std::string("error: ") + err.what();
    }
}

const std::string kHead = R"({"id":"e-1","opportunity":"O","at":"2026-03-02T02:00:00Z",)";

std::string nested(std::size_t levels) {
    return kHead + R"("type":"note","note":"n","x":)" + std::string(levels, '[') + std::string(levels, ']') + "}";
}

}  // namespace

TEST_CASE("the fast reader and the strict one agree on every line of the sample and the stories", "[event][sources]") {
    for (const char* path : {PURSUIT_SAMPLE_EVENTS, PURSUIT_STORIES}) {
        std::ifstream in(path);
        REQUIRE(in);
        std::string line;
        std::size_t n = 0;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            ++n;
            INFO(line);
            CHECK(outcome(line, true) == outcome(line, false));
        }
        CHECK(n > 20);
    }
}

TEST_CASE("the fast reader and the strict one agree where JSON parsers differ", "[event][sources]") {
    const std::string open = kHead + R"("type":"open","account":"A","name":"N")";
    const std::vector<std::string> texts = {
        open + "}",
        open + R"(,"amount":1e400})", open + R"(,"amount":-0})", open + R"(,"amount":1E5})",
        open + R"(,"amount":99999999999999999999})", open + R"(,"amount":18446744073709551615})",
        open + R"(,"amount":0.1e-400})", open + R"(,"amount":01})", open + R"(,"amount":.5})",
        open + R"(,"amount":NaN})", open + R"(,"amount":Infinity})",
        open + R"(,"name":"x"})",                                // a repeated key
        open + R"(,"segments":{"a":"1","a":"2"}})",             // repeated inside
        open + R"(,"segments":{"b":"1","a":""}})",              // two problems: the first key in order
        open + R"(,"zz":1,"aa":2})",                            // two unknown fields: the first in order
        open + R"(,"x":[{"k":1,"k":2}]})",                      // a repeat deep down
        open + "} x", open + "}{}", open + "}\r", open + "} \t ",  // trailing content, and whitespace
        "\xEF\xBB\xBF" + open + "}",                              // a byte order mark
        open + R"(,"owner":"\ud800"})", open + R"(,"owner":"\udc00"})", open + R"(,"owner":"\ud83d\ude00"})",
        open + R"(,"owner":"a)" + std::string("\t") + R"(b"})",  // a raw control character
        open + R"(,"owner":"\u0000"})", open + ",\"owner\":\"\xC0\xAF\"}", open + ",\"owner\":\"\xED\xA0\x80\"}",
        open + ",\"owner\":\"\xF4\x90\x80\x80\"}",
        kHead + R"("type":"interaction","channel":"call","direction":"inbound","volume":2.0})",
        kHead + R"("type":"interaction","channel":"call","direction":"inbound","volume":18446744073709551615})",
        kHead + R"("type":"interaction","channel":"call","direction":"inbound","volume":-9223372036854775808})",
        kHead + R"("type":"competitor","none":1})", kHead + R"("type":"competitor","none":true,"name":null})",
        nested(16), nested(17), nested(18),
        "[]", "null", "\"text\"", "", " ", "{", "{}",
    };
    for (const auto& text : texts) {
        INFO(text);
        CHECK(outcome(text, true) == outcome(text, false));
    }
}

TEST_CASE("a padded line inside a larger buffer is read in place, as a copy would be", "[event][sources]") {
    const std::string line = kHead + R"("type":"open","account":"A","name":"N"})";
    std::string buffer = line + "\n" + line + std::string(kJsonPadding, ' ');
    CHECK(to_json_line(parse_event(std::string_view(buffer).substr(0, line.size()), 1, true)) ==
          to_json_line(parse_event(line)));
    buffer[line.size()] = '}';  // what follows the line is not part of it
    CHECK(to_json_line(parse_event(std::string_view(buffer).substr(0, line.size()), 1, true)) ==
          to_json_line(parse_event(line)));
}
