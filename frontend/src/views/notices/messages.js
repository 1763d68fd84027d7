// The notifications page's words (notices retried or given up), Chinese and English.
export default {
  zh: {
    notices: {
      title: "未送达的通知",
      intro: "邮件和 webhook 通知发送失败时会按递增的间隔重试，最多 {max} 次；仍未送达即放弃。这里列出正在重试和已放弃的通知：请检查接收方（邮件服务器、政务微信/钉钉网关）后重新发送。",
      summary: "重试中 {retrying} 条，已放弃 {given_up} 条",
      allDelivered: "所有通知均已送达，没有正在重试或已放弃的通知。", noneOf: "没有{what}的通知。",
      show: "显示", failing: "全部未送达", retrying: "重试中", given_up: "已放弃",
      event: "事件", wave: "批次", system: "系统", to: "接收方", status: "状态", tries: "尝试次数",
      error: "最近错误", lastTry: "最近", nextTry: "下次", when: "尝试时间", raisedAt: "事件时间", what: "通知内容",
      mail: "邮件", webhook: "Webhook", none: "—", triesOf: "{n} / {max}",
      retry: "重新发送", retryOf: "重新发送通知 {id}", retried: "通知 {id} 已重新排队，将由通知进程发送。",
      readOnly: "监管角色只读：重新发送由运维操作。", refresh: "刷新",
      newest: "仅列出最新的 {n} 条。",
    },
  },
  en: {
    notices: {
      title: "Notices not delivered",
      intro: "A mail or webhook notice that fails is tried again after a growing pause, at most {max} times, then given up. These are the notices being retried and those given up: check the recipient (the mail relay, the IM gateway) and send again.",
      summary: "{retrying} retrying, {given_up} given up",
      allDelivered: "Every notice was delivered: none is being retried or given up.", noneOf: "No notice: {what}.",
      show: "Show", failing: "All not delivered", retrying: "Retrying", given_up: "Given up",
      event: "Event", wave: "Wave", system: "System", to: "Recipient", status: "Status", tries: "Tries",
      error: "Last error", lastTry: "Last", nextTry: "Next", when: "Tries at", raisedAt: "Event time", what: "Notice",
      mail: "Mail", webhook: "Webhook", none: "—", triesOf: "{n} / {max}",
      retry: "Send again", retryOf: "Send notice {id} again", retried: "Notice {id} is queued again; the notifier sends it.",
      readOnly: "Supervisors read only: ops send notices again.", refresh: "Refresh",
      newest: "Only the newest {n} are listed.",
    },
  },
};
