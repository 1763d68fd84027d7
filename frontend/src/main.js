import { createApp } from "vue";
import "element-plus/theme-chalk/base.css";
import "element-plus/theme-chalk/el-message.css";
import "element-plus/theme-chalk/el-message-box.css";
import "./styles.css";
import App from "./App.vue";
import { router } from "./router.js";
import { i18n, setLocale } from "./i18n/index.js";

setLocale(i18n.global.locale.value);
createApp(App).use(i18n).use(router).mount("#app");
