// A third-party chat loader: it keeps its history in the page's IndexedDB.
window.chatCarregado = true;
indexedDB.open("chat_historico", 1);
