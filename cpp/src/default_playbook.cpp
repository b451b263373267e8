// DOMAIN.md's default gates, as the playbook document an organisation would
// start from (pursuit.Playbook.default().to_json() writes it back out).
#include "pursuit/playbook.hpp"

namespace pursuit {

std::shared_ptr<const Playbook> Playbook::default_playbook() {
    static const std::shared_ptr<const Playbook> instance = std::make_shared<const Playbook>(parse(R"json({
  "name": "default",
  "gates": {
    "qualification": [
      {"code": "warning_signal", "kind": "signals", "min": 1,
       "text": {"en": "At least one warning signal recorded", "zh": "至少记录一个警示信号"},
       "action": {"en": "Record the warning signal that revealed this opportunity", "zh": "记录揭示该机会的警示信号"}},
      {"code": "account_contact", "kind": "contacts", "min": 1,
       "text": {"en": "At least one contact at the account", "zh": "客户方至少有一位联系人"},
       "action": {"en": "Map a first contact at the account", "zh": "在客户方找到并记录第一位联系人"}}
    ],
    "tracking": [
      {"code": "funding", "kind": "answer", "criterion": "funding", "answers": ["yes"],
       "text": {"en": "Funding is allocated", "zh": "资金已划拨到位"},
       "action": {"en": "Confirm the budget is allocated and by whom", "zh": "确认预算是否已划拨、由谁批准"}},
      {"code": "timing", "kind": "answer", "criterion": "timing", "answers": ["yes"],
       "text": {"en": "The timing is secured", "zh": "时间已确定"},
       "action": {"en": "Confirm when the buyer must decide and why", "zh": "确认客户必须何时决策及原因"}},
      {"code": "unique_value", "kind": "answer", "criterion": "unique_value", "answers": ["yes"],
       "text": {"en": "We have a clear unique value against competitors", "zh": "相对竞争对手有明确的独特价值"},
       "action": {"en": "State the unique value the buyer recognises", "zh": "明确客户认可的我方独特价值"}},
      {"code": "business_driver", "kind": "answer", "criterion": "business_driver", "answers": ["yes"],
       "text": {"en": "The business driver behind the decision is known", "zh": "已了解发起决策的业务驱动因素"},
       "action": {"en": "Find out why the buyer started this decision", "zh": "弄清客户发起这项决策的原因"}},
      {"code": "decision_process", "kind": "answer", "criterion": "decision_process", "answers": ["yes", "no"],
       "text": {"en": "The decision process has been looked into", "zh": "已了解正式和非正式的决策程序"},
       "action": {"en": "Map the formal and informal decision process", "zh": "摸清正式与非正式的决策程序"}},
      {"code": "key_person_access", "kind": "evidence", "evidence_kinds": ["key_person_access"],
       "text": {"en": "Evidence of access to the key people (people in place)", "zh": "有接触关键人的证据（人员到位）"},
       "action": {"en": "Meet a key person and record the access", "zh": "约见关键人并记录接触证据"}}
    ],
    "monitoring": [
      {"code": "situation_insights", "kind": "insights",
       "topics": ["goals", "problem", "investment_reason", "benefits"],
       "text": {"en": "Insights on goals, problem, investment reason and benefits", "zh": "掌握企业目标、难题、投资理由和好处"},
       "action": {"en": "Record what the buyer wants, what troubles them, why they invest and what they gain",
                  "zh": "记录客户的目标、困扰的难题、投资理由和预期好处"}},
      {"code": "key_person_mapped", "kind": "contacts", "role": "key_person", "min_authority": "high",
       "text": {"en": "A key person with high authority is mapped", "zh": "已找到一位高权限的关键人"},
       "action": {"en": "Identify who decides and record their authority", "zh": "找出决策者并记录其权限"}},
      {"code": "advocate", "kind": "contacts", "stances": ["advocate"],
       "text": {"en": "Someone will argue for us (an advocate)", "zh": "有人愿意为我们说话（代言人）"},
       "action": {"en": "Develop an advocate who speaks for us when we are absent", "zh": "培养在我们不在场时为我们说话的代言人"}},
      {"code": "buyer_commitment", "kind": "evidence",
       "evidence_kinds": ["time_commitment", "resource_commitment", "budget_commitment"],
       "text": {"en": "The buyer has committed time, resources or budget", "zh": "客户已投入时间、资源或预算"},
       "action": {"en": "Ask for a concrete commitment: a workshop, a team, a budget line", "zh": "争取具体投入：研讨会、人员或预算"}}
    ],
    "verification": [
      {"code": "competition_assessed", "kind": "competitor_assessed",
       "text": {"en": "Competition assessed (or none found)", "zh": "已评估竞争对手（或确认没有）"},
       "action": {"en": "Record each competitor's strengths, weaknesses and strategy", "zh": "记录每个竞争对手的优势、劣势和策略"}},
      {"code": "sales_guide", "kind": "contacts", "role": "sales_guide",
       "text": {"en": "A sales guide tells us the internal power structure", "zh": "有销售引导人告诉我们内部权力结构"},
       "action": {"en": "Find a coach inside the account", "zh": "在客户内部找到销售引导人"}},
      {"code": "communicator", "kind": "contacts", "role": "communicator",
       "text": {"en": "A communicator helps key people see our value", "zh": "有合适沟通者帮助关键人认识我方价值"},
       "action": {"en": "Enlist someone the key people listen to", "zh": "争取关键人信任的人做沟通者"}},
      {"code": "buyer_evaluating", "kind": "buyer_stage", "min_stage": "evaluation",
       "text": {"en": "The buyer is at evaluation or later", "zh": "客户已进入选择评估阶段或更后"},
       "action": {"en": "Confirm the buyer is evaluating options", "zh": "确认客户已开始评估方案"}}
    ],
    "won": [
      {"code": "final_approval", "kind": "buyer_stage", "min_stage": "final_approval",
       "text": {"en": "The buyer is at final approval or later", "zh": "客户已进入最终认可阶段或更后"},
       "action": {"en": "Confirm the purchase is in final approval", "zh": "确认采购已进入最终认可"}},
      {"code": "budget_commitment", "kind": "evidence", "evidence_kinds": ["budget_commitment"],
       "text": {"en": "Evidence the budget is committed", "zh": "有预算已投入的证据"},
       "action": {"en": "Get the budget commitment in writing", "zh": "取得书面的预算承诺"}},
      {"code": "key_person_access_valid", "kind": "evidence", "evidence_kinds": ["key_person_access"],
       "text": {"en": "Access to the key people still valid", "zh": "与关键人的接触仍然有效"},
       "action": {"en": "Re-establish access to the key people", "zh": "重新建立与关键人的接触"}}
    ],
    "lost": [],
    "disqualified": []
  }
})json"));
    return instance;
}

}  // namespace pursuit
