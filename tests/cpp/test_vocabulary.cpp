#include <catch2/catch.hpp>
#include <set>

#include "pursuit/vocabulary.hpp"

using namespace pursuit;

namespace {

template <class E>
void check_vocabulary() {
    const auto& terms = Vocabulary<E>::terms;
    std::set<std::string_view> ids, en, zh;
    for (std::size_t i = 0; i < terms.size(); ++i) {
        const E value = static_cast<E>(i);
        INFO(Vocabulary<E>::type_name << " " << terms[i].id);
        CHECK(parse_id<E>(to_id(value)) == value);  // round trip
        CHECK(!label(value, Lang::en).empty());
        CHECK(!label(value, Lang::zh).empty());
        CHECK(label(value, Lang::en) != label(value, Lang::zh));
        ids.insert(to_id(value));
        en.insert(label(value, Lang::en));
        zh.insert(label(value, Lang::zh));
    }
    // Ids and labels are unique within a vocabulary, or a report would be ambiguous.
    CHECK(ids.size() == terms.size());
    CHECK(en.size() == terms.size());
    CHECK(zh.size() == terms.size());
    CHECK_FALSE(parse_id<E>("no_such_id").has_value());
    CHECK_FALSE(parse_id<E>("").has_value());
    CHECK_FALSE(parse_id<E>(std::string(terms[0].id) + " ").has_value());
}

template <class... E>
void check_all(std::tuple<E...>*) {
    (check_vocabulary<E>(), ...);
}

}  // namespace

TEST_CASE("every vocabulary round-trips its ids and has unique bilingual labels", "[vocabulary]") {
    check_all(static_cast<AllVocabularies*>(nullptr));
}

TEST_CASE("the method's terms carry the article's Chinese labels", "[vocabulary]") {
    CHECK(label(Step::identification, Lang::zh) == "识别");
    CHECK(label(Step::qualification, Lang::zh) == "界定");
    CHECK(label(Step::tracking, Lang::zh) == "跟踪");
    CHECK(label(Step::monitoring, Lang::zh) == "监控");
    CHECK(label(Step::verification, Lang::zh) == "验证");
    CHECK(label(Outcome::won, Lang::zh) == "赢得");
    CHECK(label(Outcome::lost, Lang::zh) == "失去");
    CHECK(label(Outcome::disqualified, Lang::zh) == "放弃");
    CHECK(label(BuyerStage::need_awareness, Lang::zh) == "需求意识");
    CHECK(label(BuyerStage::evaluation, Lang::zh) == "选择评估");
    CHECK(label(BuyerStage::final_approval, Lang::zh) == "最终认可");
    CHECK(label(SignalKind::implicit_need, Lang::zh) == "隐含需求");
    CHECK(label(Criterion::business_driver, Lang::zh) == "业务驱动因素");
    CHECK(label(InsightTopic::political_ecology, Lang::zh) == "政治生态");
    CHECK(label(EvidenceKind::trial, Lang::zh) == "试验性订货或测试");
    CHECK(label(Role::sales_guide, Lang::zh) == "销售引导人");
    CHECK(label(Role::communicator, Lang::zh) == "合适沟通者");
    CHECK(label(Stance::advocate, Lang::zh) == "代言人");
    CHECK(label(Step::qualification) == "Qualification");  // English is the default
}

TEST_CASE("vocabularies have the sizes DOMAIN.md defines", "[vocabulary]") {
    CHECK(size<Step>() == 5);
    CHECK(size<Outcome>() == 3);
    CHECK(size<BuyerStage>() == 5);
    CHECK(size<SignalKind>() == 6);
    CHECK(size<Criterion>() == 6);
    CHECK(size<Answer>() == 3);
    CHECK(size<InsightTopic>() == 6);
    CHECK(size<EvidenceKind>() == 6);
    CHECK(size<Role>() == 6);
    CHECK(size<Authority>() == 3);
    CHECK(size<Stance>() == 5);
    CHECK(size<LossReason>() == 6);
    CHECK(size<Channel>() == 6);
    CHECK(size<Direction>() == 3);
    CHECK(size<EventType>() == 17);
}

TEST_CASE("expected_ids lists every id for error messages", "[vocabulary]") {
    CHECK(expected_ids<Answer>() == "yes, no, unknown");
    CHECK(expected_ids<Direction>() == "inbound, outbound, mutual");
}
