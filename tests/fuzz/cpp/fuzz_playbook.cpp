// The playbook reader, and the gates and assessment it configures. Oracle:
// only PlaybookError escapes Playbook::parse; an accepted playbook writes back
// to a document that reads as the same playbook; replaying stories under it,
// and assessing them, throws nothing.
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "oracle.hpp"
#include "pursuit/assessment.hpp"
#include "pursuit/json.hpp"
#include "pursuit/pipeline.hpp"

using namespace pursuit;
using pursuit::fuzz::check;
using pursuit::fuzz::expect_only;

namespace {

// Three of tests/data/stories.jsonl's opportunities: won with every gate, fell
// back when its key person left, lost and reopened.
const std::vector<Event>& stories() {
    static const std::vector<Event> events = [] {
        const std::set<std::string> keep{"OPP-001", "OPP-004", "OPP-007"};
        std::vector<Event> out;
        for (auto& e : read_jsonl_file(PURSUIT_STORIES).events)
            if (keep.count(e.opportunity)) out.push_back(std::move(e));
        return out;
    }();
    return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::optional<Playbook> playbook;
    if (!expect_only<PlaybookError>("Playbook::parse", [&] { playbook.emplace(Playbook::parse(text)); })) return 0;

    const nlohmann::ordered_json document = playbook->to_json();
    std::optional<Playbook> again;
    expect_only<>("Playbook::parse(to_json())", [&] { again.emplace(Playbook::parse(document.dump())); });
    check(again->to_json() == document, "playbook round trip", "the written document reads as another playbook");

    Pipeline pipeline(std::make_shared<const Playbook>(std::move(*playbook)));
    expect_only<>("Pipeline::apply", [&] { pipeline.apply(stories()); });
    for (std::size_t i = 0; i < pipeline.size(); ++i) {
        const Opportunity& opp = pipeline.at(i);
        expect_only<>("assess", [&] {
            for (Timestamp later : {Timestamp{0}, 400 * kMicrosPerDay}) {
                const Assessment a = assess(opp, opp.last_at() + later);
                check(a.stage_prior >= 0 && a.stage_prior <= 1, "assess", "a stage prior outside [0, 1]");
                win_features(opp, a, true);
            }
            opp.requirements();
            opp.can_advance();
        });
    }
    return 0;
}
