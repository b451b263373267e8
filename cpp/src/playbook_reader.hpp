// Private to the playbook's sources: reading a JSON document with errors that
// name the JSON Pointer of the offending value and what was expected there.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "pursuit/playbook.hpp"
#include "text.hpp"

namespace pursuit {

using nlohmann::json;

class Reader {
public:
    explicit Reader(std::string path) : path_(std::move(path)) {}

    [[noreturn]] void fail(const std::string& sub, const std::string& reason) const {
        throw PlaybookError(path_ + sub, reason);
    }
    const std::string& path() const { return path_; }

    static std::string escape(const std::string& key) {  // JSON Pointer escaping
        std::string out;
        for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
        return out;
    }

    void object(const json& v, const std::vector<std::string_view>& allowed) const {
        if (!v.is_object()) fail("", "expected an object");
        for (const auto& item : v.items())
            if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end())
                fail("/" + escape(item.key()), "unexpected key " + quote(item.key()));
    }
    const json& required(const json& v, const std::string& key) const {
        if (!v.contains(key)) fail("/" + key, "is missing");
        return v.at(key);
    }
    std::string text(const json& v, const std::string& key) const {
        const json& t = required(v, key);
        if (!t.is_string() || t.get_ref<const std::string&>().empty()) fail("/" + key, "expected a non-empty string");
        return t.get<std::string>();
    }
    Bilingual bilingual(const json& v, const std::string& key) const {
        const Reader r(path_ + "/" + key);
        const json& b = required(v, key);
        r.object(b, {"en", "zh"});
        return {r.text(b, "en"), r.text(b, "zh")};
    }
    template <class E>
    E term_value(const json& t, const std::string& sub) const {
        if (t.is_string())
            if (auto parsed = parse_id<E>(t.get_ref<const std::string&>())) return *parsed;
        const std::string_view kind = Vocabulary<E>::kind;
        const bool vowel = std::string_view("aeiou").find(kind.front()) != std::string_view::npos;
        fail(sub, std::string("expected ") + (vowel ? "an " : "a ") + std::string(kind) + ": one of " + expected_ids<E>());
    }
    template <class E>
    E term(const json& v, const std::string& key) const {
        return term_value<E>(required(v, key), "/" + key);
    }
    template <class E>
    std::vector<E> terms(const json& v, const std::string& key) const {
        const json& list = required(v, key);
        if (!list.is_array() || list.empty()) fail("/" + key, "expected a non-empty array");
        std::vector<E> out;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string sub = "/" + key + "/" + std::to_string(i);
            const E e = term_value<E>(list[i], sub);
            if (std::find(out.begin(), out.end(), e) != out.end()) fail(sub, "repeats " + quote(to_id(e)));
            out.push_back(e);
        }
        return out;
    }
    double fraction(const json& v, const std::string& key) const {
        const json& n = required(v, key);
        if (!n.is_number() || n.get<double>() < 0 || n.get<double>() > 1) fail("/" + key, "expected a number from 0 to 1");
        return n.get<double>();
    }
    std::uint32_t count(const json& v, const std::string& key, std::uint32_t lowest) const {
        const json& n = required(v, key);
        if (!n.is_number_integer() || n.get<std::int64_t>() < lowest || n.get<std::int64_t>() > 1'000'000)
            fail("/" + key, "expected a whole number from " + std::to_string(lowest) + " to 1000000");
        return static_cast<std::uint32_t>(n.get<std::int64_t>());
    }

private:
    std::string path_;
};

// assessment_rules.cpp: the playbook's optional "assessment" section.
AssessmentRules read_assessment(const json& v, const Reader& r);
nlohmann::ordered_json write_assessment(const AssessmentRules& rules);

}  // namespace pursuit
