// A third-party rating widget that keeps a visitor id in the page's localStorage.
localStorage.setItem("widget_visitante", String(Date.now()));
