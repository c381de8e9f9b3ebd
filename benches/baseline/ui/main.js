// Its first view is the page itself: drawn once the module runs.
performance.mark("first-view");
window.__TAURI__.core.invoke("ready");
