// The words every page shares. Each area's own words are in views/AREA/messages.js under its key.
export default {
  zh: {
    app: { title: "政务信息系统迁移编排", brand: "govmig", skip: "跳到正文", signOut: "退出", password: "修改密码",
      language: "English", languageLabel: "切换到英文", allTimes: "时间均为 {zone}", home: "首页", audit: "审计日志",
      forbidden: "您的角色无权查看此页。", notFound: "没有这个页面。", loading: "正在加载…", none: "无",
      retry: "重试", close: "关闭", cancel: "取消", confirm: "确认", save: "保存", comment: "意见", refresh: "刷新",
      raw: "原始数据", noData: "暂无数据", actions: "操作", choose: "请选择一项工作：", mainNav: "主导航",
      badge: { notices: "（{n} 条通知未送达）" } },
    role: { department: "部门用户", ops: "运维", supervisor: "监管", sysadmin: "系统管理员", secadmin: "安全管理员",
      auditor: "审计管理员" },
    confirm: { title: "不可撤销的操作", type: "请输入系统的编号 {key} 以确认：", typed: "输入的编号",
      mismatch: "输入的编号与 {key} 不一致", waits: "已提交，等待第二人审批后执行。" },
  },
  en: {
    app: { title: "Migration orchestrator", brand: "govmig", skip: "Skip to content", signOut: "Sign out",
      password: "Password", language: "中文", languageLabel: "Switch to Chinese", allTimes: "All times in {zone}",
      home: "Home", audit: "Audit log", forbidden: "Your role may not see this page.", notFound: "No such page.",
      loading: "Loading…", none: "None", retry: "Retry", close: "Close", cancel: "Cancel", confirm: "Confirm",
      save: "Save", comment: "Comment", refresh: "Refresh", raw: "Raw data", noData: "No data", actions: "Actions",
      choose: "Choose your work:", mainNav: "Main navigation",
      badge: { notices: " ({n} notices not delivered)" } },
    role: { department: "Department", ops: "Operations", supervisor: "Supervisor", sysadmin: "System administrator",
      secadmin: "Security administrator", auditor: "Auditor" },
    confirm: { title: "An action that cannot be undone", type: "Type the system's key {key} to confirm:",
      typed: "Key typed", mismatch: "What you typed is not {key}", waits: "Asked; it runs once a second person approves." },
  },
};
