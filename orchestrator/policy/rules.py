"""The catalog of rules: each id with the clause it comes from and what it says, in Chinese and English.

`govmig policy show` prints this table; every reason a decision gives names one of these ids.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    source: str
    zh: str
    en: str


CATALOG: tuple[Rule, ...] = (
    Rule(
        "P1",
        "002 二(二)(三); 001 二(五)",
        "涉密系统迁入电子政务内网，不得进入外网、互联网区或外网政务云",
        "a classified system goes to the e-gov internal network, never to the external network, the internet zone or the external gov cloud",
    ),
    Rule(
        "P2",
        "003 (二)",
        "等保三级及以下、具备部署条件的非涉密系统部署到政务云（外网）；面向公众的进入互联网区",
        "a non-classified system up to MLPS 3 that can be deployed goes to the gov cloud on the external network; one that serves the public goes to its internet zone",
    ),
    Rule(
        "P3",
        "002 二(三)",
        "不能上云的非涉密系统（等保四级及以上或依赖专用硬件）迁入电子政务外网（云下）",
        "a non-classified system that cannot go to the cloud (MLPS 4+, special hardware) moves to the e-gov external network off-cloud",
    ),
    Rule(
        "P4",
        "002 二(三)",
        "除极少数经批准豁免的特殊情况外，业务专网一律向内网或外网整合",
        "a system may stay on its private network only with an approved exemption",
    ),
    Rule(
        "P5",
        "002 二(一)",
        "“僵尸”信息系统予以清理（关停、合并或替代），不予迁移",
        "a zombie system is retired (closed, merged or replaced), not migrated",
    ),
    Rule(
        "P6",
        "002 二(二)",
        "以司局和处室名义存在的独立系统原则上必须整合进部门“大系统”",
        "systems run in a bureau's or division's name are consolidated into the department's one system",
    ),
    Rule(
        "P7",
        "002 二(四)(七); 003 三(三)",
        "数据资源编入政务信息资源目录并接入所在网络的数据共享交换平台；不予共享须有法律依据",
        "data resources are registered in the catalog and connected to the sharing platform of the target network; not_shared needs a legal basis",
    ),
    Rule(
        "P8",
        "002 三(六); 001 三(六)",
        "备案信息不全的项目不予审批，不拨付运维经费",
        "a system whose filing is incomplete is not approved and gets no O&M funds",
    ),
    Rule(
        "P9",
        "003 三(四), 四(四)",
        "共享平台已能提供的基础信息不得重复采集",
        "base data the sharing platform already provides must not be collected again",
    ),
    Rule("Z1", "002 二(一)", "系统使用与实际业务流程长期脱节", "long disconnected from actual business"),
    Rule("Z2", "002 二(一)", "功能可被其他系统替代", "its function can be replaced by another system"),
    Rule("Z3", "002 二(一)", "所占用资源长期处于空闲状态", "its resources sit idle for a long time"),
    Rule("Z4", "002 二(一)", "运行维护停止更新服务", "O&M has stopped updating it"),
    Rule("Z5", "002 二(一)", "使用范围小、频度低", "small scope and low frequency of use"),
)

BY_ID = {rule.id: rule for rule in CATALOG}
