"""Fixed word lists for :mod:`pursuit.sample`: accounts, people, products and short notes.

Texts are ``(中文, English)`` pairs; the generator picks the language per region.
Everything is a tuple so that its order (and so the generated sample) never changes.
"""

# region: UTC offset in winter and summer, currency, amount range and step, note language, owners, accounts
REGIONS = (
    ("cn", (8, 8), "CNY", (300_000, 6_000_000, 10_000), "zh",
     ("陈静 Chen Jing", "黄磊", "王芳 Wang Fang", "刘洋", "周婷 Zhou Ting", "李明"),
     ("华东精密制造有限公司", "深圳云启科技有限公司", "苏州恒通物流股份有限公司", "杭州新禾食品集团",
      "成都天府能源有限公司", "青岛海岳化工有限公司", "北京智远医疗科技有限公司", "武汉长江汽车零部件有限公司",
      "广州南粤零售连锁有限公司", "宁波港联供应链有限公司", "西安秦川航空部件有限公司", "天津滨海制药有限公司",
      "厦门鹭达电子有限公司", "合肥光谷新材料有限公司")),
    ("uk", (0, 1), "GBP", (60_000, 900_000, 5_000), "en",
     ("Emma Clarke", "James Whitfield", "Priya Shah"),
     ("Northwind Logistics Ltd", "Harbourside Foods plc", "Pennine Water Services", "Albion Retail Group",
      "Thamesbridge Insurance", "Caledonia Freight Ltd")),
    ("de", (1, 2), "EUR", (80_000, 1_200_000, 5_000), "en",
     ("Lukas Becker", "Anna Schmidt", "Jonas Weber"),
     ("Helios Energie GmbH", "Rheinwerk Maschinenbau AG", "Nordlicht Pharma GmbH", "Alpenhof Lebensmittel AG",
      "Brandt & Vogel Logistik KG")),
    ("us", (-5, -4), "USD", (90_000, 1_500_000, 5_000), "en",
     ("Sarah Miller", "David Chen", "Marcus Johnson"),
     ("Lakeshore Health System", "Redwood Components Inc.", "Summit Grocers Co.", "Granite State Utilities",
      "Bayview Semiconductor Corp.")),
    ("sg", (8, 8), "SGD", (80_000, 1_000_000, 5_000), "en",
     ("Tan Wei Ling", "Rajesh Kumar"),
     ("Straits Marine Services Pte Ltd", "Merlion Healthcare Group", "Jurong Precision Pte Ltd")),
    ("jp", (9, 9), "JPY", (8_000_000, 150_000_000, 500_000), "en",
     ("Kenji Watanabe", "Yuki Tanaka"),
     ("Kanto Precision Industries", "Sakura Retail Holdings", "Setouchi Chemical Co.")),
)
REGION_WEIGHTS = (45, 12, 13, 15, 8, 7)

# Chinese names are a surname and a given name; elsewhere a fixed list of full names per region.
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"
GIVEN = ("伟", "敏", "强", "娜", "洋", "艳", "军", "杰", "娟", "涛", "建华", "晓东", "海燕", "志强", "丽华", "子涵", "文博", "雪")
NAMES = {
    "uk": ("Oliver Grant", "Charlotte Evans", "Hannah Brooks", "Thomas Reed", "Sophie Walker", "Daniel Hughes",
           "Grace Murphy", "Peter Foster", "Claire Dawson", "Ravi Patel"),
    "de": ("Felix Wagner", "Laura Fischer", "Michael Klein", "Nina Hoffmann", "Stefan Braun", "Julia Neumann",
           "Tobias Keller", "Katrin Wolf"),
    "us": ("Michael Brooks", "Jennifer Lopez-Hart", "Kevin O'Brien", "Rachel Kim", "Brian Foster", "Emily Nguyen",
           "Carlos Garcia", "Megan Price"),
    "sg": ("Lim Hui Ling", "Ng Wei Jie", "Tan Mei Xin", "Arjun Nair", "Goh Kok Leong", "Siti Rahman"),
    "jp": ("Sato Hiroshi", "Suzuki Aiko", "Ito Takeshi", "Nakamura Yui", "Kobayashi Ken", "Yamamoto Emi"),
}

# (中文, English) titles of people who decide, and of the people around them
DECIDER_TITLES = (("首席执行官", "CEO"), ("首席财务官", "CFO"), ("首席运营官", "COO"), ("首席信息官", "CIO"),
                  ("总经理", "General Manager"), ("运营副总裁", "VP Operations"), ("供应链副总裁", "VP Supply Chain"))
STAFF_TITLES = (("IT 总监", "IT Director"), ("数据部负责人", "Head of Data"), ("工厂经理", "Plant Manager"),
                ("采购经理", "Procurement Manager"), ("项目经理", "Project Manager"), ("财务经理", "Finance Manager"),
                ("质量总监", "Head of Quality"), ("物流经理", "Logistics Manager"), ("架构师", "Enterprise Architect"))

PRODUCTS = (("MES 升级项目", "MES upgrade"), ("数据平台建设", "Data platform build-out"),
            ("仓储自动化", "Warehouse automation"), ("设备预测性维护", "Predictive maintenance"),
            ("供应链可视化", "Supply-chain visibility"), ("质量追溯系统", "Quality traceability"),
            ("能源管理平台", "Energy management platform"), ("客户数据平台", "Customer data platform"),
            ("财务共享中心", "Finance shared services"), ("排产优化", "Production scheduling optimisation"),
            ("电子批记录", "Electronic batch records"), ("门店补货系统", "Store replenishment"))

FOCUS = (("交付周期", "delivery lead time"), ("库存周转", "inventory turns"), ("数据孤岛", "data silos"),
         ("合规审计", "audit compliance"), ("成本控制", "cost control"), ("上线风险", "go-live risk"),
         ("产能利用率", "capacity utilisation"), ("报表时效", "report latency"), ("客户投诉", "customer complaints"))

COMPETITORS = ("Kestrel Systems", "Northstar Software", "蓝海软件", "Vantage Analytics", "Orbis ERP", "鼎信科技")
STRENGTHS = (("价格低", "Lower licence price"), ("本地团队大", "Large local team"), ("与 ERP 深度集成", "Deep ERP integration"),
             ("行业案例多", "Many industry references"), ("硬件捆绑", "Bundled hardware"))
WEAKNESSES = (("多工厂支持弱", "Weak multi-site support"), ("实施周期长", "Long implementations"),
              ("二次开发多", "Heavy customisation"), ("售后响应慢", "Slow support response"), ("无私有化部署", "No on-premise option"))
STRATEGIES = (("低价切入，后续靠服务收费", "Win on price, earn on services later"),
              ("通过高层关系直接拍板", "Go straight to the top through executive ties"),
              ("把选择标准写成自己的功能清单", "Write the selection criteria as its own feature list"))

SIGNALS = {
    "implicit_need": (("客户提到换型时间过长", "Customer mentioned long changeover times"),
                      ("对方抱怨月底结账要加班一周", "They complained month-end close takes a week of overtime")),
    "people_change": (("新任运营副总裁上任", "A new VP Operations has started"),
                      ("新 CIO 来自我们的老客户", "New CIO joined from one of our customers")),
    "intent_change": (("客户主动索要演示", "Customer asked for a demo"),
                      ("年度规划里出现了数字化预算", "Digitalisation budget appears in the annual plan")),
    "process_change": (("集团发布新的采购流程", "Group announced a new procurement framework"),
                       ("项目改由总部统一招标", "Projects now tendered centrally by head office")),
    "criteria_change": (("选择标准新增本地部署要求", "Selection criteria now require on-premise deployment"),),
    "role_change": (("对接人升任部门负责人", "Our contact was promoted to head of department"),),
}

INSIGHTS = {
    "industry": (("行业整体产能过剩，价格战激烈", "Industry overcapacity; fierce price competition"),
                 ("监管要求全流程可追溯", "Regulators require end-to-end traceability")),
    "goals": (("三年内营收翻番", "Double revenue in three years"), ("明年 OEE 提升 10%", "Raise OEE by 10% next year"),
              ("准备 IPO，需要规范数据口径", "Preparing an IPO; metrics must be auditable")),
    "problem": (("排程靠 Excel，工厂之间无法共享产能", "Scheduling runs on Excel; plants cannot share capacity"),
                ("库存数据滞后两天", "Inventory data lags two days"), ("质量问题追溯要一周", "Tracing a quality issue takes a week")),
    "investment_reason": (("大客户审核不通过就会丢单", "Failing the key customer's audit would lose the account"),
                          ("人工成本每年上涨 8%", "Labour costs rise 8% a year")),
    "benefits": (("预计库存降低 15%", "Expected 15% lower inventory"), ("交付周期缩短一周", "Lead time down by a week"),
                 ("每年节省约 200 万", "Savings of about 2M a year")),
    "political_ecology": (("CFO 与 CIO 意见不合", "CFO and CIO disagree on priorities"),
                          ("运营部话语权最大", "Operations has the strongest voice")),
}

NOTES = {
    "first_meeting": (("初次接触，介绍了我们的方案", "First contact; presented our approach"),
                      ("初次沟通，了解现状", "First conversation about the current situation")),
    "funding_yes": (("年度预算已划拨", "Budget allocated in the annual plan"), ("董事会已批准资金", "Board approved the funding")),
    "funding_unknown": (("预算尚在审批", "Budget still under review"),),
    "funding_no": (("今年没有预算", "No budget this year"), ("资金未划拨，项目推迟", "Funding not allocated; project postponed")),
    "access": (("约见了关键人，对方愿意定期沟通", "Met the decision maker; regular meetings agreed"),),
    "time": (("客户安排两天需求研讨会", "Customer booked a two-day requirements workshop"),),
    "resource": (("客户指派三人项目组配合", "Customer assigned a three-person project team"),),
    "advocate": (("对方在内部会议上为我们说话", "Spoke up for us in their internal meeting"),),
    "no_advocate": (("还没有人愿意在内部替我们说话", "Still nobody who argues for us internally"),
                    ("对接人态度中立，不愿表态", "Our contact stays neutral and will not take a side")),
    "sales_guide": (("对方私下告诉我们决策链", "Explained the real decision chain to us privately"),),
    "trial": (("试用三个月", "Three-month trial agreed"), ("一条产线先行试点", "Pilot on one line first")),
    "follows_plan": (("客户按我们建议的步骤推进评估", "Customer follows the evaluation steps we proposed"),),
    "budget": (("预算已锁定，采购单在走流程", "Budget locked; purchase order in process"),),
    "legal": (("合同进入法务审核", "Contract in legal review"), ("商务条款已谈妥", "Commercial terms agreed")),
    "won": (("签约", "Signed"), ("收到采购订单", "Purchase order received")),
    "insider": (("此人曾在竞争对手任职", "Used to work for the competitor"), ("与竞争对手高层是老同学", "Old classmates with the competitor's boss")),
    "lost": (("客户选择了竞争对手", "Customer chose the competitor"), ("评标结果不利", "The tender went against us")),
    "left": (("关键人离职", "Key person has left the company"), ("关键人调往集团", "Key person moved to group head office")),
    "successor": (("继任者已到岗，重新建立联系", "Successor in place; relationship being rebuilt"),),
    "late": (("客户已在评估，标准按现有供应商写的", "Buyer already evaluating; criteria written around the incumbent"),),
    "realign": (("说服客户加入多工厂排程要求", "Persuaded the buyer to add multi-site scheduling to the criteria"),),
    "reopen": (("预算解冻，项目重启", "Budget unfrozen; project restarted"),),
    "stalled": (("客户说下季度再看", "Customer says to revisit next quarter"), ("推进缓慢，无新进展", "Slow going; nothing new")),
    "no_decision": (("客户决定暂不采购", "Customer decided not to buy for now"),),
    "misc": (("发送了方案建议书", "Sent the proposal"), ("客户要求补充报价", "Customer asked for a revised quote"),
             ("参观了样板客户", "Reference visit done")),
}
